import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query'
import { useMemo, useState, type FormEvent } from 'react'
import { Link, useNavigate, useParams } from 'react-router-dom'
import { ApiError, newIdempotencyKey } from '../api/client'
import { keys, read } from '../api/keys'
import { apiClient, data } from '../api/typed'
import { itemsOf, type Bid, type Order, type Question } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { TextArea, TextField } from '../components/Field'
import { Card, Empty, ErrorBanner, Loading, Notice, PageHeader, ScoreBadge, StatusBadge } from '../components/ui'
import { ReportButton } from '../components/ReportButton'
import { BelowTariffBadge } from '../components/tariffs/BelowTariffBadge'
import { TariffPriceCheck } from '../components/tariffs/TariffPriceCheck'
import { useToast } from '../components/Toasts'
import { describeError, fieldMessages, useForm } from '../hooks/useForm'
import { useI18n, type MessageKey } from '../i18n'
import { formatDateInput, formatDecimal } from '../lib/numbers'
import { phaseName } from '../lib/phases'
import { checkDate, checkNumber, DateInput, DecimalField, PaymentTermsFields, sameTerms, termsText, type PaymentTerms } from '../trade/fields'
import { RECONNECTED, useLiveEvents } from '../live/LiveContext'
import { AttachmentsCard, ClientBidFiles, MyBidFiles, useOwnFiles } from '../documents/Attachments'
import { unitName } from '../lib/units'

const LIVE_BID = ['active', 'needs_confirmation', 'awarded']

function biddingOpen(order: Order): boolean {
  return order.status === 'open' && new Date(order.bid_deadline).getTime() > Date.now()
}

