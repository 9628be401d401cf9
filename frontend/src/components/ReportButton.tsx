import { useState, type FormEvent } from 'react'
import { apiClient } from '../api/typed'
import { useAuth } from '../auth/AuthContext'
import { useForm } from '../hooks/useForm'
import { useI18n } from '../i18n'
import { TextArea, TextField } from './Field'
import { ErrorBanner } from './ui'

type Target = 'order' | 'bid' | 'review' | 'message' | 'firm' | 'forum_topic' | 'forum_post'

/** "Report to the association": a flag that lands in the staff's moderation queue. */
export function ReportButton({ targetType, targetId }: { targetType: Target; targetId: number }) {
  const { t } = useI18n()
  const { me, firmId } = useAuth()
  const [open, setOpen] = useState(false)
  const [sent, setSent] = useState(false)
  const form = useForm({ reason: '', details: '' })
  if (!me) return null
  if (sent) return <p className="muted small report-sent">{t('report.sent')}</p>
  if (!open) {
    return (
      <button type="button" className="btn btn-ghost btn-small report-button" onClick={() => setOpen(true)}>
        {t('report.button')}
      </button>
    )
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const ok = await form.submit(
      async () => {
        await apiClient.POST('/api/v1/flags', {
          body: {
            target_type: targetType,
            target_id: targetId,
            reason: form.values.reason.trim(),
            details: form.values.details.trim(),
            ...(firmId ? { firm_id: firmId } : {}),
          },
        })
      },
      () => (form.values.reason.trim() ? {} : { reason: t('report.reasonNeeded') }),
    )
    if (ok) setSent(true)
  }
  return (
    <form className="form report-form" onSubmit={submit} noValidate aria-label={t('report.button')}>
      <p className="small muted">{t('report.lead')}</p>
      <ErrorBanner message={form.banner} />
      <TextField label={t('report.reason')} maxLength={200} value={form.values.reason} onChange={(e) => form.set('reason', e.target.value)} error={form.errors.reason} />
      <TextArea label={t('report.details')} rows={2} maxLength={2000} value={form.values.details} onChange={(e) => form.set('details', e.target.value)} error={form.errors.details} />
      <div className="button-row">
        <button type="submit" className="btn btn-secondary btn-small" disabled={form.busy}>
          {t('report.send')}
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={() => setOpen(false)}>
          {t('common.back')}
        </button>
      </div>
    </form>
  )
}
