import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { keys } from '../../api/keys'
import type { components } from '../../api/schema'
import { apiClient, data } from '../../api/typed'
import { useAuth } from '../../auth/AuthContext'
import { describeError, useForm } from '../../hooks/useForm'
import { useI18n } from '../../i18n'
import { useLiveEvents } from '../../live/LiveContext'
import { SelectField, TextArea, TextField } from '../Field'
import { useToast } from '../Toasts'
import { Card, Empty, ErrorBanner, Notice } from '../ui'
import '../../pages/forum/forum.css'

type Guarantee = components['schemas']['GuaranteeOut']
type Cap = components['schemas']['CapOut']

/** "25.000,00", "25000.00" or "25000" → "25000.00"; null when it is not an amount. */
function parseAmount(raw: string): string | null {
  let text = raw.trim().replace(/\s|€/g, '')
  if (!text) return null
  if (text.includes(',')) text = text.replace(/\./g, '').replace(',', '.')
  else if (/^\d{1,3}(\.\d{3})+$/.test(text)) text = text.replace(/\./g, '')
  if (!/^\d+(\.\d{1,2})?$/.test(text)) return null
  const value = Number(text)
  return value > 0 ? value.toFixed(2) : null
}

/** The confidi section of a credit_guarantee consortium's page: a member firm's requests
 * and new request form, and for managers the queue, decisions and per-firm caps. */
export function ConfidiPanel({ consortiumId, manager, member }: { consortiumId: number; manager: boolean; member: boolean }) {
  const { t } = useI18n()
  const queryClient = useQueryClient()
  const path = { path: { consortium_id: consortiumId } }
  const guarantees = useQuery({
    queryKey: keys.guarantees(consortiumId),
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/consortia/{consortium_id}/guarantees', { params: { ...path, query: { limit: 100 } }, signal })),
    enabled: manager || member,
  })
  const caps = useQuery({
    queryKey: keys.caps(consortiumId),
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/consortia/{consortium_id}/caps', { params: path, signal })),
    enabled: manager || member,
  })
  // A decision moves both the requests and the firms' exposure under their caps.
  const reload = () => {
    void queryClient.invalidateQueries({ queryKey: keys.guarantees(consortiumId) })
    void queryClient.invalidateQueries({ queryKey: keys.caps(consortiumId) })
  }
  useLiveEvents(['guarantee.requested', 'guarantee.decided'], reload)
  if (!manager && !member) return <p className="muted">{t('confidi.lead')}</p>
  const items = guarantees.data?.items ?? []
  return (
    <div className="confidi-grid">
      <p className="muted">{t('confidi.lead')}</p>
      <ErrorBanner error={guarantees.error ?? caps.error} />
      {manager ? (
        <ManagerView consortiumId={consortiumId} items={items} caps={caps.data ?? []} onChanged={reload} />
      ) : (
        <FirmView consortiumId={consortiumId} items={items} caps={caps.data ?? []} onChanged={reload} />
      )}
    </div>
  )
}

function GuaranteeLine({ g }: { g: Guarantee }) {
  const { t, fmt } = useI18n()
  const tone = { pending: 'amber', approved: 'green', rejected: 'red', expired: 'grey' }[g.status] ?? 'grey'
  return (
    <div>
      <div className="spread">
        <strong>
          {g.firm_name} · {t('confidi.requested', { amount: fmt.money(g.requested_amount) })}
        </strong>
        <span className={`badge badge-${tone}`} data-testid="guarantee-status">
          {t(`confidi.status.${g.status as 'pending'}`)}
        </span>
      </div>
      <p className="small">
        {g.contract_id ? t('confidi.advance', { id: g.contract_id }) : t('confidi.line')} — {g.purpose}
      </p>
      {g.amount && g.guaranteed_percent && g.expires_on && (
        <p className="small">
          {t('confidi.approvedLine', { amount: fmt.money(g.amount), percent: fmt.number(g.guaranteed_percent), date: fmt.date(g.expires_on) })} ·{' '}
          {t('confidi.exposure')} {fmt.money(g.exposure)}
        </p>
      )}
      {g.reject_reason && <p className="small">{t('confidi.rejectedBecause', { reason: g.reject_reason })}</p>}
      <p className="small muted">{fmt.dateTime(g.created_at)}</p>
    </div>
  )
}

