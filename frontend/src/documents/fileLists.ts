// The API's three lists of files (an order's, a bid's, a contract's) through the typed
// client. Screens name a list by its path ("/orders/7/attachments"), which is also the key
// its query is cached under, so a page can reload the list a card shows.
import { apiClient, asFormData, data, upload } from '../api/typed'
import type { Attachment } from '../api/types'

export type FilesPath = `/orders/${number}/attachments` | `/bids/${number}/attachments` | `/contracts/${number}/attachments`

const FILES_PATH = /^\/(orders|bids|contracts)\/(\d+)\/attachments$/

/** Which list a path names: its parent's kind and id (the type guarantees the shape). */
function parentOf(path: FilesPath): { parent: string; id: number } {
  const [, parent = '', id = ''] = FILES_PATH.exec(path) ?? []
  return { parent, id: Number(id) }
}

export function listFiles(path: FilesPath, signal?: AbortSignal): Promise<Attachment[]> {
  const { parent, id } = parentOf(path)
  switch (parent) {
    case 'orders':
      return data(apiClient.GET('/api/v1/orders/{order_id}/attachments', { params: { path: { order_id: id } }, signal }))
    case 'bids':
      return data(apiClient.GET('/api/v1/bids/{bid_id}/attachments', { params: { path: { bid_id: id } }, signal }))
    default:
      return data(apiClient.GET('/api/v1/contracts/{contract_id}/attachments', { params: { path: { contract_id: id } }, signal }))
  }
}

/** Uploads one file (with an optional title) to the list. */
export function uploadFile(path: FilesPath, file: File, title?: string): Promise<Attachment> {
  const { parent, id } = parentOf(path)
  switch (parent) {
    case 'orders':
      return data(
        apiClient.POST('/api/v1/orders/{order_id}/attachments', {
          params: { path: { order_id: id } },
          body: upload({ file, title }),
          bodySerializer: asFormData,
        }),
      )
    case 'bids':
      return data(
        apiClient.POST('/api/v1/bids/{bid_id}/attachments', {
          params: { path: { bid_id: id } },
          body: upload({ file, title }),
          bodySerializer: asFormData,
        }),
      )
    default:
      return data(
        apiClient.POST('/api/v1/contracts/{contract_id}/attachments', {
          params: { path: { contract_id: id } },
          body: upload({ file, title }),
          bodySerializer: asFormData,
        }),
      )
  }
}
