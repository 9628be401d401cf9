// Deliveries in lots on the contract page (issue 13): the supplier records each lot
// with its transport document (DDT); the client checks each one, accepting all or part.
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { api } from '../api/client'
import { keys } from '../api/keys'
import { apiClient, data } from '../api/typed'
import type { Contract } from '../api/types'
import { TextArea, TextField } from '../components/Field'
import { Card, ErrorBanner } from '../components/ui'
import { useToast } from '../components/Toasts'
import { useForm } from '../hooks/useForm'
import { useI18n, type MessageKey } from '../i18n'
import { formatDateInput, formatDecimal, parseDecimal } from '../lib/numbers'
import { unitName } from '../lib/units'
import { checkDate, checkNumber, DateInput, DecimalField, parseMessage } from './fields'

export interface Lot {
  id: number
  contract_id: number
  quantity: string
  ddt_number: string
  ddt_date: string
  delivered_at: string
  status: 'pending' | 'accepted' | 'disputed'
  accepted_quantity: string
  rejected_quantity: string
  note: string
  on_time: boolean
  checked_at: string | null
}

const STATUS_TONES: Record<Lot['status'], string> = { pending: 'amber', accepted: 'green', disputed: 'red' }
const STATUS_KEYS: Record<Lot['status'], MessageKey> = {
  pending: 'lots.statusPending',
  accepted: 'lots.statusAccepted',
  disputed: 'lots.statusDisputed',
}

export function LotsCard({ contract: c, side, canAct, onChanged }: { contract: Contract; side: 'client' | 'supplier' | null; canAct: boolean; onChanged: () => void }) {
  const { t, fmt, locale } = useI18n()
  const queryClient = useQueryClient()
  // Under the contract's key: the contract page's reload (its live update too) refreshes it.
  const lots = useQuery({
    queryKey: keys.deliveries(c.id),
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/contracts/{contract_id}/deliveries', { params: { path: { contract_id: c.id } }, signal })),
  })
  const reload = () => void queryClient.invalidateQueries({ queryKey: keys.deliveries(c.id) })
  const refresh = () => {
    reload()
    onChanged()
  }
  const quantity = (value: string) => formatDecimal(value, locale, 0, 3)
  return (
    <Card title={t('lots.title')}>
      <p data-testid="lots-progress">
        <strong>{t('lots.progress', { accepted: quantity(c.accepted_quantity ?? '0'), quantity: quantity(c.quantity), unit: unitName(c.unit, locale) })}</strong>
        {Number(c.delivery_tolerance_percent) > 0 && ` (±${formatDecimal(c.delivery_tolerance_percent, locale, 0, 2)}%)`}
      </p>
      <ErrorBanner error={lots.error} onRetry={reload} />
      {lots.data && lots.data.length === 0 && <p className="muted">{t('lots.empty')}</p>}
      {lots.data && lots.data.length > 0 && (
        <ul className="lot-list" aria-label={t('lots.table')}>
          {lots.data.map((lot) => (
            <li key={lot.id} className="lot" data-testid="lot">
              <div className="lot-head">
                <strong>{lot.ddt_number ? t('lots.ddt', { number: lot.ddt_number, date: fmt.date(lot.ddt_date) }) : t('lots.delivered', { date: fmt.date(lot.delivered_at) })}</strong>{' '}
                <span className={`badge badge-${STATUS_TONES[lot.status]}`}>{t(STATUS_KEYS[lot.status])}</span>
                {!lot.on_time && <span className="badge badge-amber">{t('lots.late')}</span>}
              </div>
              <p>
                {quantity(lot.quantity)} {unitName(c.unit, locale)}
                {lot.status === 'accepted' && ` · ${t('lots.accepted')} ${quantity(lot.accepted_quantity)}`}
                {Number(lot.rejected_quantity) > 0 && ` · ${t('lots.rejected')} ${quantity(lot.rejected_quantity)}`}
              </p>
              {lot.note && <p className="muted">{lot.note}</p>}
              {side === 'client' && canAct && lot.status === 'pending' && ['active', 'delivered'].includes(c.status) && <CheckLot contract={c} lot={lot} onDone={refresh} />}
            </li>
          ))}
        </ul>
      )}
      {side === 'supplier' && canAct && c.status === 'active' && <RecordLot contract={c} onDone={refresh} />}
    </Card>
  )
}

function RecordLot({ contract: c, onDone }: { contract: Contract; onDone: () => void }) {
  const { t, locale } = useI18n()
  const push = useToast()
  const form = useForm({ quantity: '', ddt_number: '', ddt_date: formatDateInput(new Date().toISOString().slice(0, 10), locale) })
  const v = form.values
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    const ok = await form.submit(
      async () => {
        const quantity = checkNumber(v.quantity, t, locale, 3).value
        const ddtDate = checkDate(v.ddt_date, t, locale).value
        // The check below has refused an unreadable quantity or date before this runs.
        if (quantity === undefined || ddtDate === undefined) return
        await apiClient.POST('/api/v1/contracts/{contract_id}/deliveries', {
          params: { path: { contract_id: c.id } },
          body: { quantity, ddt_number: v.ddt_number.trim(), ddt_date: ddtDate },
        })
      },
      () => {
        const quantity = checkNumber(v.quantity, t, locale, 3)
        const date = checkDate(v.ddt_date, t, locale)
        return {
          ...(quantity.error ? { quantity: quantity.error } : {}),
          ...(v.ddt_number.trim() ? {} : { ddt_number: t('form.required') }),
          ...(date.error ? { ddt_date: date.error } : {}),
        }
      },
    )
    if (ok) {
      push({ tone: 'success', title: t('lots.recorded') })
      form.setValues({ ...v, quantity: '', ddt_number: '' })
      onDone()
    }
  }
  return (
    <form className="form lot-form" onSubmit={onSubmit} noValidate aria-label={t('lots.record')}>
      <h3>{t('lots.record')}</h3>
      <ErrorBanner message={form.banner} />
      <div className="row-3">
        <DecimalField label={t('lots.quantity')} required decimals={3} value={v.quantity} onChange={(value) => form.set('quantity', value)} error={form.errors.quantity} />
        <TextField label={t('lots.ddtNumber')} required maxLength={40} value={v.ddt_number} onChange={(e) => form.set('ddt_number', e.target.value)} error={form.errors.ddt_number} />
        <DateInput label={t('lots.ddtDate')} required value={v.ddt_date} onChange={(value) => form.set('ddt_date', value)} error={form.errors.ddt_date} />
      </div>
      <div className="button-row">
        <button type="submit" className="btn btn-primary" disabled={form.busy}>
          {form.busy ? t('common.wait') : t('lots.submit')}
        </button>
      </div>
    </form>
  )
}

