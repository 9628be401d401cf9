import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState, type FormEvent } from 'react'
import { Link, useParams } from 'react-router-dom'
import { keys as sharedKeys } from '../api/keys'
import { apiClient, data } from '../api/typed'
import type { Contract, ContractMessage } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { TextArea } from '../components/Field'
import { ReportButton } from '../components/ReportButton'
import { Card, ErrorBanner, Loading, Notice, PageHeader, StatusBadge } from '../components/ui'
import { useForm } from '../hooks/useForm'
import { useI18n, type MessageKey } from '../i18n'
import { formatDecimal } from '../lib/numbers'
import { phaseName } from '../lib/phases'
import { termsText, type PaymentTerms } from '../trade/fields'
import { InvoiceCard, LotsCard } from '../trade/Lots'
import { RECONNECTED, useLiveEvents } from '../live/LiveContext'
import { AttachmentsCard, useOwnFiles } from '../documents/Attachments'
import { MessageFileInput, MessageFiles, attachToMessage, contractFilesPath, useContractFiles } from '../documents/MessageFiles'
import { unitName } from '../lib/units'
import { keys, load } from './workplaces/queries'

export function ContractDetailPage() {
  const { id } = useParams()
  const contractId = Number(id)
  const { t, fmt, locale } = useI18n()
  const { me, phases } = useAuth()
  const queryClient = useQueryClient()
  const contract = useQuery({
    queryKey: sharedKeys.contract(contractId),
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/contracts/{contract_id}', { params: { path: { contract_id: contractId } }, signal })),
  })
  // The contract and, under its key, its reviews and message thread.
  const reload = () => {
    void queryClient.invalidateQueries({ queryKey: sharedKeys.contract(contractId) })
    // The contracts list shows its status.
    void queryClient.invalidateQueries({ queryKey: sharedKeys.contracts })
  }
  useLiveEvents(['contract.updated', RECONNECTED], (event) => {
    if (event.type === RECONNECTED || event.data.id === contractId) reload()
  })
  if (contract.error) {
    return (
      <div>
        <PageHeader title={t('contracts.notFound')} back={{ to: '/contracts', label: t('nav.contracts') }} />
        <ErrorBanner error={contract.error} onRetry={reload} />
      </div>
    )
  }
  if (!contract.data) return <Loading />
  const c = contract.data
  const myFirms = me?.memberships.map((m) => m.firm_id) ?? []
  const side: 'client' | 'supplier' | null = myFirms.includes(c.client_firm_id) ? 'client' : myFirms.includes(c.supplier_firm_id) ? 'supplier' : null
  const myFirmId = side === 'client' ? c.client_firm_id : side === 'supplier' ? c.supplier_firm_id : null
  const canAct = !!me?.memberships.find((m) => m.firm_id === myFirmId && (m.role === 'owner' || m.role === 'manager'))

  return (
    <div>
      <PageHeader
        title={c.order_title ?? t('contracts.number', { id: c.id })}
        back={{ to: '/contracts', label: t('nav.contracts') }}
        subtitle={
          <>
            <StatusBadge status={c.status} /> <span className="phase-tag">{phaseName(phases, c.phase, locale)}</span>{' '}
            <Link to={`/orders/${c.order_id}`}>{t('contracts.seeOrder')}</Link>
          </>
        }
      />
      <div className="detail-grid">
        <div className="detail-main">
          <Card title={t('contracts.terms')}>
            <dl className="facts">
              <div>
                <dt>{t('contracts.theClient')}</dt>
                <dd>
                  <Link to={`/firms/${c.client_firm_id}`}>{c.client_firm_name ?? `#${c.client_firm_id}`}</Link>
                </dd>
              </div>
              <div>
                <dt>{t('contracts.theSupplier')}</dt>
                <dd>
                  <Link to={`/firms/${c.supplier_firm_id}`}>{c.supplier_firm_name ?? `#${c.supplier_firm_id}`}</Link>
                </dd>
              </div>
              <div>
                <dt>{t('order.quantity')}</dt>
                <dd>
                  {formatDecimal(c.quantity, locale, 0, 3)} {unitName(c.unit, locale)}
                </dd>
              </div>
              <div>
                <dt>{t('compare.unitPrice')}</dt>
                <dd>{fmt.money(c.unit_price)}</dd>
              </div>
              <div>
                <dt>{t('compare.total')}</dt>
                <dd>
                  <strong>{fmt.money(c.total_price)}</strong>
                </dd>
              </div>
              <div>
                <dt>{t('contracts.due')}</dt>
                <dd>{fmt.date(c.due_date)}</dd>
              </div>
              <div>
                <dt>{t('terms.title')}</dt>
                <dd data-testid="contract-terms">
                  {t('terms.vatLabel', { rate: formatDecimal(c.vat_rate, locale, 0, 2) })}
                  {c.vat_nature ? ` (${c.vat_nature})` : ''} · {termsText(c.payment_terms as PaymentTerms, t)}
                </dd>
              </div>
            </dl>
          </Card>
          {side && <LotsCard contract={c} side={side} canAct={canAct} onChanged={reload} />}
          {side && <InvoiceCard contract={c} />}
          <Card title={t('timeline.title')}>
            <Timeline contract={c} />
          </Card>
          {(side || (me?.is_staff && c.disputed_at)) && <ContractFiles contract={c} canUpload={!!side} />}
          {side && <ContractActions contract={c} side={side} canAct={canAct} onChanged={reload} />}
          {side && c.status === 'completed' && <Reviews contract={c} side={side} canAct={canAct} />}
        </div>
        <aside className="detail-side">{side || me?.is_staff ? <Messages contract={c} myFirmId={myFirmId} canPost={canAct} /> : null}</aside>
      </div>
    </div>
  )
}

