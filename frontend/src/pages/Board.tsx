import { useEffect, useState, type FormEvent } from 'react'
import { Link, useSearchParams } from 'react-router-dom'
import { api } from '../api/client'
import type { Order, Page } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { FitsCapacityToggle } from '../components/capacity/FitsCapacityToggle'
import { Empty, ErrorBanner, Loading, PageHeader, StatusBadge } from '../components/ui'
import { useI18n } from '../i18n'
import { REGIONS } from '../lib/italy'
import { groupedPhases, phaseName } from '../lib/phases'
import { RECONNECTED, useLiveEvents } from '../live/LiveContext'
import { OrderCoverImage, useOrderCovers } from '../documents/Covers'
import { AlertMeButton } from '../mail/AlertMeButton'
import { unitName } from '../lib/units'

const PAGE_SIZE = 20

export function OrderCard({ order, fresh, cover }: { order: Order; fresh?: boolean; cover?: number }) {
  const { t, fmt, locale } = useI18n()
  const { phases } = useAuth()
  const open = order.status === 'open' && new Date(order.bid_deadline).getTime() > Date.now()
  return (
    <li className={fresh ? 'order-card order-card-fresh' : 'order-card'} data-testid="order-card">
      <div className="order-card-top">
        <span className="phase-tag">{phaseName(phases, order.phase, locale)}</span>
        {fresh && <span className="badge badge-amber">{t('board.new')}</span>}
        {order.sealed && <span className="badge badge-grey" title={t('order.sealedHint')}>{t('order.sealed')}</span>}
        <StatusBadge status={open || order.status !== 'open' ? order.status : 'closed'} />
      </div>
      {cover && <OrderCoverImage attachmentId={cover} title={order.title} />}
      <h2 className="order-card-title">
        <Link to={`/orders/${order.id}`}>{order.title}</Link>
      </h2>
      <dl className="order-card-facts">
        <div>
          <dt>{t('order.quantity')}</dt>
          <dd>
            {fmt.number(order.quantity)} {unitName(order.unit, locale)}
          </dd>
        </div>
        <div>
          <dt>{t('order.region')}</dt>
          <dd>{order.region}</dd>
        </div>
        <div>
          <dt>{t('order.deadline')}</dt>
          <dd title={fmt.dateTime(order.bid_deadline)}>{open ? fmt.relative(order.bid_deadline) : fmt.date(order.bid_deadline)}</dd>
        </div>
        <div>
          <dt>{t('order.deliveryDue')}</dt>
          <dd>{fmt.date(order.delivery_due)}</dd>
        </div>
        <div>
          <dt>{t('order.bids')}</dt>
          <dd>{fmt.number(order.bid_count)}</dd>
        </div>
      </dl>
      {order.client_firm_name && <p className="order-card-client">{order.client_firm_name}</p>}
    </li>
  )
}