function CheckLot({ contract: c, lot, onDone }: { contract: Contract; lot: Lot; onDone: () => void }) {
  const { t, locale } = useI18n()
  const push = useToast()
  const [disputing, setDisputing] = useState(false)
  const whole = formatDecimal(lot.quantity, locale, 0, 3)
  const form = useForm({ accepted_quantity: whole, rejected_quantity: formatDecimal('0', locale, 0, 3), note: '', reason: '' })
  const v = form.values
  const read = (text: string) => parseDecimal(text, locale, 3)
  const onAccept = async (event: FormEvent) => {
    event.preventDefault()
    const ok = await form.submit(
      async () => {
        const accepted = read(v.accepted_quantity)
        const rejected = read(v.rejected_quantity)
        // The check below has refused unreadable quantities before this runs.
        if (!accepted.ok || !rejected.ok) return
        await apiClient.POST('/api/v1/contracts/{contract_id}/deliveries/{lot_id}/accept', {
          params: { path: { contract_id: c.id, lot_id: lot.id } },
          body: { accepted_quantity: accepted.value, rejected_quantity: rejected.value, note: v.note.trim() },
        })
      },
      () => {
        const accepted = read(v.accepted_quantity)
        const rejected = read(v.rejected_quantity)
        return {
          ...(accepted.ok ? {} : { accepted_quantity: parseMessage(accepted, t, locale, 'number', 3) }),
          ...(rejected.ok ? {} : { rejected_quantity: parseMessage(rejected, t, locale, 'number', 3) }),
        }
      },
    )
    if (ok) {
      push({ tone: 'success', title: t('lots.checked') })
      onDone()
    }
  }
  const onDispute = async (event: FormEvent) => {
    event.preventDefault()
    const ok = await form.submit(
      async () => {
        await apiClient.POST('/api/v1/contracts/{contract_id}/deliveries/{lot_id}/dispute', {
          params: { path: { contract_id: c.id, lot_id: lot.id } },
          body: { reason: v.reason.trim() },
        })
      },
      () => (v.reason.trim() ? {} : { reason: t('form.required') }),
    )
    if (ok) onDone()
  }
  if (disputing) {
    return (
      <form className="form" onSubmit={onDispute} noValidate aria-label={t('lots.dispute')}>
        <ErrorBanner message={form.banner} />
        <TextArea label={t('lots.disputeReason')} required rows={3} maxLength={4000} value={v.reason} onChange={(e) => form.set('reason', e.target.value)} error={form.errors.reason} />
        <div className="button-row">
          <button type="submit" className="btn btn-danger" disabled={form.busy}>
            {t('lots.disputeSubmit')}
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => setDisputing(false)}>
            {t('common.back')}
          </button>
        </div>
      </form>
    )
  }
  return (
    <form className="form" onSubmit={onAccept} noValidate aria-label={`${t('lots.check')} ${lot.ddt_number}`}>
      <ErrorBanner message={form.banner} />
      <div className="row-2">
        <DecimalField label={t('lots.accepted')} required decimals={3} value={v.accepted_quantity} onChange={(value) => form.set('accepted_quantity', value)} error={form.errors.accepted_quantity} hint={t('lots.sumHint', { quantity: whole })} />
        <DecimalField label={t('lots.rejected')} decimals={3} value={v.rejected_quantity} onChange={(value) => form.set('rejected_quantity', value)} error={form.errors.rejected_quantity} />
      </div>
      <TextField label={t('lots.note')} maxLength={2000} value={v.note} onChange={(e) => form.set('note', e.target.value)} />
      <div className="button-row">
        <button type="submit" className="btn btn-primary" disabled={form.busy}>
          {form.busy ? t('common.wait') : t('lots.acceptSubmit')}
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => setDisputing(true)}>
          {t('lots.dispute')}
        </button>
      </div>
    </form>
  )
}

export function InvoiceCard({ contract: c }: { contract: Contract }) {
  const { t } = useI18n()
  const [error, setError] = useState<unknown>(null)
  const fetchFile = (kind: 'xml' | 'html') =>
    api.download(`/contracts/${c.id}/invoice.${kind}`, kind === 'xml' ? `fattura-${c.id}.xml` : `fattura-${c.id}.html`).catch(setError)
  return (
    <Card title={t('invoice.title')}>
      {c.status !== 'completed' ? (
        <p className="muted">{t('invoice.notYet')}</p>
      ) : (
        <>
          <p>{t('invoice.lead')}</p>
          <ErrorBanner error={error} />
          <div className="button-row">
            <button type="button" className="btn btn-primary" onClick={() => void fetchFile('xml')}>
              {t('invoice.xml')}
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => void fetchFile('html')}>
              {t('invoice.html')}
            </button>
          </div>
        </>
      )}
    </Card>
  )
}
