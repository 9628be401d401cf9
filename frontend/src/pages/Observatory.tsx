import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { apiClient, data } from '../api/typed'
import type { MonthCell } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { BarList, StackedColumns, type StackedColumn } from '../components/Charts'
import { Card, Empty, ErrorBanner, Loading, PageHeader, Stat } from '../components/ui'
import { unitName } from '../lib/units'
import { useI18n } from '../i18n'
import { phaseName } from '../lib/phases'

const TOP_PHASES = 6

// The server pools each month's phases that are too small to show alone under this code.
const POOLED = '*'

/** Months as columns, the busiest phases as stacked parts, the rest as "other". */
function columnsOf(cells: MonthCell[], months: string[], name: (code: string) => string, other: string) {
  const totals = new Map<string, number>()
  for (const cell of cells) if (cell.count) totals.set(cell.phase, (totals.get(cell.phase) ?? 0) + cell.count)
  const top = [...totals.entries()]
    .filter(([code]) => code !== POOLED)
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP_PHASES)
    .map(([code]) => code)
  const names = [...top.map(name), ...(totals.size > top.length ? [other] : [])]
  const columns: StackedColumn[] = months.map((month) => {
    const parts = new Map<string, number>()
    for (const cell of cells) {
      if (cell.month !== month || !cell.count) continue
      const label = top.includes(cell.phase) ? name(cell.phase) : other
      parts.set(label, (parts.get(label) ?? 0) + cell.count)
    }
    return { label: month, parts: names.filter((n) => parts.has(n)).map((n) => ({ name: n, value: parts.get(n) ?? 0 })) }
  })
  const total = [...totals.values()].reduce((a, b) => a + b, 0)
  return { columns, names, total, suppressed: cells.filter((c) => c.suppressed).length }
}

export function ObservatoryPage() {
  const { t, fmt, locale } = useI18n()
  const { phases } = useAuth()
  const [months, setMonths] = useState(12)
  // Anonymised monthly aggregates: no live event changes them, a minute of cache is fine.
  const summary = useQuery({
    queryKey: ['observatory', months],
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/observatory/summary', { params: { query: { months } }, signal })),
    staleTime: 60_000,
  })
  const name = (code: string) => phaseName(phases, code, locale)
  const header = (
    <PageHeader
      title={t('obs.title')}
      subtitle={t('obs.lead')}
      actions={
        <label className="inline-select">
          {t('obs.period')}{' '}
          <select value={months} onChange={(e) => setMonths(Number(e.target.value))}>
            {[6, 12, 24, 36].map((m) => (
              <option key={m} value={m}>
                {t('obs.months', { n: m })}
              </option>
            ))}
          </select>
        </label>
      }
    />
  )
  if (summary.error) {
    return (
      <div>
        {header}
        <ErrorBanner error={summary.error} onRetry={() => void summary.refetch()} />
      </div>
    )
  }
  if (!summary.data) {
    return (
      <div>
        {header}
        <Loading />
      </div>
    )
  }
  const s = summary.data
  const monthLabel = (m: string) => fmt.month(m)
  const orders = columnsOf(s.orders, s.months, name, t('obs.other'))
  const contracts = columnsOf(s.contracts, s.months, name, t('obs.other'))
  const relabel = (columns: StackedColumn[]) => columns.map((c) => ({ ...c, label: monthLabel(c.label) }))
  const prices = s.prices.filter((p) => !p.suppressed)
  const onTime = s.on_time.filter((p) => !p.suppressed)
  const hiddenCells = orders.suppressed + contracts.suppressed + s.prices.length - prices.length + s.on_time.length - onTime.length
  const allOnTime = onTime.reduce((acc, p) => acc + (p.deliveries ?? 0), 0)
  const punctual = onTime.reduce((acc, p) => acc + (p.on_time_rate ?? 0) * (p.deliveries ?? 0), 0)
  return (
    <div>
      {header}
      <div className="stats">
        <Stat label={t('obs.orders')} value={fmt.number(s.total_orders)} hint={t('obs.sinceMonth', { month: fmt.monthLong(s.months[0] ?? '') })} />
        <Stat label={t('obs.contracts')} value={fmt.number(s.total_contracts)} />
        <Stat label={t('obs.onTime')} value={allOnTime ? fmt.percent(punctual / allOnTime) : '—'} hint={t('obs.deliveries', { n: fmt.number(allOnTime) })} />
      </div>
      <div className="chart-grid">
        <Card title={t('obs.ordersChart')}>
          {orders.total ? <StackedColumns columns={relabel(orders.columns)} names={orders.names} label={t('obs.ordersChart')} /> : <Empty title={t('obs.noData')} />}
        </Card>
        <Card title={t('obs.contractsChart')}>
          {contracts.total ? <StackedColumns columns={relabel(contracts.columns)} names={contracts.names} label={t('obs.contractsChart')} /> : <Empty title={t('obs.noData')} />}
        </Card>
        <Card title={t('obs.pricesChart')}>
          {prices.length ? (
            <BarList
              label={t('obs.pricesChart')}
              rows={prices.map((p) => ({
                name: `${name(p.phase)} · ${unitName(p.unit, locale)}`,
                value: Number(p.median_unit_price),
                text: t('obs.perUnit', { price: fmt.money(p.median_unit_price), unit: unitName(p.unit, locale) }),
                note: t('obs.basedOn', { n: p.contracts ?? 0 }),
              }))}
            />
          ) : (
            <Empty title={t('obs.noData')} />
          )}
        </Card>
        <Card title={t('obs.onTimeChart')}>
          {onTime.length ? (
            <BarList
              label={t('obs.onTimeChart')}
              max={1}
              rows={onTime.map((p) => ({ name: name(p.phase), value: p.on_time_rate, text: fmt.percent(p.on_time_rate), note: t('obs.deliveries', { n: p.deliveries ?? 0 }) }))}
            />
          ) : (
            <Empty title={t('obs.noData')} />
          )}
        </Card>
      </div>
      <p className="muted small privacy-note">{t('obs.privacy', { n: s.min_firms, hidden: hiddenCells })}</p>
    </div>
  )
}