export function BoardPage() {
  const { t, locale } = useI18n()
  const { phases, canManage, firmId } = useAuth()
  const [params, setParams] = useSearchParams()
  const filters = {
    phase: params.get('phase') ?? '',
    region: params.get('region') ?? '',
    q: params.get('q') ?? '',
    status: params.get('status') ?? 'open',
    mine: params.get('mine') === '1',
    fits: params.get('fits') === '1',
  }
  const [text, setText] = useState(filters.q)
  const [orders, setOrders] = useState<Order[]>([])
  const covers = useOrderCovers(orders.map((o) => o.id))
  const [cursor, setCursor] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<unknown>(null)
  const [fresh, setFresh] = useState<Set<number>>(new Set())
  const [generation, setGeneration] = useState(0)

  const query = (after: string | null) => ({
    phase: filters.phase,
    region: filters.region,
    q: filters.q,
    status: filters.status === 'all' ? undefined : filters.status,
    // With fits_capacity, firm_id names the firm whose free capacity filters the board.
    firm_id: (filters.mine || filters.fits) && firmId ? firmId : undefined,
    fits_capacity: filters.fits && firmId ? true : undefined,
    limit: PAGE_SIZE,
    cursor: after ?? undefined,
  })
  const key = JSON.stringify(query(null))

  useEffect(() => {
    const controller = new AbortController()
    setLoading(true)
    api.get<Page<Order>>('/orders', JSON.parse(key) as Record<string, string>, controller.signal).then(
      (page) => {
        setOrders(page.items)
        setCursor(page.next_cursor)
        setError(null)
        setLoading(false)
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return
        setError(failure)
        setLoading(false)
      },
    )
    return () => controller.abort()
  }, [key, generation])

  const loadMore = async () => {
    if (!cursor) return
    setLoading(true)
    try {
      const page = await api.get<Page<Order>>('/orders', query(cursor))
      setOrders((list) => [...list, ...page.items.filter((o) => !list.some((x) => x.id === o.id))])
      setCursor(page.next_cursor)
    } catch (failure) {
      setError(failure)
    } finally {
      setLoading(false)
    }
  }

  const matches = (order: Order) =>
    (!filters.phase || order.phase === filters.phase) &&
    (!filters.region || order.region === filters.region) &&
    (!filters.q || `${order.title} ${order.description}`.toLowerCase().includes(filters.q.toLowerCase())) &&
    (filters.status === 'all' || order.status === filters.status) &&
    (!filters.mine || order.client_firm_id === firmId)

  useLiveEvents(['order.created', 'order.updated', 'order.cancelled', 'order.awarded', 'bid.created', 'bid.withdrawn', RECONNECTED], (event) => {
    if (event.type === RECONNECTED) {
      setGeneration((g) => g + 1)
      return
    }
    const id = event.data.order_id
    if (!id) return
    api.get<Order>(`/orders/${id}`).then(
      (order) => {
        const arrived = event.type === 'order.created' && matches(order) && !filters.fits
        setOrders((list) => {
          if (list.some((o) => o.id === order.id)) return list.map((o) => (o.id === order.id ? order : o)).filter(matches)
          return arrived ? [order, ...list] : list
        })
        if (arrived) setFresh((set) => new Set(set).add(order.id))
      },
      () => undefined,
    )
  })

  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params)
    for (const [name, value] of Object.entries(changes)) {
      if (value) next.set(name, value)
      else next.delete(name)
    }
    setParams(next, { replace: true })
  }

  const onSearch = (event: FormEvent) => {
    event.preventDefault()
    update({ q: text.trim() })
  }

  return (
    <div>
      <PageHeader
        title={t('board.title')}
        subtitle={t('board.lead')}
        actions={
          <>
            <AlertMeButton phase={filters.phase} region={filters.region} q={filters.q} />
            {canManage && (
              <Link className="btn btn-primary" to="/orders/new">
                {t('board.post')}
              </Link>
            )}
          </>
        }
      />
      <form className="filters card" onSubmit={onSearch} role="search" aria-label={t('board.filters')}>
        <div className="field">
          <label htmlFor="board-q">{t('board.search')}</label>
          <div className="input-with-button">
            <input id="board-q" type="search" value={text} placeholder={t('board.searchPlaceholder')} onChange={(e) => setText(e.target.value)} />
            <button type="submit" className="btn btn-secondary">
              {t('board.searchButton')}
            </button>
          </div>
        </div>
        <div className="field">
          <label htmlFor="board-phase">{t('order.phase')}</label>
          <select id="board-phase" value={filters.phase} onChange={(e) => update({ phase: e.target.value })}>
            <option value="">{t('board.allPhases')}</option>
            {groupedPhases(phases, locale).map((group) => (
              <optgroup key={group.group} label={group.group}>
                {group.items.map((item) => (
                  <option key={item.code} value={item.code}>
                    {item.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="board-region">{t('order.region')}</label>
          <select id="board-region" value={filters.region} onChange={(e) => update({ region: e.target.value })}>
            <option value="">{t('board.allRegions')}</option>
            {REGIONS.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="board-status">{t('board.status')}</label>
          <select id="board-status" value={filters.status} onChange={(e) => update({ status: e.target.value === 'open' ? '' : e.target.value })}>
            <option value="open">{t('status.open')}</option>
            <option value="awarded">{t('status.awarded')}</option>
            <option value="closed">{t('status.closed')}</option>
            <option value="cancelled">{t('status.cancelled')}</option>
            <option value="all">{t('board.allStatuses')}</option>
          </select>
        </div>
        {firmId && (
          <label className="field field-check board-mine">
            <input type="checkbox" checked={filters.mine} onChange={(e) => update({ mine: e.target.checked ? '1' : '', fits: '' })} />
            {t('board.mine')}
          </label>
        )}
        {firmId && <FitsCapacityToggle checked={filters.fits} onChange={(on) => update({ fits: on ? '1' : '', mine: '' })} />}
      </form>
      <ErrorBanner error={error} onRetry={() => setGeneration((g) => g + 1)} />
      {orders.length === 0 && loading && <Loading />}
      {orders.length === 0 && !loading && !error && (
        <Empty title={t('board.emptyTitle')} action={canManage && <Link className="btn btn-primary" to="/orders/new">{t('board.post')}</Link>}>
          {filters.phase || filters.region || filters.q ? t('board.emptyFiltered') : t('board.emptyText')}
        </Empty>
      )}
      {orders.length > 0 && (
        <>
          <p className="sr-only" aria-live="polite">
            {t('board.count', { n: orders.length })}
          </p>
          <ul className="order-grid" aria-label={t('board.title')}>
            {orders.map((order) => (
              <OrderCard key={order.id} order={order} fresh={fresh.has(order.id)} cover={covers[order.id]} />
            ))}
          </ul>
        </>
      )}
      {cursor && (
        <div className="load-more">
          <button type="button" className="btn btn-secondary" onClick={() => void loadMore()} disabled={loading}>
            {loading ? t('common.loading') : t('common.loadMore')}
          </button>
        </div>
      )}
    </div>
  )
}