function Timeline({ contract: c }: { contract: Contract }) {
  const { t, fmt } = useI18n()
  const steps: { key: string; label: string; at: string | null | undefined; done: boolean; tone?: string; note?: string }[] = [
    { key: 'created', label: t('timeline.awarded'), at: c.created_at, done: true },
    {
      key: 'delivered',
      label: t('timeline.delivered'),
      at: c.delivered_at,
      done: !!c.delivered_at,
      note: c.delivered_at ? (c.on_time === false ? t('timeline.late') : c.on_time ? t('timeline.onTime') : undefined) : t('timeline.dueOn', { date: fmt.date(c.due_date) }),
      tone: c.on_time === false ? 'warn' : undefined,
    },
  ]
  if (c.disputed_at || c.status === 'disputed') {
    steps.push({ key: 'disputed', label: t('timeline.disputed'), at: c.disputed_at, done: true, tone: 'bad', note: c.dispute_reason ?? undefined })
  }
  if (c.status === 'cancelled') steps.push({ key: 'cancelled', label: t('timeline.cancelled'), at: c.cancelled_at, done: true, tone: 'bad' })
  else steps.push({ key: 'completed', label: t('timeline.completed'), at: c.completed_at, done: !!c.completed_at, tone: c.completed_at ? 'good' : undefined })
  return (
    <ol className="timeline" data-testid="timeline">
      {steps.map((step) => (
        <li key={step.key} className={`timeline-step ${step.done ? 'done' : 'todo'} ${step.tone ?? ''}`}>
          <span className="timeline-dot" aria-hidden="true" />
          <div>
            <strong>{step.label}</strong>
            {step.done && step.at && <span className="muted"> · {fmt.dateTime(step.at)}</span>}
            {!step.done && <span className="sr-only"> ({t('timeline.pending')})</span>}
            {step.note && <div className="small">{step.note}</div>}
          </div>
        </li>
      ))}
    </ol>
  )
}

