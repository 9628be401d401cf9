// Firm credentials: badges on the public profile, and the firm's own documents card.
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { api } from '../api/client'
import { keys } from '../api/keys'
import { apiClient, asFormData, data, upload } from '../api/typed'
import type { CertificationBadge, FirmDocument } from '../api/types'
import { SelectField, TextField } from '../components/Field'
import { useToast } from '../components/Toasts'
import { Card, ErrorBanner, Loading } from '../components/ui'
import { describeError } from '../hooks/useForm'
import { useI18n, type MessageKey } from '../i18n'
import { useLiveEvents } from '../live/LiveContext'
import { ACCEPT, MAX_UPLOAD_MB, fileIcon, uploadError } from './files'

/** Approved, unexpired certifications: label and expiry, never the file. */
export function CertificationBadges({ badges }: { badges: CertificationBadge[] }) {
  const { t, fmt } = useI18n()
  if (badges.length === 0) return null
  return (
    <div className="cert-badges" aria-label={t('creds.badges')} data-testid="certifications">
      {badges.map((badge) => (
        <span
          key={`${badge.label}-${badge.valid_until}`}
          className="badge badge-teal cert-badge"
          title={t('creds.badgeTitle', { label: badge.label, date: fmt.date(badge.valid_until) })}
        >
          ✓ {badge.label}
        </span>
      ))}
    </div>
  )
}

const KINDS = ['certification', 'durc', 'chamber_extract'] as const
const STATUS_TONE: Record<string, string> = { pending: 'amber', approved: 'green', rejected: 'red' }

export function DocumentStatus({ document }: { document: FirmDocument }) {
  const { t } = useI18n()
  if (document.status === 'approved' && document.expired) {
    return <span className="badge badge-grey">{t('creds.expired')}</span>
  }
  return <span className={`badge badge-${STATUS_TONE[document.status]}`}>{t(`creds.status.${document.status}` as MessageKey)}</span>
}

/** The firm's own documents (members and staff read them; managers send new ones). */
export function FirmCredentialsCard({ firmId, canSend }: { firmId: number; canSend: boolean }) {
  const { t, fmt } = useI18n()
  const push = useToast()
  const queryClient = useQueryClient()
  const documentsKey = keys.firmPart(firmId, 'documents')
  const documents = useQuery({
    queryKey: documentsKey,
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/firms/{firm_id}/documents', { params: { path: { firm_id: firmId } }, signal })),
  })
  const reload = () => void queryClient.invalidateQueries({ queryKey: documentsKey })
  useLiveEvents(['firm_document.reviewed', 'firm_document.expiring'], reload)
  const open = async (document: FirmDocument) => {
    try {
      await api.download(`/firms/${firmId}/documents/${document.id}/content`, document.filename)
    } catch (error) {
      push({ tone: 'error', title: describeError(error, t) })
    }
  }
  return (
    <Card title={t('creds.title')} className="credentials">
      <p className="muted small">{t('creds.lead')}</p>
      {documents.error ? (
        <ErrorBanner error={documents.error} onRetry={reload} />
      ) : !documents.data ? (
        <Loading />
      ) : documents.data.length === 0 ? (
        <p className="muted">{t('creds.none')}</p>
      ) : (
        <ul className="file-list" data-testid="credentials">
          {documents.data.map((document) => (
            <li key={document.id} className="file-row">
              <span className="file-icon" aria-hidden="true">
                {fileIcon(document.content_type)}
              </span>
              <div className="file-text">
                <strong className="file-name">
                  {document.label} <DocumentStatus document={document} />
                </strong>
                <span className="muted small">
                  {t(`creds.kind.${document.kind}` as MessageKey)}
                  {document.valid_until && ` · ${t('creds.until', { date: fmt.date(document.valid_until) })}`}
                </span>
                {document.review_note && <span className="small">{t('creds.note', { note: document.review_note })}</span>}
              </div>
              <button type="button" className="btn btn-small btn-secondary" onClick={() => open(document)}>
                {t('docs.download')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {canSend && <SendDocumentForm
          firmId={firmId}
          onSent={() => {
            reload()
            void queryClient.invalidateQueries({ queryKey: keys.documentQueue })
          }}
        />}
    </Card>
  )
}

function SendDocumentForm({ firmId, onSent }: { firmId: number; onSent: () => void }) {
  const { t } = useI18n()
  const push = useToast()
  const [kind, setKind] = useState<(typeof KINDS)[number]>('certification')
  const [label, setLabel] = useState('')
  const [validUntil, setValidUntil] = useState('')
  const [file, setFile] = useState<File | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (!file) return
    setBusy(true)
    setError(null)
    try {
      await apiClient.POST('/api/v1/firms/{firm_id}/documents', {
        params: { path: { firm_id: firmId } },
        body: upload({ file, kind, label: label.trim(), valid_until: validUntil || undefined }),
        bodySerializer: asFormData,
      })
      push({ tone: 'success', title: t('creds.sent') })
      setLabel('')
      setValidUntil('')
      setFile(null)
      event.currentTarget?.reset()
      onSent()
    } catch (failure) {
      setError(uploadError(failure, t) ?? describeError(failure, t))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="upload-form" onSubmit={submit}>
      <SelectField
        label={t('creds.kind')}
        value={kind}
        options={KINDS.map((value) => ({ value, label: t(`creds.kind.${value}` as MessageKey) }))}
        onChange={(event) => setKind(event.target.value as (typeof KINDS)[number])}
      />
      <TextField label={t('creds.label')} value={label} maxLength={120} required={kind === 'certification'} onChange={(event) => setLabel(event.target.value)} />
      <TextField label={t('creds.validUntil')} type="date" value={validUntil} required={kind === 'certification'} onChange={(event) => setValidUntil(event.target.value)} />
      <label className="field">
        <span className="field-label">{t('docs.chooseFile')}</span>
        <input type="file" accept={ACCEPT} onChange={(event) => setFile(event.target.files?.[0] ?? null)} />
        <span className="field-hint">{t('docs.attachHint', { mb: MAX_UPLOAD_MB })}</span>
      </label>
      {error && <ErrorBanner message={error} />}
      <button type="submit" className="btn btn-primary" disabled={!file || busy}>
        {busy ? t('docs.uploading') : t('creds.send')}
      </button>
    </form>
  )
}