function FirmView({ consortiumId, items, caps, onChanged }: { consortiumId: number; items: Guarantee[]; caps: Cap[]; onChanged: () => void }) {
  const { t, fmt } = useI18n()
  const { me, firmId, role } = useAuth()
  const firmName = me?.memberships.find((m) => m.firm_id === firmId)?.firm_name ?? ''
  const mine = items.filter((g) => g.firm_id === firmId)
  const cap = caps.find((c) => c.firm_id === firmId)
  return (
    <>
      {cap && (
        <Notice>
          {t('confidi.yourCap', {
            cap: cap.cap ? fmt.money(cap.cap) : t('confidi.noCap'),
            exposure: fmt.money(cap.exposure),
            available: cap.available ? fmt.money(cap.available) : '—',
          })}
        </Notice>
      )}
      <Card title={t('confidi.yourRequests', { firm: firmName })}>
        {mine.length === 0 ? (
          <Empty title={t('confidi.noRequests')} />
        ) : (
          <ul className="plain-list">
            {mine.map((g) => (
              <li key={g.id}>
                <GuaranteeLine g={g} />
              </li>
            ))}
          </ul>
        )}
      </Card>
      {role === 'owner' && firmId !== null ? <NewRequest consortiumId={consortiumId} firmId={firmId} onSent={onChanged} /> : <p className="muted small">{t('confidi.ownerOnly')}</p>}
    </>
  )
}

function NewRequest({ consortiumId, firmId, onSent }: { consortiumId: number; firmId: number; onSent: () => void }) {
  const { t, fmt } = useI18n()
  const push = useToast()
  const form = useForm({ amount: '', purpose: '', contract_id: '' })
  const contracts = useQuery({
    queryKey: [...keys.contracts, 'supplied', 'active', firmId],
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/contracts', { params: { query: { role: 'supplier', status: 'active', limit: 100 } }, signal })),
  })
  const mineSupplied = (contracts.data?.items ?? []).filter((c) => c.supplier_firm_id === firmId)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const amount = parseAmount(form.values.amount)
    const ok = await form.submit(
      async () => {
        // The check below has refused an unreadable amount before this runs.
        if (amount === null) return
        await apiClient.POST('/api/v1/consortia/{consortium_id}/guarantees', {
          params: { path: { consortium_id: consortiumId } },
          body: {
            firm_id: firmId,
            amount,
            purpose: form.values.purpose.trim(),
            ...(form.values.contract_id ? { contract_id: Number(form.values.contract_id) } : {}),
          },
        })
      },
      () => ({
        ...(amount ? {} : { amount: t('confidi.amountInvalid') }),
        ...(form.values.purpose.trim().length >= 3 ? {} : { purpose: t('confidi.purposeShort') }),
      }),
    )
    if (ok) {
      form.setValues({ amount: '', purpose: '', contract_id: '' })
      push({ tone: 'success', title: t('confidi.sent') })
      onSent()
    }
  }
  return (
    <Card title={t('confidi.newRequest')}>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorBanner message={form.banner} />
        <TextField label={t('confidi.amount')} inputMode="decimal" placeholder="25.000,00" value={form.values.amount} onChange={(e) => form.set('amount', e.target.value)} error={form.errors.amount} />
        <TextArea label={t('confidi.purpose')} hint={t('confidi.purposeHint')} rows={2} maxLength={2000} value={form.values.purpose} onChange={(e) => form.set('purpose', e.target.value)} error={form.errors.purpose} />
        <SelectField
          label={t('confidi.contract')}
          value={form.values.contract_id}
          onChange={(e) => form.set('contract_id', e.target.value)}
          options={[
            { value: '', label: t('confidi.workingCapital') },
            ...mineSupplied.map((c) => ({ value: String(c.id), label: t('confidi.contractOption', { id: c.id, total: fmt.money(c.total_price) }) })),
          ]}
          error={form.errors.contract_id}
        />
        <button type="submit" className="btn btn-primary" disabled={form.busy}>
          {t('confidi.send')}
        </button>
      </form>
    </Card>
  )
}