export function OrderDetailPage() {
  const { id } = useParams()
  const orderId = Number(id)
  const { t, fmt, locale } = useI18n()
  const { me, firmId, phases, canManage } = useAuth()
  const ownFiles = useOwnFiles('manager')
  const queryClient = useQueryClient()
  const order = useQuery({ queryKey: keys.order(orderId), queryFn: ({ signal }) => read.order(orderId, signal) })
  const clientFirmId = order.data?.client_firm_id
  const client = useQuery({
    queryKey: keys.firm(clientFirmId ?? 0),
    queryFn: ({ signal }) => read.firm(clientFirmId ?? 0, signal),
    enabled: clientFirmId !== undefined,
  })
  const myFirmIds = me?.memberships.map((m) => m.firm_id) ?? []
  const isClient = !!order.data && myFirmIds.includes(order.data.client_firm_id)
  const bids = useQuery({
    queryKey: keys.orderBids(orderId, firmId),
    queryFn: ({ signal }) =>
      data(apiClient.GET('/api/v1/orders/{order_id}/bids', { params: { path: { order_id: orderId }, query: { limit: 100 } }, signal })),
    select: (page) => page.items,
    enabled: !!me && !!order.data,
  })
  const questions = useQuery({
    queryKey: keys.orderQuestions(orderId),
    queryFn: ({ signal }) =>
      data(apiClient.GET('/api/v1/orders/{order_id}/questions', { params: { path: { order_id: orderId }, query: { limit: 100 } }, signal })),
    select: (list) => itemsOf(list),
  })
  // The order and everything under its key (bids, questions), and the board's copy of it.
  const reloadAll = () => {
    void queryClient.invalidateQueries({ queryKey: keys.order(orderId) })
    void queryClient.invalidateQueries({ queryKey: keys.orders })
  }

  useLiveEvents(['bid.created', 'bid.updated', 'bid.withdrawn', 'bid.rejected', 'order.awarded', 'order.updated', 'order.cancelled', 'question.created', 'question.answered', RECONNECTED], (event) => {
    if (event.type !== RECONNECTED && event.data.order_id !== orderId) return
    if (event.type === RECONNECTED || event.type.startsWith('question')) {
      reloadAll()
      return
    }
    void queryClient.invalidateQueries({ queryKey: keys.order(orderId), exact: true })
    void queryClient.invalidateQueries({ queryKey: keys.orderBids(orderId, firmId) })
  })

  if (order.error) {
    return (
      <div>
        <PageHeader title={t('order.notFoundTitle')} back={{ to: '/board', label: t('nav.board') }} />
        <ErrorBanner error={order.error} onRetry={reloadAll} />
      </div>
    )
  }
  if (!order.data) return <Loading />
  const o = order.data

  return (
    <div>
      <PageHeader
        title={o.title}
        back={{ to: '/board', label: t('nav.board') }}
        subtitle={
          <>
            <StatusBadge status={o.status === 'open' && !biddingOpen(o) ? 'closed' : o.status} /> <span className="phase-tag">{phaseName(phases, o.phase, locale)}</span>{' '}
            {client.data && (
              <>
                {t('order.postedBy')} <Link to={`/firms/${client.data.id}`}>{client.data.name}</Link>
              </>
            )}
          </>
        }
      />
      <div className="detail-grid">
        <div className="detail-main">
          <Card title={t('order.details')}>
            <dl className="facts">
              <div>
                <dt>{t('order.quantity')}</dt>
                <dd>
                  {formatDecimal(o.quantity, locale, 0, 3)} {unitName(o.unit, locale)}
                </dd>
              </div>
              <div>
                <dt>{t('terms.title')}</dt>
                <dd data-testid="order-terms">
                  {o.vat_nature ? `${t('terms.vatLabel', { rate: formatDecimal(o.vat_rate, locale, 0, 2) })} (${o.vat_nature})` : t('terms.vatLabel', { rate: formatDecimal(o.vat_rate, locale, 0, 2) })} · {termsText(o.payment_terms as PaymentTerms, t)}
                  {Number(o.delivery_tolerance_percent) > 0 && ` · ±${formatDecimal(o.delivery_tolerance_percent, locale, 0, 2)}%`}
                </dd>
              </div>
              <div>
                <dt>{t('order.targetPrice')}</dt>
                <dd>{o.target_unit_price ? `${fmt.money(o.target_unit_price)} / ${unitName(o.unit, locale)}` : t('order.noTarget')}</dd>
              </div>
              <div>
                <dt>{t('order.deadline')}</dt>
                <dd>{fmt.dateTime(o.bid_deadline)}</dd>
              </div>
              <div>
                <dt>{t('order.deliveryDue')}</dt>
                <dd>{fmt.date(o.delivery_due)}</dd>
              </div>
              <div>
                <dt>{t('order.region')}</dt>
                <dd>{o.region}</dd>
              </div>
              <div>
                <dt>{t('order.visibility')}</dt>
                <dd>
                  {t(`visibility.${o.visibility}` as MessageKey)}
                  {o.sealed && ` · ${t('order.sealed')}`}
                </dd>
              </div>
              <div>
                <dt>{t('order.bids')}</dt>
                <dd data-testid="bid-count">{fmt.number(o.bid_count)}</dd>
              </div>
            </dl>
            {o.description && <p className="prose">{o.description}</p>}
            {o.parent_contract_id && <p className="muted">{t('order.subOrderOf', { id: o.parent_contract_id })}</p>}
            {!isClient && <ReportButton targetType="order" targetId={o.id} />}
          </Card>
          <AttachmentsCard path={`/orders/${o.id}/attachments`} lead={t('docs.filesLead')} canUpload={isClient && canManage && ['draft', 'open'].includes(o.status)} removable={['draft', 'open'].includes(o.status) ? ownFiles : undefined} />
          {isClient ? (
            <>
              <ClientBids order={o} bids={bids.data} error={bids.error} onChanged={reloadAll} />
              <ClientBidFiles bids={(bids.data ?? []).filter((b) => LIVE_BID.includes(b.status))} sealed={o.sealed} deadlinePassed={new Date(o.bid_deadline).getTime() <= Date.now()} />
            </>
          ) : (
            me && firmId && (
              <>
                <BidderPanel order={o} firmId={firmId} bids={bids.data ?? []} onChanged={reloadAll} />
                <MyBidFiles bids={bids.data ?? []} />
              </>
            )
          )}
        </div>
        <aside className="detail-side">
          <Questions order={o} isClient={isClient} questions={questions.data} error={questions.error} onChanged={() => void queryClient.invalidateQueries({ queryKey: keys.orderQuestions(orderId) })} />
          {isClient && <ClientActions order={o} onChanged={reloadAll} />}
        </aside>
      </div>
    </div>
  )
}

