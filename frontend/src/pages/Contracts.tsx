import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query'
import { Link, useSearchParams } from 'react-router-dom'
import { apiClient, data } from '../api/typed'
import type { components } from '../api/schema'
import { useAuth } from '../auth/AuthContext'
import { Empty, ErrorBanner, Loading, PageHeader, StatusBadge, Tabs } from '../components/ui'
import { useI18n } from '../i18n'
import { phaseName } from '../lib/phases'
import { unitName } from '../lib/units'
import { RECONNECTED, useLiveEvents } from '../live/LiveContext'

type Role = 'all' | 'client' | 'supplier'
type ContractStatus = components['schemas']['ContractStatus']
const STATUSES: ContractStatus[] = ['active', 'delivered', 'completed', 'disputed', 'cancelled']

export function ContractsPage() {
  const { t, fmt, locale } = useI18n()
  const { me, phases } = useAuth()
  const queryClient = useQueryClient()
  const [params, setParams] = useSearchParams()
  const role = (params.get('role') ?? 'all') as Role
  const status = (STATUSES as string[]).includes(params.get('status') ?? '') ? (params.get('status') as ContractStatus) : undefined
  const myFirms = me?.memberships.map((m) => m.firm_id) ?? []

  const list = useInfiniteQuery({
    queryKey: ['contracts', { role, status }],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      data(
        apiClient.GET('/api/v1/contracts', {
          params: { query: { role: role === 'all' ? undefined : role, status, limit: 25, ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  })
  const items = list.data?.pages.flatMap((page) => page.items) ?? []
  const error = list.error
  const reload = () => void queryClient.invalidateQueries({ queryKey: ['contracts'] })
  // A new award, a delivery, a dispute: the list is refetched (every loaded page).
  useLiveEvents(['contract.created', 'contract.updated', 'order.awarded', RECONNECTED], reload)

  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params)
    if (value) next.set(name, value)
    else next.delete(name)
    setParams(next, { replace: true })
  }

  return (
    <div>
      <PageHeader title={t('contracts.title')} subtitle={t('contracts.lead')} />
      <div className="toolbar">
        <Tabs<Role>
          label={t('contracts.role')}
          current={role}
          onChange={(value) => set('role', value === 'all' ? '' : value)}
          tabs={[
            { id: 'all', label: t('contracts.all') },
            { id: 'client', label: t('contracts.asClient') },
            { id: 'supplier', label: t('contracts.asSupplier') },
          ]}
        />
        <label className="inline-select">
          {t('board.status')}{' '}
          <select value={status ?? ''} onChange={(e) => set('status', e.target.value)}>
            <option value="">{t('board.allStatuses')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBanner error={error} onRetry={reload} />
      {list.isPending && <Loading />}
      {list.isSuccess && items.length === 0 && (
        <Empty title={t('contracts.emptyTitle')} action={<Link className="btn btn-secondary" to="/board">{t('contracts.toBoard')}</Link>}>
          {t('contracts.emptyText')}
        </Empty>
      )}
      {items.length > 0 && (
        <div className="table-wrap card">
          <table className="table">
            <caption className="sr-only">{t('contracts.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('contracts.contract')}</th>
                <th scope="col">{t('contracts.counterparty')}</th>
                <th scope="col" className="num">
                  {t('compare.total')}
                </th>
                <th scope="col">{t('contracts.due')}</th>
                <th scope="col">{t('board.status')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => {
                const asClient = myFirms.includes(c.client_firm_id)
                const other = asClient ? c.supplier_firm_name ?? `#${c.supplier_firm_id}` : c.client_firm_name ?? `#${c.client_firm_id}`
                return (
                  <tr key={c.id}>
                    <th scope="row">
                      <Link to={`/contracts/${c.id}`}>{c.order_title ?? t('contracts.number', { id: c.id })}</Link>
                      <div className="muted small">
                        {phaseName(phases, c.phase, locale)} · {fmt.number(c.quantity)} {unitName(c.unit, locale)}
                      </div>
                    </th>
                    <td>
                      {other}
                      <div className="muted small">{asClient ? t('contracts.theSupplier') : t('contracts.theClient')}</div>
                    </td>
                    <td className="num">{fmt.money(c.total_price)}</td>
                    <td>{fmt.date(c.due_date)}</td>
                    <td>
                      <StatusBadge status={c.status} />
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      {list.hasNextPage && (
        <div className="load-more">
          <button type="button" className="btn btn-secondary" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            {t('common.loadMore')}
          </button>
        </div>
      )}
    </div>
  )
}
