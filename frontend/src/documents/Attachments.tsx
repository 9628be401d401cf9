// The files of an order, a bid or a contract: previews, download, upload, removal.
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useRef, useState, type FormEvent } from 'react'
import { api } from '../api/client'
import { apiClient } from '../api/typed'
import { keys } from '../api/keys'
import type { Attachment, Bid } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { TextField } from '../components/Field'
import { useToast } from '../components/Toasts'
import { Card, ErrorBanner, Loading, Notice } from '../components/ui'
import { describeError } from '../hooks/useForm'
import { useI18n } from '../i18n'
import { listFiles, uploadFile, type FilesPath } from './fileLists'
import { ACCEPT, MAX_UPLOAD_MB, fileIcon, sizeLabel, uploadError } from './files'
import { Thumbnail } from './Thumbnail'

export function FileList({
  files,
  canRemove,
  onRemoved,
}: {
  files: Attachment[]
  canRemove?: (file: Attachment) => boolean
  onRemoved?: () => void
}) {
  const { t, fmt } = useI18n()
  const push = useToast()
  const [busy, setBusy] = useState<number | null>(null)
  const download = async (file: Attachment) => {
    try {
      await api.download(`/attachments/${file.id}/content`, file.filename)
    } catch (error) {
      push({ tone: 'error', title: describeError(error, t) })
    }
  }
  const remove = async (file: Attachment) => {
    if (!window.confirm(t('docs.confirmRemove', { name: file.filename }))) return
    setBusy(file.id)
    try {
      await apiClient.DELETE('/api/v1/attachments/{attachment_id}', { params: { path: { attachment_id: file.id } } })
      push({ tone: 'success', title: t('docs.removed') })
      onRemoved?.()
    } catch (error) {
      push({ tone: 'error', title: describeError(error, t) })
    } finally {
      setBusy(null)
    }
  }
  return (
    <ul className="file-list" data-testid="file-list">
      {files.map((file) => (
        <li key={file.id} className="file-row" data-testid="file-row">
          {file.has_thumbnail ? (
            <Thumbnail path={`/attachments/${file.id}/thumbnail`} alt={t('docs.preview', { name: file.filename })} />
          ) : (
            <span className="file-icon" aria-hidden="true">
              {fileIcon(file.content_type)}
            </span>
          )}
          <div className="file-text">
            <strong className="file-name">{file.title || file.filename}</strong>
            <span className="muted small">
              {file.title && `${file.filename} · `}
              {sizeLabel(file.size)} · {t('docs.by', { firm: file.uploaded_by_firm_name })} · {fmt.relative(file.created_at)}
              {file.message_id && ` · ${t('docs.withMessage')}`}
            </span>
          </div>
          <div className="button-row">
            <button type="button" className="btn btn-small btn-secondary" onClick={() => download(file)}>
              {t('docs.download')}
            </button>
            {canRemove?.(file) && (
              <button type="button" className="btn btn-small btn-ghost" disabled={busy === file.id} onClick={() => remove(file)}>
                {t('docs.remove')}
              </button>
            )}
          </div>
        </li>
      ))}
    </ul>
  )
}

export function UploadForm({
  path,
  onUploaded,
  label,
}: {
  path: FilesPath
  onUploaded: (file: Attachment) => void
  label?: string
}) {
  const { t } = useI18n()
  const push = useToast()
  const input = useRef<HTMLInputElement>(null)
  const [title, setTitle] = useState('')
  const [file, setFile] = useState<File | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!file) return
    if (file.size > MAX_UPLOAD_MB * 1024 * 1024) {
      setError(t('docs.tooLarge', { mb: MAX_UPLOAD_MB }))
      return
    }
    setBusy(true)
    setError(null)
    try {
      const created = await uploadFile(path, file, title.trim() || undefined)
      push({ tone: 'success', title: t('docs.uploaded') })
      setFile(null)
      setTitle('')
      if (input.current) input.current.value = ''
      onUploaded(created)
    } catch (failure) {
      setError(uploadError(failure, t) ?? describeError(failure, t))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="upload-form" onSubmit={submit}>
      <p className="form-label">{label ?? t('docs.attach')}</p>
      <label className="field">
        <span className="field-label">{t('docs.chooseFile')}</span>
        <input
          ref={input}
          type="file"
          accept={ACCEPT}
          data-testid="file-input"
          onChange={(event) => {
            setFile(event.target.files?.[0] ?? null)
            setError(null)
          }}
        />
        <span className="field-hint">{t('docs.attachHint', { mb: MAX_UPLOAD_MB })}</span>
      </label>
      <TextField label={t('docs.title')} value={title} maxLength={200} onChange={(event) => setTitle(event.target.value)} />
      {error && <ErrorBanner message={error} />}
      <button type="submit" className="btn btn-primary" disabled={!file || busy}>
        {busy ? t('docs.uploading') : t('docs.upload')}
      </button>
    </form>
  )
}

