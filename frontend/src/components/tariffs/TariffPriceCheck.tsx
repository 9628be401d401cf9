import { useQuery } from '@tanstack/react-query'
import { useI18n } from '../../i18n'
import { unitCode } from '../../api/institutions'
import { keys } from '../../api/keys'
import { apiClient, data } from '../../api/typed'
import './tariffs.css'
import { unitName } from '../../lib/units'

/** Beside the bid form: the reference tariff for the order's phase and unit, and a warning
 *  while the price typed is below its minimum (the bid is then marked below tariff). */
export function TariffPriceCheck({ phase, unit, price }: { phase: string; unit: string; price: number }) {
  const { t, fmt, locale } = useI18n()
  // Tariffs change a few times a year: read once per phase, until publishing one (on the
  // tariffs page, which reads the same key) invalidates it.
  const list = useQuery({
    queryKey: keys.tariffs(phase),
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/tariffs', { params: { query: { phase } }, signal })),
    staleTime: Infinity,
  })
  const tariff = list.data?.items.find((item) => item.unit === unitCode(unit))
  if (!tariff) return null
  const below = price > 0 && price < Number(tariff.min_price)
  return (
    <div className="tariff-check">
      <p className="muted small">{t('tariffs.reference', { min: fmt.money(tariff.min_price), typical: fmt.money(tariff.typical_price), unit: unitName(unit, locale) })}</p>
      {below && (
        <div className="banner banner-warning" role="alert" data-testid="below-tariff-warning">
          <span className="banner-text">{t('tariffs.belowWarning', { price: fmt.money(tariff.min_price), unit: unitName(unit, locale) })}</span>
        </div>
      )}
    </div>
  )
}
