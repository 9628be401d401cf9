// The association's dispute desk: both sides' statements (the opening reason and the
// thread between the firms, which carries their evidence) next to the decision: the
// delivery stands, the contract is cancelled, or the parties settle at a lower price.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { Link } from 'react-router-dom'
import type { Contract } from '../../api/types'
import { apiClient } from '../../api/typed'
import { SelectField, TextField } from '../../components/Field'
import { Empty, ErrorBanner, Loading, StatusBadge } from '../../components/ui'
import { useForm } from '../../hooks/useForm'
import { useI18n } from '../../i18n'
import { keys, load } from './queries'

export function DisputeDesk() {
  const { t } = useI18n()
  const disputes = useQuery({ queryKey: keys.disputes, queryFn: load.disputes })
  if (disputes.error) return <ErrorBanner error={disputes.error} onRetry={() => void disputes.refetch()} />
  if (!disputes.data) return <Loading />
  if (disputes.data.items.length === 0) return <Empty title={t('staff.noDisputes')} />
  return (
    <ul className="queue">
      {disputes.data.items.map((c) => (
        <DisputeCase key={c.id} contract={c} />
      ))}
    </ul>
  )
}

function DisputeCase({ contract: c }: { contract: Contract }) {
  const { t, fmt } = useI18n()
  const thread = useQuery({ queryKey: keys.thread(c.id), queryFn: () => load.thread(c.id) })
  const opener = c.dispute_opened_by_firm_id === c.supplier_firm_id ? c.supplier_firm_name : c.client_firm_name
  const sideOf = (firmId: number) => (firmId === c.client_firm_id ? t('contracts.theClient') : t('contracts.theSupplier'))
  return (
    <li className="card queue-item dispute-case" data-testid="dispute-case">
      <div className="row-between">
        <div>
          <strong>
            <Link to={`/contracts/${c.id}`}>{c.order_title || t('contracts.number', { id: c.id })}</Link>
          </strong>
          <div className="muted small">
            <Link to={`/firms/${c.client_firm_id}`}>{c.client_firm_name}</Link> → <Link to={`/firms/${c.supplier_firm_id}`}>{c.supplier_firm_name}</Link> ·{' '}
            {t('staff.contractValue')} {fmt.money(c.total_price)} · {t('contracts.due')} {fmt.date(c.due_date)}
          </div>
        </div>
        <StatusBadge status={c.status} />
      </div>
      <h3 className="h-small">{t('staff.statements')}</h3>
      <p className="small">
        <strong>{t('staff.openedBy', { firm: opener })}</strong> · {fmt.dateTime(c.disputed_at)}
      </p>
      {c.dispute_reason && <blockquote className="excerpt">{c.dispute_reason}</blockquote>}
      <details className="thread" open>
        <summary>{t('staff.thread')}</summary>
        {thread.isPending && <Loading />}
        {thread.data && thread.data.items.length === 0 && <p className="muted small">{t('staff.noThread')}</p>}
        <ul className="plain-list small">
          {thread.data?.items.map((m) => (
            <li key={m.id}>
              <strong>{sideOf(m.firm_id)}</strong> <span className="muted">· {fmt.dateTime(m.created_at)}</span>
              <div>{m.text}</div>
            </li>
          ))}
        </ul>
      </details>
      <DisputeDecision contract={c} />
    </li>
  )
}

function DisputeDecision({ contract }: { contract: Contract }) {
  const { t } = useI18n()
  const queryClient = useQueryClient()
  const form = useForm({ outcome: 'completed', note: '', price_reduction: '' })
  const [busy, setBusy] = useState(false)
  const resolve = useMutation({
    mutationFn: async () => {
      const reduction = decimalText(form.values.price_reduction)
      await apiClient.POST('/api/v1/moderation/contracts/{contract_id}/resolve', {
        params: { path: { contract_id: contract.id } },
        body: {
          outcome: form.values.outcome as 'completed' | 'cancelled' | 'settled',
          note: form.values.note.trim(),
          ...(form.values.outcome === 'settled' ? { price_reduction: reduction } : {}),
        },
      })
    },
  })
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    const ok = await form.submit(
      () => resolve.mutateAsync(),
      () => {
        const errors: Record<string, string> = {}
        if (!form.values.note.trim()) errors.note = t('staff.noteNeeded')
        if (form.values.outcome === 'settled') {
          const amount = Number(decimalText(form.values.price_reduction))
          if (!(amount > 0 && amount < Number(contract.total_price))) errors.price_reduction = t('staff.reductionNeeded')
        }
        return errors
      },
    )
    setBusy(false)
    if (ok) void queryClient.invalidateQueries({ queryKey: keys.disputes })
  }
  return (
    <form className="resolve-form" onSubmit={submit} noValidate>
      <ErrorBanner message={form.banner} />
      <div className="row-2">
        <SelectField
          label={t('staff.outcome')}
          value={form.values.outcome}
          onChange={(e) => form.set('outcome', e.target.value)}
          options={[
            { value: 'completed', label: t('staff.outcomeCompleted') },
            { value: 'settled', label: t('staff.outcomeSettled') },
            { value: 'cancelled', label: t('staff.outcomeCancelled') },
          ]}
        />
        {form.values.outcome === 'settled' ? (
          <TextField label={t('staff.priceReduction')} inputMode="decimal" value={form.values.price_reduction} onChange={(e) => form.set('price_reduction', e.target.value)} error={form.errors.price_reduction} />
        ) : (
          <div />
        )}
      </div>
      <TextField label={t('staff.note')} value={form.values.note} onChange={(e) => form.set('note', e.target.value)} error={form.errors.note} />
      <button type="submit" className="btn btn-primary btn-small" disabled={busy || form.busy}>
        {t('staff.decide')}
      </button>
    </form>
  )
}

/** "1.200,50" (Italian) or "1200.50" → "1200.50". The shared parser in lib/ replaces this
 * once it lands. */
function decimalText(typed: string): string {
  const text = typed.trim().replace(/\s|€/g, '')
  return text.includes(',') ? text.replace(/\./g, '').replace(',', '.') : text
}