function ManagerView({ consortiumId, items, caps, onChanged }: { consortiumId: number; items: Guarantee[]; caps: Cap[]; onChanged: () => void }) {
  const { t } = useI18n()
  const [filter, setFilter] = useState('')
  const pending = items.filter((g) => g.status === 'pending')
  const shown = items.filter((g) => !filter || g.status === filter)
  return (
    <>
      <Card title={t('confidi.queue', { n: pending.length })}>
        {pending.length === 0 ? (
          <p className="muted">{t('confidi.queueEmpty')}</p>
        ) : (
          <ul className="plain-list">
            {pending.map((g) => (
              <li key={g.id} data-testid={`guarantee-${g.id}`}>
                <GuaranteeLine g={g} />
                <Decide guarantee={g} onDone={onChanged} />
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Caps consortiumId={consortiumId} caps={caps} onChanged={onChanged} />
      <Card
        title={t('confidi.all')}
        actions={
          <label className="inline-select">
            <span className="sr-only">{t('confidi.all')}</span>
            <select value={filter} onChange={(e) => setFilter(e.target.value)}>
              <option value="">{t('confidi.filterAll')}</option>
              {(['pending', 'approved', 'rejected', 'expired'] as const).map((s) => (
                <option key={s} value={s}>
                  {t(`confidi.status.${s}`)}
                </option>
              ))}
            </select>
          </label>
        }
      >
        <ul className="plain-list">
          {shown.map((g) => (
            <li key={g.id}>
              <GuaranteeLine g={g} />
            </li>
          ))}
        </ul>
      </Card>
    </>
  )
}

function inAYear(): string {
  const day = new Date()
  day.setFullYear(day.getFullYear() + 1)
  return day.toISOString().slice(0, 10)
}

function Decide({ guarantee, onDone }: { guarantee: Guarantee; onDone: () => void }) {
  const { t, fmt } = useI18n()
  const [mode, setMode] = useState<'approve' | 'reject' | null>(null)
  const form = useForm({ percent: '50', amount: fmt.number(guarantee.requested_amount), expires_on: inAYear(), reason: '' })
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const amount = parseAmount(form.values.amount)
    const percent = Number(form.values.percent.replace(',', '.'))
    const ok = await form.submit(
      async () => {
        const params = { path: { guarantee_id: guarantee.id } }
        if (mode === 'approve') {
          // The check below has refused an unreadable amount before this runs.
          if (amount === null) return
          await apiClient.POST('/api/v1/guarantees/{guarantee_id}/approve', {
            params,
            body: { guaranteed_percent: String(percent), amount, expires_on: form.values.expires_on },
          })
        } else {
          await apiClient.POST('/api/v1/guarantees/{guarantee_id}/reject', { params, body: { reason: form.values.reason.trim() } })
        }
      },
      () =>
        mode === 'approve'
          ? {
              ...(percent > 0 && percent <= 80 ? {} : { percent: t('confidi.percentInvalid') }),
              ...(amount ? {} : { amount: t('confidi.amountInvalid') }),
              ...(form.values.expires_on ? {} : { expires_on: t('confidi.expiryNeeded') }),
            }
          : form.values.reason.trim().length >= 3
            ? {}
            : { reason: t('confidi.reasonShort') },
    )
    if (ok) onDone()
  }
  if (!mode) {
    return (
      <div className="button-row">
        <button type="button" className="btn btn-primary btn-small" onClick={() => setMode('approve')}>
          {t('confidi.approve')}
        </button>
        <button type="button" className="btn btn-secondary btn-small" onClick={() => setMode('reject')}>
          {t('confidi.reject')}
        </button>
      </div>
    )
  }
  return (
    <form className="form" onSubmit={submit} noValidate aria-label={mode === 'approve' ? t('confidi.approve') : t('confidi.reject')}>
      <ErrorBanner message={form.banner} />
      {mode === 'approve' ? (
        <div className="confidi-decision">
          <TextField label={t('confidi.percent')} inputMode="decimal" value={form.values.percent} onChange={(e) => form.set('percent', e.target.value)} error={form.errors.percent ?? form.errors.guaranteed_percent} />
          <TextField label={t('confidi.approvedAmount')} inputMode="decimal" value={form.values.amount} onChange={(e) => form.set('amount', e.target.value)} error={form.errors.amount} />
          <TextField label={t('confidi.expiresOn')} type="date" value={form.values.expires_on} onChange={(e) => form.set('expires_on', e.target.value)} error={form.errors.expires_on} />
        </div>
      ) : (
        <TextArea label={t('confidi.reason')} rows={2} value={form.values.reason} onChange={(e) => form.set('reason', e.target.value)} error={form.errors.reason} />
      )}
      <div className="button-row">
        <button type="submit" className="btn btn-primary btn-small" disabled={form.busy}>
          {mode === 'approve' ? t('confidi.confirmApprove') : t('confidi.confirmReject')}
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={() => setMode(null)}>
          {t('forum.cancel')}
        </button>
      </div>
    </form>
  )
}

function Caps({ consortiumId, caps, onChanged }: { consortiumId: number; caps: Cap[]; onChanged: () => void }) {
  const { t, fmt } = useI18n()
  return (
    <Card title={t('confidi.caps')}>
      <div className="table-wrap">
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">{t('consortia.tabMembers')}</th>
              <th scope="col">{t('confidi.cap')}</th>
              <th scope="col" className="num">
                {t('confidi.exposure')}
              </th>
              <th scope="col" className="num">
                {t('confidi.available')}
              </th>
              <th scope="col" className="num">
                {t('confidi.pendingCount')}
              </th>
            </tr>
          </thead>
          <tbody>
            {caps.map((cap) => (
              <tr key={cap.firm_id}>
                <th scope="row">{cap.firm_name}</th>
                <td>
                  <CapEditor consortiumId={consortiumId} cap={cap} onSaved={onChanged} />
                </td>
                <td className="num">{fmt.money(cap.exposure)}</td>
                <td className="num">{cap.available ? fmt.money(cap.available) : '—'}</td>
                <td className="num">{fmt.number(cap.pending_requests)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  )
}

function CapEditor({ consortiumId, cap, onSaved }: { consortiumId: number; cap: Cap; onSaved: () => void }) {
  const { t, fmt } = useI18n()
  const [value, setValue] = useState(cap.cap ? fmt.number(cap.cap) : '')
  const [error, setError] = useState<string | null>(null)
  const save = async (event: FormEvent) => {
    event.preventDefault()
    const amount = value.trim() === '0' ? '0.00' : parseAmount(value)
    if (!amount) return setError(t('confidi.amountInvalid'))
    try {
      await apiClient.PUT('/api/v1/consortia/{consortium_id}/members/{firm_id}/cap', {
        params: { path: { consortium_id: consortiumId, firm_id: cap.firm_id } },
        body: { cap: amount },
      })
      setError(null)
      onSaved()
    } catch (failure) {
      setError(describeError(failure, t))
    }
  }
  return (
    <form className="cap-input" onSubmit={save}>
      <label className="sr-only" htmlFor={`cap-${cap.firm_id}`}>
        {t('confidi.cap')} {cap.firm_name}
      </label>
      <input id={`cap-${cap.firm_id}`} inputMode="decimal" value={value} placeholder={t('confidi.noCap')} onChange={(e) => setValue(e.target.value)} />
      <button type="submit" className="btn btn-ghost btn-small">
        {t('confidi.setCap')}
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </form>
  )
}
