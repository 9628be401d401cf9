// Shared bits of the document screens: the upload limit shown to people, and the
// sentence for each way an upload can be refused.
import { ApiError } from '../api/client'
import './documents.css'
import type { useI18n } from '../i18n'

export const MAX_UPLOAD_MB = 20
export const ACCEPT = '.pdf,.png,.jpg,.jpeg,.webp,.xlsx,.docx,.dxf,.zip'

type Translate = ReturnType<typeof useI18n>['t']

export function uploadError(error: unknown, t: Translate): string | null {
  if (error instanceof ApiError && error.status === 413) return t('docs.tooLarge', { mb: MAX_UPLOAD_MB })
  if (error instanceof ApiError && error.status === 415) return t('docs.badType')
  return null
}

export function sizeLabel(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}

export function fileIcon(contentType: string): string {
  if (contentType === 'application/pdf') return 'PDF'
  if (contentType.includes('spreadsheet')) return 'XLSX'
  if (contentType.includes('wordprocessing')) return 'DOCX'
  if (contentType === 'image/vnd.dxf') return 'DXF'
  if (contentType === 'application/zip') return 'ZIP'
  return 'IMG'
}
