// A firm's billing data (issue 13): what its e-invoices need. Its members read it; owners
// and managers edit it (PATCH /firms/{id}); nobody else sees it.
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { keys } from '../api/keys'
import type { components } from '../api/schema'
import { apiClient, data } from '../api/typed'
import { TextField } from '../components/Field'
import { Card, ErrorBanner, Loading } from '../components/ui'
import { useToast } from '../components/Toasts'
import { useForm } from '../hooks/useForm'
import { useI18n, type MessageKey } from '../i18n'

type Billing = components['schemas']['BillingOut']

const FIELDS = [
  ['address', 'billing.address'],
  ['postal_code', 'billing.postalCode'],
  ['city', 'billing.city'],
  ['sdi_code', 'billing.sdiCode'],
  ['pec', 'billing.pec'],
  ['fiscal_code', 'billing.fiscalCode'],
  ['rea', 'billing.rea'],
] as const satisfies readonly (readonly [keyof Billing, MessageKey])[]

type EditableField = (typeof FIELDS)[number][0]
type Editable = Record<EditableField, string>

// ``revision``: the firm's as the page read it; the edit is refused (412) if someone saved
// the firm meanwhile, instead of silently overwriting their change.
export function BillingCard({ firmId, canEdit, revision, onSaved }: { firmId: number; canEdit: boolean; revision: number; onSaved: () => void }) {
  const { t } = useI18n()
  const queryClient = useQueryClient()
  const billingKey = keys.firmPart(firmId, 'billing')
  const billing = useQuery({
    queryKey: billingKey,
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/firms/{firm_id}/billing', { params: { path: { firm_id: firmId } }, signal })),
  })
  const reload = () => void queryClient.invalidateQueries({ queryKey: billingKey })
  const [editing, setEditing] = useState(false)
  return (
    <Card title={t('billing.title')} actions={canEdit && !editing && billing.data ? <button type="button" className="btn btn-ghost btn-small" onClick={() => setEditing(true)}>{t('billing.edit')}</button> : undefined}>
      <p className="muted">{t('billing.lead')}</p>
      <ErrorBanner error={billing.error} onRetry={reload} />
      {!billing.data && !billing.error && <Loading />}
      {billing.data && !editing && (
        <dl className="facts">
          <div>
            <dt>{t('billing.country')}</dt>
            <dd>{billing.data.country}</dd>
          </div>
          {FIELDS.map(([field, label]) => (
            <div key={field}>
              <dt>{t(label)}</dt>
              <dd>{billing.data?.[field] || <span className="muted">{t('billing.missing')}</span>}</dd>
            </div>
          ))}
        </dl>
      )}
      {billing.data && editing && (
        <BillingForm
          firmId={firmId}
          billing={billing.data}
          revision={revision}
          onDone={(saved) => {
            setEditing(false)
            if (saved) {
              reload()
              onSaved()
            }
          }}
        />
      )}
    </Card>
  )
}

function BillingForm({ firmId, billing, revision, onDone }: { firmId: number; billing: Billing; revision: number; onDone: (saved: boolean) => void }) {
  const { t } = useI18n()
  const push = useToast()
  const form = useForm<Editable>(Object.fromEntries(FIELDS.map(([field]) => [field, billing[field] ?? ''])) as Editable)
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    const body: Partial<Record<EditableField, string | null>> = {}
    for (const [field] of FIELDS) body[field] = form.values[field].trim() || null
    const ok = await form.submit(async () => {
      await apiClient.PATCH('/api/v1/firms/{firm_id}', {
        params: { path: { firm_id: firmId }, header: { 'if-match': `"${revision}"` } },
        body,
      })
    })
    if (ok) {
      push({ tone: 'success', title: t('billing.saved') })
      onDone(true)
    }
  }
  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label={t('billing.title')}>
      <ErrorBanner message={form.banner} />
      {FIELDS.map(([field, label]) => (
        <TextField key={field} label={t(label)} value={form.values[field]} onChange={(e) => form.set(field, e.target.value)} error={form.errors[field]} type={field === 'pec' ? 'email' : 'text'} />
      ))}
      <div className="button-row">
        <button type="submit" className="btn btn-primary" disabled={form.busy}>
          {form.busy ? t('common.wait') : t('billing.save')}
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => onDone(false)}>
          {t('common.back')}
        </button>
      </div>
    </form>
  )
}
