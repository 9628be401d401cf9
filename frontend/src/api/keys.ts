// Query keys and reads shared by several screens. A resource's parts sit under its own key
// (['order', 7, 'bids'] under ['order', 7]), so invalidating a resource after an action or a
// live event refreshes everything shown about it, and two screens that read the same thing
// share one cache entry.
import { apiClient, data } from './typed'

export const keys = {
  /** Every list of orders (the board's pages); an order's own reads sit under `order`. */
  orders: ['orders'] as const,
  board: (filters: object) => ['orders', 'board', filters] as const,
  order: (id: number) => ['order', id] as const,
  orderBids: (id: number, viewerFirmId: number | null) => ['order', id, 'bids', viewerFirmId] as const,
  orderQuestions: (id: number) => ['order', id, 'questions'] as const,
  firm: (id: number) => ['firm', id] as const,
  firmPart: (id: number, part: 'capacity' | 'billing' | 'documents' | 'invitations') => ['firm', id, part] as const,
  /** Every list of contracts (the contracts page, a bidder's won contract, confidi's choice). */
  contracts: ['contracts'] as const,
  contract: (id: number) => ['contract', id] as const,
  deliveries: (contractId: number) => ['contract', contractId, 'deliveries'] as const,
  /** Every list of files, and the board's covers (the first picture of an order). */
  allAttachments: ['attachments'] as const,
  /** Files of one parent, by its API path ("/orders/7/attachments"). */
  attachments: (path: string) => ['attachments', path] as const,
  orderCovers: (orderIds: number[]) => ['attachments', 'order-covers', orderIds] as const,
  capacitySummary: ['capacity', 'summary'] as const,
  tariffs: (phase: string) => ['tariffs', phase] as const,
  units: ['units'] as const,
  notificationSettings: ['me', 'notification-settings'] as const,
  savedSearches: ['me', 'saved-searches'] as const,
  documentQueue: ['moderation', 'documents'] as const,
  guarantees: (consortiumId: number) => ['consortium', consortiumId, 'guarantees'] as const,
  caps: (consortiumId: number) => ['consortium', consortiumId, 'caps'] as const,
}

export const read = {
  order: (id: number, signal?: AbortSignal) => data(apiClient.GET('/api/v1/orders/{order_id}', { params: { path: { order_id: id } }, signal })),
  firm: (id: number, signal?: AbortSignal) => data(apiClient.GET('/api/v1/firms/{firm_id}', { params: { path: { firm_id: id } }, signal })),
}
