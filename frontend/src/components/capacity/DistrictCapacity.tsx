import { useQuery } from '@tanstack/react-query'
import { keys } from '../../api/keys'
import { apiClient, data } from '../../api/typed'
import { unitCode } from '../../api/institutions'
import { useAuth } from '../../auth/AuthContext'
import { useI18n } from '../../i18n'
import { phaseName } from '../../lib/phases'
import { ErrorBanner } from '../ui'
import './capacity.css'
import { unitName } from '../../lib/units'

const MAX_WEEKS = 53

function weeksUntil(day: string): number {
  return (new Date(`${day}T12:00:00`).getTime() - Date.now()) / (7 * 86400_000)
}

/** Beside the order form: the district's free capacity for the phase and unit, week by
 *  week up to delivery, shown only where at least 3 firms stand behind a figure. */
export function DistrictCapacity({ phase, unit, quantity, until }: { phase: string; unit: string; quantity: string; until: string }) {
  const { t, fmt, locale } = useI18n()
  const { phases } = useAuth()
  const code = unitCode(unit)
  const ready = !!phase && !!code && !!until && weeksUntil(until) >= -1 && weeksUntil(until) < MAX_WEEKS
  const summary = useQuery({
    queryKey: [...keys.capacitySummary, { phase, unit: code, until }],
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/capacity/summary', { params: { query: { phase, unit: code, to: until } }, signal })),
    enabled: ready,
  })
  const title = <h3 className="subheading">{t('capacity.districtTitle')}</h3>
  if (!ready) {
    return (
      <aside className="district-capacity" aria-live="polite">
        {title}
        <p className="muted small">{t('capacity.districtPick')}</p>
      </aside>
    )
  }
  const items = summary.data?.items ?? []
  const shown = items.reduce((sum, item) => sum + (item.free === null ? 0 : Number(item.free)), 0)
  const wanted = Number(quantity.replace(',', '.'))
  return (
    <aside className="district-capacity" aria-live="polite" data-testid="district-capacity">
      {title}
      <p className="muted small">{t('capacity.districtLead', { phase: phaseName(phases, phase, locale), unit: unitName(code, locale) })}</p>
      <ErrorBanner error={summary.error} />
      {items.length > 0 && (
        <ul className="district-weeks">
          {items.map((item) => (
            <li key={item.week}>
              <span>{t('capacity.weekOf', { week: item.week.slice(6) })}</span>
              <span className={item.free === null ? 'muted' : 'strong'}>{item.free === null ? t('capacity.districtHidden') : `${fmt.number(item.free)} ${code}`}</span>
            </li>
          ))}
        </ul>
      )}
      {shown > 0 && wanted > 0 && (
        <p className={shown >= wanted ? 'small' : 'small warn-text'}>
          {t(shown >= wanted ? 'capacity.districtEnough' : 'capacity.districtShort', { free: fmt.number(shown), unit: unitName(code, locale) })}
        </p>
      )}
      <p className="muted small">{t('capacity.districtNote')}</p>
    </aside>
  )
}
