// Staff console: firm documents waiting to be checked.
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../api/client'
import { keys } from '../api/keys'
import { apiClient, data } from '../api/typed'
import type { FirmDocument } from '../api/types'
import { TextField } from '../components/Field'
import { useToast } from '../components/Toasts'
import { Empty, ErrorBanner, Loading } from '../components/ui'
import { describeError } from '../hooks/useForm'
import { useI18n, type MessageKey } from '../i18n'
import { RECONNECTED, useLiveEvents } from '../live/LiveContext'
import { Link } from 'react-router-dom'

export function DocumentReviewQueue() {
  const { t, fmt } = useI18n()
  const queryClient = useQueryClient()
  const queue = useQuery({
    queryKey: keys.documentQueue,
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/moderation/documents', { params: { query: { status: 'pending' } }, signal })),
  })
  const reload = () => void queryClient.invalidateQueries({ queryKey: keys.documentQueue })
  useLiveEvents(['firm_document.submitted', RECONNECTED], reload)
  if (queue.error) return <ErrorBanner error={queue.error} onRetry={reload} />
  if (!queue.data) return <Loading />
  if (queue.data.length === 0) return <Empty title={t('review.empty')}>{t('review.emptyText')}</Empty>
  return (
    <ul className="queue" data-testid="document-queue">
      {queue.data.map((document) => (
        <li key={document.id} className="card queue-item">
          <div className="row-between">
            <div>
              <span className="badge badge-grey">{t(`creds.kind.${document.kind}` as MessageKey)}</span>{' '}
              <strong>{document.label}</strong> · <Link to={`/firms/${document.firm_id}`}>{document.firm_name}</Link>
              <div className="muted small">
                {t('review.sentOn', { date: fmt.date(document.created_at) })}
                {document.valid_until && ` · ${t('creds.until', { date: fmt.date(document.valid_until) })}`}
              </div>
            </div>
            <OpenButton document={document} />
          </div>
          <ReviewForm
            documentId={document.id}
            onDone={() => {
              reload()
              // The firm's own list of documents shows the decision.
              void queryClient.invalidateQueries({ queryKey: keys.firmPart(document.firm_id, 'documents') })
            }}
          />
        </li>
      ))}
    </ul>
  )
}

function OpenButton({ document }: { document: FirmDocument }) {
  const { t } = useI18n()
  const push = useToast()
  const open = async () => {
    try {
      await api.download(`/firms/${document.firm_id}/documents/${document.id}/content`, document.filename)
    } catch (error) {
      push({ tone: 'error', title: describeError(error, t) })
    }
  }
  return (
    <button type="button" className="btn btn-small btn-secondary" onClick={open}>
      {t('review.open')}
    </button>
  )
}

function ReviewForm({ documentId, onDone }: { documentId: number; onDone: () => void }) {
  const { t } = useI18n()
  const push = useToast()
  const [note, setNote] = useState('')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true)
    setError(null)
    try {
      const params = { path: { document_id: documentId } }
      if (decision === 'approve') await apiClient.POST('/api/v1/moderation/documents/{document_id}/approve', { params, body: { note } })
      else await apiClient.POST('/api/v1/moderation/documents/{document_id}/reject', { params, body: { note } })
      push({ tone: 'success', title: t(decision === 'approve' ? 'review.approved' : 'review.rejected') })
      onDone()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="review-form">
      <TextField label={t('review.note')} value={note} maxLength={2000} onChange={(event) => setNote(event.target.value)} />
      {error ? <ErrorBanner message={describeError(error, t)} /> : null}
      <div className="button-row">
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => decide('approve')}>
          {t('review.approve')}
        </button>
        <button type="button" className="btn btn-danger" disabled={busy || !note.trim()} onClick={() => decide('reject')}>
          {t('review.reject')}
        </button>
      </div>
    </div>
  )
}
