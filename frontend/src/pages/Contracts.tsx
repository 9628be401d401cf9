import { useEffect, useState } from 'react'
import { Link, useSearchParams } from 'react-router-dom'
import { api } from '../api/client'
import type { Contract, Page } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { Empty, ErrorBanner, Loading, PageHeader, StatusBadge, Tabs } from '../components/ui'
import { useI18n } from '../i18n'
import { phaseName } from '../lib/phases'
import { RECONNECTED, useLiveEvents } from '../live/LiveContext'

type Role = 'all' | 'client' | 'supplier'

export function ContractsPage() {
  const { t, fmt, locale } = useI18n()
  const { me, phases } = useAuth()
  const [params, setParams] = useSearchParams()
  const role = (params.get('role') ?? 'all') as Role
  const status = params.get('status') ?? ''
  const [items, setItems] = useState<Contract[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<unknown>(null)
  const [generation, setGeneration] = useState(0)
  const myFirms = me?.memberships.map((m) => m.firm_id) ?? []

  const query = (after?: string) => ({ role: role === 'all' ? undefined : role, status, cursor: after, limit: 25 })
  useEffect(() => {
    const controller = new AbortController()
    setLoading(true)
    api.get<Page<Contract>>('/contracts', { role: role === 'all' ? undefined : role, status, limit: 25 }, controller.signal).then(
      (page) => {
        setItems(page.items)
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
  }, [role, status, generation])

  useLiveEvents(['contract.created', 'contract.updated', 'order.awarded', RECONNECTED], () => setGeneration((g) => g + 1))

  const more = async () => {
    if (!cursor) return
    setLoading(true)
    try {
      const page = await api.get<Page<Contract>>('/contracts', query(cursor))
      setItems((list) => [...list, ...page.items])
      setCursor(page.next_cursor)
    } catch (failure) {
      setError(failure)
    } finally {
      setLoading(false)
    }
  }
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
          <select value={status} onChange={(e) => set('status', e.target.value)}>
            <option value="">{t('board.allStatuses')}</option>
            {['active', 'delivered', 'completed', 'disputed', 'cancelled'].map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}` as 'status.active')}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBanner error={error} onRetry={() => setGeneration((g) => g + 1)} />
      {loading && items.length === 0 && <Loading />}
      {!loading && !error && items.length === 0 && (
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
                        {phaseName(phases, c.phase, locale)} · {fmt.number(c.quantity)} {c.unit ?? ''}
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
      {cursor && (
        <div className="load-more">
          <button type="button" className="btn btn-secondary" disabled={loading} onClick={() => void more()}>
            {t('common.loadMore')}
          </button>
        </div>
      )}
    </div>
  )
}
