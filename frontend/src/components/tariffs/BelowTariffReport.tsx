import { useQuery } from '@tanstack/react-query'
import { Link } from 'react-router-dom'
import { apiClient, data } from '../../api/typed'
import { useAuth } from '../../auth/AuthContext'
import { useI18n } from '../../i18n'
import { phaseName } from '../../lib/phases'
import { Empty, ErrorBanner, Loading, TableWrap } from '../ui'
import { unitName } from '../../lib/units'

/** Staff: awards below the tariff minimum, by phase, then the newest of them. */
export function BelowTariffReport() {
  const { t, fmt, locale } = useI18n()
  const { phases } = useAuth()
  // Under the staff console's moderation key: refetched after any staff action.
  const report = useQuery({
    queryKey: ['moderation', 'below-tariff'],
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/moderation/below-tariff', { signal })),
  })
  if (report.error) return <ErrorBanner error={report.error} onRetry={() => void report.refetch()} />
  if (!report.data) return <Loading />
  const r = report.data
  if (r.phases.length === 0) return <Empty title={t('tariffs.reportEmpty')}>{t('tariffs.reportLead')}</Empty>
  return (
    <div data-testid="below-tariff-report">
      <p className="muted">{t('tariffs.reportLead')}</p>
      <TableWrap className="card" label={t('tariffs.reportTitle')}>
        <table className="table compact">
          <caption className="sr-only">{t('tariffs.reportTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('tariffs.phase')}</th>
              <th scope="col" className="num">{t('tariffs.reportAwards')}</th>
              <th scope="col" className="num">{t('tariffs.reportAmount')}</th>
              <th scope="col" className="num">{t('tariffs.reportShortfall')}</th>
            </tr>
          </thead>
          <tbody>
            {r.phases.map((p) => (
              <tr key={p.phase}>
                <th scope="row">{phaseName(phases, p.phase, locale)}</th>
                <td className="num">{fmt.number(p.awards)}</td>
                <td className="num">{fmt.money(p.total_amount)}</td>
                <td className="num">{fmt.money(p.shortfall)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <TableWrap className="card" label={t('tariffs.reportTitle')}>
        <table className="table compact">
          <caption className="sr-only">{t('tariffs.reportTitle')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('tariffs.reportDate')}</th>
              <th scope="col">{t('tariffs.phase')}</th>
              <th scope="col">{t('tariffs.reportClient')}</th>
              <th scope="col">{t('tariffs.reportSupplier')}</th>
              <th scope="col" className="num">{t('tariffs.reportPrice')}</th>
              <th scope="col" className="num">{t('tariffs.reportAmount')}</th>
            </tr>
          </thead>
          <tbody>
            {r.items.map((item) => (
              <tr key={item.contract_id}>
                <td>
                  <Link to={`/orders/${item.order_id}`}>{fmt.date(item.awarded_at)}</Link>
                </td>
                <td>{phaseName(phases, item.phase, locale)}</td>
                <td>
                  <Link to={`/firms/${item.client_firm_id}`}>{item.client_firm_name}</Link>
                </td>
                <td>
                  <Link to={`/firms/${item.supplier_firm_id}`}>{item.supplier_firm_name}</Link>
                </td>
                <td className="num">
                  {fmt.money(item.unit_price)} / {fmt.money(item.min_price)} <span className="muted small">{unitName(item.unit, locale)}</span>
                </td>
                <td className="num">{fmt.money(item.total_price)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {r.truncated && <p className="muted small">{t('tariffs.reportTruncated')}</p>}
    </div>
  )
}
