import { useI18n } from '../../i18n'

/** Marks a bid priced below the reference tariff's minimum (bidder and client see it). */
export function BelowTariffBadge({ below }: { below: boolean | null | undefined }) {
  const { t } = useI18n()
  if (!below) return null
  return (
    <span className="badge badge-amber" title={t('tariffs.belowBadgeHint')} data-testid="below-tariff-badge">
      {t('tariffs.belowBadge')}
    </span>
  )
}