function ContractActions({ contract: c, side, canAct, onChanged }: { contract: Contract; side: 'client' | 'supplier'; canAct: boolean; onChanged: () => void }) {
  const { t } = useI18n()
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [disputing, setDisputing] = useState(false)
  const dispute = useForm({ reason: '' })
  const act = async (action: 'deliver' | 'accept') => {
    setBusy(true)
    setError(null)
    try {
      const params = { path: { contract_id: c.id } }
      if (action === 'deliver') await apiClient.POST('/api/v1/contracts/{contract_id}/deliver', { params })
      else await apiClient.POST('/api/v1/contracts/{contract_id}/accept', { params })
      onChanged()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  const openDispute = async (event: FormEvent) => {
    event.preventDefault()
    const ok = await dispute.submit(
      async () => {
        await apiClient.POST('/api/v1/contracts/{contract_id}/dispute', { params: { path: { contract_id: c.id } }, body: { reason: dispute.values.reason.trim() } })
      },
      () => (dispute.values.reason.trim().length >= 10 ? {} : { reason: t('dispute.reasonShort') }),
    )
    if (ok) {
      setDisputing(false)
      onChanged()
    }
  }
  const canDeliver = side === 'supplier' && c.status === 'active'
  const canAccept = side === 'client' && c.status === 'delivered'
  const canDispute = c.status === 'active' || c.status === 'delivered'
  if (!canDeliver && !canAccept && !canDispute && c.status !== 'disputed') return null
  return (
    <Card title={t('contracts.next')}>
      <ErrorBanner error={error} />
      {c.status === 'disputed' && <Notice tone="warning">{t('dispute.underReview')}</Notice>}
      {!canAct && c.status !== 'disputed' && <Notice>{t('contracts.needManager')}</Notice>}
      {canAct && (
        <>
          {canDeliver && <p>{t('contracts.deliverHelp')}</p>}
          {canAccept && <p>{t('contracts.acceptHelp')}</p>}
          {side === 'client' && c.status === 'active' && <p className="muted">{t('contracts.waitingDelivery')}</p>}
          {side === 'supplier' && c.status === 'delivered' && <p className="muted">{t('contracts.waitingAcceptance')}</p>}
          <div className="button-row">
            {canDeliver && (
              <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void act('deliver')}>
                {t('contracts.deliver')}
              </button>
            )}
            {canAccept && (
              <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void act('accept')}>
                {t('contracts.accept')}
              </button>
            )}
            {canDeliver && (
              <Link className="btn btn-secondary" to={`/orders/new?parent_contract_id=${c.id}`}>
                {t('contracts.subOrder')}
              </Link>
            )}
            {canDispute && !disputing && (
              <button type="button" className="btn btn-ghost" onClick={() => setDisputing(true)}>
                {t('dispute.open')}
              </button>
            )}
          </div>
          {disputing && (
            <form className="form dispute-form" onSubmit={openDispute} noValidate>
              <ErrorBanner message={dispute.banner} />
              <TextArea label={t('dispute.reason')} hint={t('dispute.reasonHint')} rows={3} maxLength={4000} value={dispute.values.reason} onChange={(e) => dispute.set('reason', e.target.value)} error={dispute.errors.reason} />
              <div className="button-row">
                <button type="submit" className="btn btn-danger" disabled={dispute.busy}>
                  {t('dispute.submit')}
                </button>
                <button type="button" className="btn btn-ghost" onClick={() => setDisputing(false)}>
                  {t('common.back')}
                </button>
              </div>
            </form>
          )}
        </>
      )}
    </Card>
  )
}

const CRITERIA = ['quality', 'timeliness', 'communication'] as const

function Stars({ label, value, onChange }: { label: string; value: number; onChange?: (v: number) => void }) {
  const { t } = useI18n()
  if (!onChange) {
    return (
      <div className="stars-row">
        <span>{label}</span>
        <span className="stars" aria-label={t('review.outOf', { n: value })}>
          {'★'.repeat(value)}
          <span className="stars-off">{'★'.repeat(5 - value)}</span>
        </span>
      </div>
    )
  }
  return (
    <fieldset className="stars-row stars-input">
      <legend>{label}</legend>
      {[1, 2, 3, 4, 5].map((n) => (
        <label key={n} className={n <= value ? 'star on' : 'star'}>
          <input type="radio" name={label} value={n} checked={value === n} onChange={() => onChange(n)} />
          <span aria-hidden="true">★</span>
          <span className="sr-only">{t('review.outOf', { n })}</span>
        </label>
      ))}
    </fieldset>
  )
}

