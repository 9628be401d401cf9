import { useInfiniteQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query'
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import { Link, useSearchParams } from 'react-router-dom'
import { keys, read } from '../api/keys'
import { apiClient, data } from '../api/typed'
import type { components } from '../api/schema'
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

interface BoardFilters {
  phase: string
  region: string
  q: string
  status: string
  mine: boolean
  fits: boolean
}

function filtersOf(params: URLSearchParams): BoardFilters {
  return {
    phase: params.get('phase') ?? '',
    region: params.get('region') ?? '',
    q: params.get('q') ?? '',
    status: params.get('status') ?? 'open',
    mine: params.get('mine') === '1',
    fits: params.get('fits') === '1',
  }
}

function paramsOf(filters: BoardFilters): URLSearchParams {
  const params = new URLSearchParams()
  if (filters.phase) params.set('phase', filters.phase)
  if (filters.region) params.set('region', filters.region)
  if (filters.q) params.set('q', filters.q)
  if (filters.status !== 'open') params.set('status', filters.status)
  if (filters.mine) params.set('mine', '1')
  if (filters.fits) params.set('fits', '1')
  return params
}

/** The board's filters. The screen's state follows a click at once; the address follows it
 * (the router applies an address change in a transition, which under load lands long after
 * the click: a checkbox bound to the address flicked back meanwhile, and a second click built
 * its address from the stale one). The address still leads on back/forward and links. */
function useBoardFilters(): [BoardFilters, (changes: Partial<BoardFilters>) => void] {
  const [params, setParams] = useSearchParams()
  const [filters, setFilters] = useState(() => filtersOf(params))
  // Addresses this screen wrote that the router has not shown yet: seeing one is our own
  // change arriving, not a navigation to follow.
  const written = useRef<string[]>([])
  const address = params.toString()
  useEffect(() => {
    const ours = written.current.indexOf(address)
    if (ours >= 0) {
      written.current = written.current.slice(ours + 1)
      return
    }
    written.current = []
    setFilters(filtersOf(new URLSearchParams(address)))
  }, [address])
  const update = (changes: Partial<BoardFilters>) => {
    const next = { ...filters, ...changes }
    setFilters(next)
    const nextParams = paramsOf(next)
    written.current.push(nextParams.toString())
    setParams(nextParams, { replace: true })
  }
  return [filters, update]
}

export function BoardPage() {
  const { t, locale } = useI18n()
  const { phases, canManage, firmId } = useAuth()
  const queryClient = useQueryClient()
  const [filters, update] = useBoardFilters()
  const [text, setText] = useState(filters.q)
  const [fresh, setFresh] = useState<Set<number>>(new Set())

  const query = {
    phase: filters.phase || undefined,
    region: filters.region || undefined,
    q: filters.q || undefined,
    status: filters.status === 'all' ? undefined : (filters.status as components['schemas']['OrderStatus']),
    // With fits_capacity, firm_id names the firm whose free capacity filters the board.
    firm_id: (filters.mine || filters.fits) && firmId ? firmId : undefined,
    fits_capacity: filters.fits && firmId ? true : undefined,
    limit: PAGE_SIZE,
  }
  const boardKey = keys.board(query)
  const board = useInfiniteQuery({
    queryKey: boardKey,
    queryFn: ({ pageParam, signal }) =>
      data(apiClient.GET('/api/v1/orders', { params: { query: { ...query, cursor: pageParam ?? undefined } }, signal })),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
  })
  const orders = useMemo(() => {
    const seen = new Set<number>()
    return (board.data?.pages ?? []).flatMap((page) => page.items).filter((order) => !seen.has(order.id) && !!seen.add(order.id))
  }, [board.data])
  const covers = useOrderCovers(orders.map((o) => o.id))

  const matches = (order: Order) =>
    (!filters.phase || order.phase === filters.phase) &&
    (!filters.region || order.region === filters.region) &&
    (!filters.q || `${order.title} ${order.description}`.toLowerCase().includes(filters.q.toLowerCase())) &&
    (filters.status === 'all' || order.status === filters.status) &&
    (!filters.mine || order.client_firm_id === firmId)

  // A live event patches the pages shown (a new order on top, marked new; a changed one in
  // place, or out if it no longer matches) instead of reloading them from the first page.
  useLiveEvents(['order.created', 'order.updated', 'order.cancelled', 'order.awarded', 'bid.created', 'bid.withdrawn', RECONNECTED], (event) => {
    if (event.type === RECONNECTED) {
      void queryClient.invalidateQueries({ queryKey: keys.orders })
      return
    }
    const id = event.data.order_id
    if (!id) return
    void queryClient.fetchQuery({ queryKey: keys.order(id), queryFn: ({ signal }) => read.order(id, signal), staleTime: 0 }).then(
      (order) => {
        const arrived = event.type === 'order.created' && matches(order) && !filters.fits
        queryClient.setQueryData<InfiniteData<Page<Order>, string | null>>(boardKey, (cached) => {
          if (!cached) return cached
          const shown = cached.pages.some((page) => page.items.some((o) => o.id === order.id))
          if (!shown && !arrived) return cached
          const pages = cached.pages.map((page, index) => ({
            ...page,
            items: shown
              ? page.items.map((o) => (o.id === order.id ? order : o)).filter(matches)
              : index === 0
                ? [order, ...page.items]
                : page.items,
          }))
          return { ...cached, pages }
        })
        if (arrived) setFresh((set) => new Set(set).add(order.id))
      },
      () => undefined,
    )
  })

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
          <select id="board-status" value={filters.status} onChange={(e) => update({ status: e.target.value })}>
            <option value="open">{t('status.open')}</option>
            <option value="awarded">{t('status.awarded')}</option>
            <option value="closed">{t('status.closed')}</option>
            <option value="cancelled">{t('status.cancelled')}</option>
            <option value="all">{t('board.allStatuses')}</option>
          </select>
        </div>
        {firmId && (
          <label className="field field-check board-mine">
            <input type="checkbox" checked={filters.mine} onChange={(e) => update({ mine: e.target.checked, fits: false })} data-testid="board-mine" />
            {t('board.mine')}
          </label>
        )}
        {firmId && <FitsCapacityToggle checked={filters.fits} onChange={(on) => update({ fits: on, mine: false })} />}
      </form>
      <ErrorBanner error={board.error} onRetry={() => void board.refetch()} />
      {orders.length === 0 && board.isPending && <Loading />}
      {orders.length === 0 && !board.isPending && !board.error && (
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
      {board.hasNextPage && (
        <div className="load-more">
          <button type="button" className="btn btn-secondary" onClick={() => void board.fetchNextPage()} disabled={board.isFetchingNextPage}>
            {board.isFetchingNextPage ? t('common.loading') : t('common.loadMore')}
          </button>
        </div>
      )}
    </div>
  )
}
