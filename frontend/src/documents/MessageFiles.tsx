// Files sent with contract messages: chosen in the message form, shown under the message.
import { useQuery } from '@tanstack/react-query'
import { keys } from '../api/keys'
import { apiClient, asFormData, upload } from '../api/typed'
import type { Attachment } from '../api/types'
import { useI18n } from '../i18n'
import { FileList } from './Attachments'
import { listFiles, type FilesPath } from './fileLists'
import { ACCEPT } from './files'

/** The contract's files, under the key the contract's files card reads too. */
export function contractFilesPath(contractId: number): FilesPath {
  return `/contracts/${contractId}/attachments`
}

export function useContractFiles(contractId: number) {
  const path = contractFilesPath(contractId)
  return useQuery({ queryKey: keys.attachments(path), queryFn: ({ signal }) => listFiles(path, signal) })
}

export function MessageFiles({ files, messageId }: { files: Attachment[] | undefined; messageId: number }) {
  const mine = (files ?? []).filter((file) => file.message_id === messageId)
  if (mine.length === 0) return null
  return <FileList files={mine} />
}

export function MessageFileInput({ onChange }: { onChange: (file: File | null) => void }) {
  const { t } = useI18n()
  return (
    <label className="field message-file">
      <span className="field-label">{t('docs.attachToMessage')}</span>
      <input type="file" accept={ACCEPT} data-testid="message-file-input" onChange={(event) => onChange(event.target.files?.[0] ?? null)} />
    </label>
  )
}

export async function attachToMessage(contractId: number, messageId: number, file: File): Promise<void> {
  await apiClient.POST('/api/v1/contracts/{contract_id}/attachments', {
    params: { path: { contract_id: contractId } },
    body: upload({ file, message_id: messageId }),
    bodySerializer: asFormData,
  })
}