/** A card with the files of one parent; ``canUpload`` shows the form. */
export function AttachmentsCard({
  path,
  title,
  lead,
  canUpload,
  removable,
}: {
  path: FilesPath
  title?: string
  lead?: string
  canUpload: boolean
  removable?: (file: Attachment) => boolean
}) {
  const { t } = useI18n()
  const queryClient = useQueryClient()
  const files = useQuery({ queryKey: keys.attachments(path), queryFn: ({ signal }) => listFiles(path, signal) })
  // An upload or a removal can also change an order's cover on the board.
  const reload = () => void queryClient.invalidateQueries({ queryKey: keys.allAttachments })
  return (
    <Card title={title ?? t('docs.files')} className="attachments">
      {lead && <p className="muted small">{lead}</p>}
      {files.error ? (
        <ErrorBanner error={files.error} onRetry={reload} />
      ) : !files.data ? (
        <Loading />
      ) : files.data.length === 0 ? (
        <p className="muted">{t('docs.none')}</p>
      ) : (
        <FileList files={files.data} canRemove={removable} onRemoved={reload} />
      )}
      {canUpload && <UploadForm path={path} onUploaded={reload} />}
    </Card>
  )
}

/** Whether the viewer's active firm uploaded the file (and may remove it). */
export function useOwnFiles(minimum: 'member' | 'manager'): (file: Attachment) => boolean {
  const { firmId, canManage } = useAuth()
  return (file) => file.uploaded_by_firm_id === firmId && (minimum === 'member' || canManage)
}

/** The client's view of the files bidders attached to their bids. */
export function ClientBidFiles({ bids, sealed, deadlinePassed }: { bids: Bid[]; sealed: boolean; deadlinePassed: boolean }) {
  const { t } = useI18n()
  if (sealed && !deadlinePassed) {
    return (
      <Card title={t('docs.clientBidFiles')}>
        <Notice>{t('docs.clientBidFilesSealed')}</Notice>
      </Card>
    )
  }
  if (bids.length === 0) return null
  return (
    <Card title={t('docs.clientBidFiles')}>
      {bids.map((bid) => (
        <BidFiles key={bid.id} bid={bid} />
      ))}
    </Card>
  )
}

function BidFiles({ bid }: { bid: Bid }) {
  const { t } = useI18n()
  const path: FilesPath = `/bids/${bid.id}/attachments`
  const files = useQuery({ queryKey: keys.attachments(path), queryFn: ({ signal }) => listFiles(path, signal) })
  if (!files.data || files.data.length === 0) return null
  return (
    <div className="bid-files">
      <h3 className="small">{t('docs.bidOf', { firm: bid.firm_name ?? '' })}</h3>
      <FileList files={files.data} />
    </div>
  )
}

/** The bidder's files on its live bid on this order (uploaded while the bid is live). */
export function MyBidFiles({ bids }: { bids: Bid[] }) {
  const { t } = useI18n()
  const { firmId, canManage } = useAuth()
  const own = useOwnFiles('manager')
  const live = bids.find((b) => b.firm_id === firmId && ['active', 'needs_confirmation', 'awarded'].includes(b.status))
  if (!live) return null
  const editable = live.status !== 'awarded'
  return (
    <AttachmentsCard
      path={`/bids/${live.id}/attachments`}
      title={t('docs.bidFiles')}
      canUpload={canManage && editable}
      removable={editable ? own : undefined}
    />
  )
}