function Reviews({ contract: c, side, canAct }: { contract: Contract; side: 'client' | 'supplier'; canAct: boolean }) {
  const { t, fmt } = useI18n()
  const myFirmId = side === 'client' ? c.client_firm_id : c.supplier_firm_id
  const queryClient = useQueryClient()
  const reviews = useQuery({
    queryKey: ['contract', c.id, 'reviews'],
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/contracts/{contract_id}/reviews', { params: { path: { contract_id: c.id } }, signal })),
    select: (page) => page.items,
  })
  const reload = () => void queryClient.invalidateQueries({ queryKey: ['contract', c.id, 'reviews'] })
  const form = useForm({ quality: 0, timeliness: 0, communication: 0, comment: '' })
  useLiveEvents(['review.created', 'contract.updated'], (event) => {
    // contract.updated carries the contract itself (its `id`), review.created its contract_id.
    if ((event.type === 'review.created' ? event.data.contract_id : event.data.id) === c.id) reload()
  })
  const mine = reviews.data?.find((r) => r.reviewer_firm_id === myFirmId)
  const theirs = reviews.data?.find((r) => r.reviewer_firm_id !== myFirmId)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const ok = await form.submit(
      async () => {
        await apiClient.POST('/api/v1/contracts/{contract_id}/reviews', {
          params: { path: { contract_id: c.id } },
          body: { ...form.values, comment: form.values.comment.trim() },
        })
      },
      () => Object.fromEntries(CRITERIA.filter((k) => form.values[k] < 1).map((k) => [k, t('review.pick')])),
    )
    if (ok) reload()
  }
  return (
    <Card title={t('review.title')}>
      <ErrorBanner error={reviews.error} />
      {mine ? (
        <div className="review" data-testid="my-review">
          <h3>{t('review.yours')}</h3>
          {CRITERIA.map((k) => (
            <Stars key={k} label={t(`review.${k}` as MessageKey)} value={mine[k]} />
          ))}
          {mine.comment && <p className="prose">“{mine.comment}”</p>}
        </div>
      ) : canAct ? (
        <form className="form" onSubmit={submit} noValidate>
          <p>{side === 'client' ? t('review.leadClient') : t('review.leadSupplier')}</p>
          <ErrorBanner message={form.banner} />
          {CRITERIA.map((k) => (
            <div key={k}>
              <Stars label={t(`review.${k}` as MessageKey)} value={form.values[k]} onChange={(n) => form.set(k, n)} />
              {form.errors[k] && (
                <p className="field-error" role="alert">
                  {form.errors[k]}
                </p>
              )}
            </div>
          ))}
          <TextArea label={t('review.comment')} rows={3} maxLength={2000} value={form.values.comment} onChange={(e) => form.set('comment', e.target.value)} error={form.errors.comment} />
          <button type="submit" className="btn btn-primary" disabled={form.busy}>
            {t('review.submit')}
          </button>
        </form>
      ) : null}
      <div className="review">
        <h3>{t('review.theirs')}</h3>
        {theirs ? (
          <>
            {CRITERIA.map((k) => (
              <Stars key={k} label={t(`review.${k}` as MessageKey)} value={theirs[k]} />
            ))}
            {theirs.comment && <p className="prose">“{theirs.comment}”</p>}
            <p className="muted small">{fmt.date(theirs.created_at)}</p>
            <ReportButton targetType="review" targetId={theirs.id} />
          </>
        ) : (
          <p className="muted">{t('review.blind')}</p>
        )}
      </div>
    </Card>
  )
}