function ClientActions({ order, onChanged }: { order: Order; onChanged: () => void }) {
  const { t } = useI18n()
  const { canManage } = useAuth()
  const [confirming, setConfirming] = useState(false)
  const [error, setError] = useState<unknown>(null)
  if (!canManage || order.status !== 'open') return null
  const cancel = async () => {
    try {
      await apiClient.POST('/api/v1/orders/{order_id}/cancel', { params: { path: { order_id: order.id } } })
      onChanged()
    } catch (failure) {
      setError(failure)
    }
  }
  return (
    <Card title={t('order.manage')}>
      <ErrorBanner error={error} />
      {confirming ? (
        <div className="confirm">
          <p>{t('order.cancelConfirm')}</p>
          <div className="button-row">
            <button type="button" className="btn btn-danger" onClick={() => void cancel()}>
              {t('order.cancelYes')}
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => setConfirming(false)}>
              {t('common.back')}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="btn btn-secondary" onClick={() => setConfirming(true)}>
          {t('order.cancel')}
        </button>
      )}
    </Card>
  )
}

type SortKey = 'price' | 'date' | 'reputation'

function ClientBids({ order, bids, error, onChanged }: { order: Order; bids: Bid[] | undefined; error: unknown; onChanged: () => void }) {
  const { t, fmt } = useI18n()
  const { canManage } = useAuth()
  const navigate = useNavigate()
  const push = useToast()
  const queryClient = useQueryClient()
  const [sort, setSort] = useState<SortKey>('price')
  const [choosing, setChoosing] = useState<Bid | null>(null)
  const [awardKey] = useState(newIdempotencyKey)
  const [awardError, setAwardError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const bidderIds = useMemo(() => [...new Set((bids ?? []).map((b) => b.firm_id))].sort(), [bids])
  // Each bidder's firm under its own key: the profile page and the next order reuse it.
  const bidders = useQueries({
    queries: bidderIds.map((firmId) => ({ queryKey: keys.firm(firmId), queryFn: ({ signal }: { signal: AbortSignal }) => read.firm(firmId, signal) })),
    combine: (results) => new Map(results.flatMap((result) => (result.data ? [[result.data.id, result.data] as const] : []))),
  })

  if (error) return <ErrorBanner error={error} />
  if (!bids) return <Loading />
  const live = bids.filter((b) => LIVE_BID.includes(b.status))
  const others = bids.filter((b) => !LIVE_BID.includes(b.status))
  const firm = (id: number) => bidders.get(id)
  const score = (b: Bid) => firm(b.firm_id)?.reputation?.supplier_score ?? null
  const sorted = [...live].sort((a, b) => {
    if (sort === 'price') return Number(a.unit_price ?? Infinity) - Number(b.unit_price ?? Infinity)
    if (sort === 'date') return a.delivery_date.localeCompare(b.delivery_date)
    return (score(b) ?? -1) - (score(a) ?? -1)
  })
  const amountsHidden = live.some((b) => b.unit_price === null)
  const canAward = canManage && order.status === 'open'
  const best = {
    price: Math.min(...live.map((b) => Number(b.unit_price ?? Infinity))),
    date: live.map((b) => b.delivery_date).sort()[0],
    reputation: Math.max(...live.map((b) => score(b) ?? -1)),
  }

  const award = async (bid: Bid) => {
    setBusy(true)
    setAwardError(null)
    try {
      const contract = await data(
        apiClient.POST('/api/v1/orders/{order_id}/award', {
          params: { path: { order_id: order.id } },
          body: { bid_id: bid.id },
          headers: { 'Idempotency-Key': awardKey },
        }),
      )
      push({ tone: 'success', title: t('award.done', { firm: firm(bid.firm_id)?.name ?? bid.firm_name ?? '' }) })
      onChanged()
      void queryClient.invalidateQueries({ queryKey: keys.contracts })
      navigate(`/contracts/${contract.id}`)
    } catch (failure) {
      setAwardError(describeError(failure, t))
      onChanged()
    } finally {
      setBusy(false)
      setChoosing(null)
    }
  }

  return (
    <Card
      title={t('compare.title', { n: live.length })}
      actions={
        live.length > 1 && (
          <label className="inline-select">
            {t('compare.sortBy')}{' '}
            <select value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
              <option value="price">{t('compare.price')}</option>
              <option value="date">{t('compare.delivery')}</option>
              <option value="reputation">{t('compare.reputation')}</option>
            </select>
          </label>
        )
      }
    >
      {awardError && <ErrorBanner message={awardError} />}
      {order.status === 'awarded' && <Notice tone="success">{t('compare.awardedNotice')}</Notice>}
      {amountsHidden && <Notice>{t('compare.sealedNotice', { when: fmt.dateTime(order.bid_deadline) })}</Notice>}
      {live.length === 0 ? (
        <Empty title={t('compare.emptyTitle')}>{t('compare.emptyText')}</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table compare" data-testid="bid-comparison">
            <caption className="sr-only">{t('compare.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('compare.bidder')}</th>
                <th scope="col" className="num">
                  {t('compare.unitPrice')}
                </th>
                <th scope="col" className="num">
                  {t('compare.total')}
                </th>
                <th scope="col">{t('compare.delivery')}</th>
                <th scope="col">{t('compare.reputation')}</th>
                <th scope="col">
                  <span className="sr-only">{t('compare.action')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((bid) => {
                const bidder = firm(bid.firm_id)
                const late = bid.delivery_date > order.delivery_due
                return (
                  <tr key={bid.id} className={bid.status === 'awarded' ? 'row-winner' : undefined}>
                    <th scope="row">
                      <Link to={`/firms/${bid.firm_id}`}>{bidder?.name ?? bid.firm_name ?? `#${bid.firm_id}`}</Link>
                      {bidder?.verified && <span className="verified" title={t('firm.verified')}> ✓</span>}
                      {bid.notes && <div className="bid-notes">{bid.notes}</div>}
                      {!sameTerms(bid.payment_terms as PaymentTerms, order.payment_terms as PaymentTerms) && (
                        <div className="warn-text">
                          {t('terms.differ')}: {termsText(bid.payment_terms as PaymentTerms, t)}
                        </div>
                      )}
                      {bid.status !== 'active' && <StatusBadge status={bid.status} />}
                      <BelowTariffBadge below={bid.below_tariff} />
                    </th>
                    <td data-label={t('compare.unitPrice')} className={`num ${Number(bid.unit_price) === best.price ? 'best' : ''}`}>{bid.unit_price === null ? t('compare.sealed') : fmt.money(bid.unit_price)}</td>
                    <td data-label={t('compare.total')} className="num">{bid.total_price === null ? '—' : fmt.money(bid.total_price)}</td>
                    <td data-label={t('compare.delivery')} className={bid.delivery_date === best.date ? 'best' : ''}>
                      {fmt.date(bid.delivery_date)}
                      {late && <div className="warn-text">{t('compare.afterDue')}</div>}
                    </td>
                    <td data-label={t('compare.reputation')} className={score(bid) !== null && score(bid) === best.reputation ? 'best' : ''}>
                      <ScoreBadge score={score(bid)} contracts={bidder?.reputation?.supplier_contracts} />
                    </td>
                    <td className="compare-action">
                      {canAward && bid.status === 'active' && (
                        <button type="button" className="btn btn-primary btn-small" onClick={() => setChoosing(bid)} disabled={busy}>
                          {t('award.button')}
                        </button>
                      )}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      {choosing && (
        <div className="confirm" role="alertdialog" aria-labelledby="award-confirm">
          <p id="award-confirm">
            {t('award.confirm', {
              firm: firm(choosing.firm_id)?.name ?? `#${choosing.firm_id}`,
              total: choosing.total_price ? fmt.money(choosing.total_price) : t('compare.sealed'),
            })}
          </p>
          <div className="button-row">
            <button type="button" className="btn btn-primary" onClick={() => void award(choosing)} disabled={busy}>
              {busy ? t('common.wait') : t('award.confirmButton')}
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => setChoosing(null)}>
              {t('common.back')}
            </button>
          </div>
        </div>
      )}
      {others.length > 0 && (
        <details className="more">
          <summary>{t('compare.others', { n: others.length })}</summary>
          <ul className="plain-list">
            {others.map((bid) => (
              <li key={bid.id}>
                {firm(bid.firm_id)?.name ?? `#${bid.firm_id}`} — <StatusBadge status={bid.status} />
              </li>
            ))}
          </ul>
        </details>
      )}
    </Card>
  )
}

function BidderPanel({ order, firmId, bids, onChanged }: { order: Order; firmId: number; bids: Bid[]; onChanged: () => void }) {
  const { t, fmt } = useI18n()
  const { canManage } = useAuth()
  const mine = bids.filter((b) => b.firm_id === firmId)
  const live = mine.find((b) => LIVE_BID.includes(b.status))
  const last = mine[0]
  const [editing, setEditing] = useState(false)
  const contract = useQuery({
    queryKey: [...keys.contracts, 'won', order.id],
    queryFn: async ({ signal }) => {
      const page = await data(apiClient.GET('/api/v1/contracts', { params: { query: { role: 'supplier', limit: 100 } }, signal }))
      return page.items.find((c) => c.order_id === order.id) ?? null
    },
    enabled: live?.status === 'awarded',
  })
  const open = biddingOpen(order)

  return (
    <Card title={t('bid.yourBid')}>
      {live?.status === 'awarded' && (
        <Notice tone="success">
          {t('bid.won')} {contract.data && <Link to={`/contracts/${contract.data.id}`}>{t('bid.openContract')}</Link>}
        </Notice>
      )}
      {!live && last?.status === 'rejected' && (
        <div data-testid="bid-rejected">
          <Notice tone="warning">{t('bid.rejected')}</Notice>
        </div>
      )}
      {live?.status === 'needs_confirmation' && <NeedsConfirmation bid={live} onChanged={onChanged} />}
      {live && !editing && (
        <div className="my-bid" data-testid="my-bid">
          <dl className="facts">
            <div>
              <dt>{t('compare.unitPrice')}</dt>
              <dd>
                {fmt.money(live.unit_price)} <BelowTariffBadge below={live.below_tariff} />
              </dd>
            </div>
            <div>
              <dt>{t('compare.total')}</dt>
              <dd>{fmt.money(live.total_price)}</dd>
            </div>
            <div>
              <dt>{t('compare.delivery')}</dt>
              <dd>{fmt.date(live.delivery_date)}</dd>
            </div>
            <div>
              <dt>{t('bid.status')}</dt>
              <dd>
                <StatusBadge status={live.status} />
              </dd>
            </div>
          </dl>
          {live.notes && <p className="prose">{live.notes}</p>}
          {open && canManage && live.status !== 'awarded' && (
            <div className="button-row">
              <button type="button" className="btn btn-secondary" onClick={() => setEditing(true)}>
                {t('bid.revise')}
              </button>
              <WithdrawButton bid={live} onChanged={onChanged} />
            </div>
          )}
        </div>
      )}
      {(!live || editing) &&
        (open ? (
          canManage ? (
            <BidForm order={order} firmId={firmId} bid={editing ? live : undefined} onDone={() => { setEditing(false); onChanged() }} onCancel={editing ? () => setEditing(false) : undefined} />
          ) : (
            <Notice>{t('bid.needManager')}</Notice>
          )
        ) : (
          !live && last?.status !== 'rejected' && <Notice>{t('bid.closed')}</Notice>
        ))}
    </Card>
  )
}

function NeedsConfirmation({ bid, onChanged }: { bid: Bid; onChanged: () => void }) {
  const { t } = useI18n()
  const [error, setError] = useState<unknown>(null)
  return (
    <div className="banner banner-warning" role="alert">
      <span className="banner-text">{t('bid.needsConfirmation')}</span>
      <button
        type="button"
        className="btn btn-small btn-primary"
        onClick={() => apiClient.POST('/api/v1/bids/{bid_id}/confirm', { params: { path: { bid_id: bid.id } } }).then(onChanged, setError)}
      >
        {t('bid.confirm')}
      </button>
      <ErrorBanner error={error} />
    </div>
  )
}

function WithdrawButton({ bid, onChanged }: { bid: Bid; onChanged: () => void }) {
  const { t } = useI18n()
  const [confirming, setConfirming] = useState(false)
  const [error, setError] = useState<unknown>(null)
  if (!confirming) {
    return (
      <button type="button" className="btn btn-ghost" onClick={() => setConfirming(true)}>
        {t('bid.withdraw')}
      </button>
    )
  }
  return (
    <span className="confirm-inline">
      <ErrorBanner error={error} />
      {t('bid.withdrawConfirm')}{' '}
      <button type="button" className="btn btn-danger btn-small" onClick={() => apiClient.POST('/api/v1/bids/{bid_id}/withdraw', { params: { path: { bid_id: bid.id } } }).then(onChanged, setError)}>
        {t('bid.withdrawYes')}
      </button>{' '}
      <button type="button" className="btn btn-ghost btn-small" onClick={() => setConfirming(false)}>
        {t('common.back')}
      </button>
    </span>
  )
}

function BidForm({ order, firmId, bid, onDone, onCancel }: { order: Order; firmId: number; bid?: Bid; onDone: () => void; onCancel?: () => void }) {
  const { t, fmt, locale } = useI18n()
  const [key] = useState(newIdempotencyKey)
  const form = useForm({
    unit_price: bid?.unit_price ? formatDecimal(bid.unit_price, locale, 2, 4) : '',
    delivery_date: formatDateInput(bid?.delivery_date ?? order.delivery_due, locale),
    notes: bid?.notes ?? '',
    payment_terms: (bid?.payment_terms ?? order.payment_terms) as PaymentTerms,
  })
  const v = form.values
  const parsedPrice = checkNumber(String(v.unit_price), t, locale, 4)
  const parsedDate = checkDate(v.delivery_date, t, locale)
  const price = Number(parsedPrice.value ?? 0)
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    const ok = await form.submit(
      async () => {
        const body = {
          // The check below refuses the form before this runs unless both parsed.
          unit_price: parsedPrice.value!,
          delivery_date: parsedDate.value!,
          notes: v.notes.trim(),
          payment_terms: v.payment_terms,
        }
        if (bid) await apiClient.PATCH('/api/v1/bids/{bid_id}', { params: { path: { bid_id: bid.id } }, body })
        else {
          await apiClient.POST('/api/v1/orders/{order_id}/bids', {
            params: { path: { order_id: order.id } },
            body: { firm_id: firmId, ...body },
            headers: { 'Idempotency-Key': key },
          })
        }
      },
      () => ({
        ...(parsedPrice.error ? { unit_price: parsedPrice.error } : {}),
        ...(parsedDate.error ? { delivery_date: parsedDate.error } : {}),
      }),
    )
    if (ok) onDone()
  }
  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label={bid ? t('bid.revise') : t('bid.place')}>
      <ErrorBanner message={form.banner} />
      <div className="row-2">
        <DecimalField label={t('bid.unitPrice', { unit: unitName(order.unit, locale) })} required decimals={4} value={String(v.unit_price)} onChange={(value) => form.set('unit_price', value)} error={form.errors.unit_price} />
        <DateInput label={t('compare.delivery')} required value={v.delivery_date} onChange={(value) => form.set('delivery_date', value)} error={form.errors.delivery_date} hint={t('bid.dueHint', { date: fmt.date(order.delivery_due) })} />
      </div>
      <fieldset className="field">
        <legend>{t('terms.bidTerms')}</legend>
        <p className="field-hint">{t('terms.bidTermsHint')}</p>
        <PaymentTermsFields value={v.payment_terms} onChange={(terms) => form.set('payment_terms', terms)} />
      </fieldset>
      <TariffPriceCheck phase={order.phase} unit={order.unit} price={price} />
      {price > 0 && <p className="total-preview">{t('bid.totalPreview', { total: fmt.money(Math.round(price * Number(order.quantity) * 100 + 1e-9) / 100), qty: formatDecimal(order.quantity, locale, 0, 3), unit: unitName(order.unit, locale) })}</p>}
      <TextArea label={t('bid.notes')} rows={3} maxLength={2000} value={v.notes} onChange={(e) => form.set('notes', e.target.value)} error={form.errors.notes} />
      <div className="button-row">
        <button type="submit" className="btn btn-primary" disabled={form.busy}>
          {form.busy ? t('common.wait') : bid ? t('bid.saveRevision') : t('bid.place')}
        </button>
        {onCancel && (
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            {t('common.back')}
          </button>
        )}
      </div>
    </form>
  )
}

function Questions({ order, isClient, questions, error, onChanged }: { order: Order; isClient: boolean; questions: Question[] | undefined; error: unknown; onChanged: () => void }) {
  const { t, fmt } = useI18n()
  const { me, canManage } = useAuth()
  const form = useForm({ text: '' })
  const ask = async (event: FormEvent) => {
    event.preventDefault()
    const ok = await form.submit(
      async () => {
        await apiClient.POST('/api/v1/orders/{order_id}/questions', { params: { path: { order_id: order.id } }, body: { text: form.values.text.trim() } })
      },
      () => (form.values.text.trim() ? {} : { text: t('form.required') }),
    )
    if (ok) {
      form.set('text', '')
      onChanged()
    }
  }
  return (
    <Card title={t('questions.title')}>
      <ErrorBanner error={error} />
      {questions && questions.length === 0 && <p className="muted">{t('questions.none')}</p>}
      <ul className="qa-list">
        {questions?.map((q) => (
          <li key={q.id}>
            <p className="qa-q">
              <span className="qa-mark" aria-hidden="true">D</span>
              {q.text}
            </p>
            {q.answer ? (
              <p className="qa-a">
                <span className="qa-mark" aria-hidden="true">R</span>
                {q.answer}
              </p>
            ) : isClient && canManage ? (
              <AnswerForm orderId={order.id} question={q} onDone={onChanged} />
            ) : (
              <p className="muted small">{t('questions.waiting', { when: fmt.relative(q.created_at) })}</p>
            )}
          </li>
        ))}
      </ul>
      {me && !isClient && order.status === 'open' && (
        <form onSubmit={ask} noValidate className="form">
          <ErrorBanner message={form.banner} />
          <TextArea label={t('questions.ask')} rows={2} maxLength={2000} value={form.values.text} onChange={(e) => form.set('text', e.target.value)} error={form.errors.text} />
          <button type="submit" className="btn btn-secondary btn-small" disabled={form.busy}>
            {t('questions.send')}
          </button>
        </form>
      )}
    </Card>
  )
}

function AnswerForm({ orderId, question, onDone }: { orderId: number; question: Question; onDone: () => void }) {
  const { t } = useI18n()
  const [text, setText] = useState('')
  const [error, setError] = useState<string | null>(null)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!text.trim()) {
      setError(t('form.required'))
      return
    }
    try {
      await apiClient.POST('/api/v1/orders/{order_id}/questions/{question_id}/answer', {
        params: { path: { order_id: orderId, question_id: question.id } },
        body: { text: text.trim() },
      })
      onDone()
    } catch (failure) {
      setError(failure instanceof ApiError && failure.fields.text ? fieldMessages(failure, t).text! : describeError(failure, t))
    }
  }
  return (
    <form onSubmit={submit} className="answer-form" noValidate>
      <TextField label={t('questions.answer')} value={text} onChange={(e) => setText(e.target.value)} error={error ?? undefined} />
      <button type="submit" className="btn btn-small btn-primary">
        {t('questions.reply')}
      </button>
    </form>
  )
}