// ``canPost``: owners and managers write; plain members read the thread (the server refuses them).
function Messages({ contract: c, myFirmId, canPost }: { contract: Contract; myFirmId: number | null; canPost: boolean }) {
  const { t, fmt } = useI18n()
  const queryClient = useQueryClient()
  // The dispute desk reads the same thread under the same key.
  const messages = useQuery({
    queryKey: keys.thread(c.id),
    queryFn: () => load.thread(c.id),
    select: (page): ContractMessage[] => [...page.items].sort((a, b) => a.id - b.id),
  })
  const reload = () => void queryClient.invalidateQueries({ queryKey: keys.thread(c.id) })
  const form = useForm({ text: '' })
  const [file, setFile] = useState<File | null>(null)
  const [fileKey, setFileKey] = useState(0)
  const files = useContractFiles(c.id)
  const reloadFiles = () => void queryClient.invalidateQueries({ queryKey: sharedKeys.attachments(contractFilesPath(c.id)) })
  const end = useRef<HTMLLIElement>(null)
  useLiveEvents(['message.created', 'contract.file_added', RECONNECTED], (event) => {
    if (event.type === RECONNECTED || Number(event.data.contract_id) === c.id) reload()
    if (event.type === 'contract.file_added') reloadFiles()
  })
  const count = messages.data?.length ?? 0
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'nearest' })
  }, [count])
  const send = async (event: FormEvent) => {
    event.preventDefault()
    const ok = await form.submit(
      async () => {
        const sent = await data(
          apiClient.POST('/api/v1/contracts/{contract_id}/messages', { params: { path: { contract_id: c.id } }, body: { text: form.values.text.trim() } }),
        )
        if (file) await attachToMessage(c.id, sent.id, file)
      },
      () => (form.values.text.trim() ? {} : { text: t('messages.empty') }),
    )
    if (ok) {
      form.set('text', '')
      setFile(null)
      setFileKey((k) => k + 1)
      reload()
      if (file) reloadFiles()
    }
  }
  return (
    <Card title={t('messages.title')} className="messages-card">
      <ErrorBanner error={messages.error} />
      {messages.data && messages.data.length === 0 && <p className="muted">{t('messages.none')}</p>}
      <ul className="messages" aria-live="polite" data-testid="messages">
        {messages.data?.map((m) => (
          <li key={m.id} className={m.firm_id === myFirmId ? 'message mine' : 'message'}>
            <div className="message-meta">
              {m.author_name ?? m.firm_name ?? (m.firm_id === c.client_firm_id ? t('contracts.theClient') : t('contracts.theSupplier'))} · {fmt.dateTime(m.created_at)}
            </div>
            <div className="message-text">{m.text}</div>
            <MessageFiles files={files.data} messageId={m.id} />
            {m.firm_id !== myFirmId && <ReportButton targetType="message" targetId={m.id} />}
          </li>
        ))}
        <li ref={end} aria-hidden="true" className="messages-end" />
      </ul>
      {myFirmId && canPost && (
        <form className="message-form" onSubmit={send} noValidate>
          <ErrorBanner message={form.banner && !form.errors.text ? form.banner : null} />
          <TextArea label={t('messages.write')} rows={2} maxLength={4000} value={form.values.text} onChange={(e) => form.set('text', e.target.value)} error={form.errors.text} />
          <MessageFileInput key={fileKey} onChange={setFile} />
          <button type="submit" className="btn btn-primary btn-small" disabled={form.busy}>
            {t('messages.send')}
          </button>
        </form>
      )}
    </Card>
  )
}

function ContractFiles({ contract: c, canUpload }: { contract: Contract; canUpload: boolean }) {
  const { t } = useI18n()
  const own = useOwnFiles('member')
  const editable = ['active', 'delivered', 'disputed'].includes(c.status)
  return <AttachmentsCard path={contractFilesPath(c.id)} title={t('docs.contractFiles')} canUpload={canUpload && editable} removable={editable ? own : undefined} />
}
