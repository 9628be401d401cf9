import { useI18n } from '../../i18n'
import './capacity.css'

/** The board's "fits my capacity" filter (orders the acting firm has free capacity for). */
export function FitsCapacityToggle({ checked, onChange }: { checked: boolean; onChange: (on: boolean) => void }) {
  const { t } = useI18n()
  return (
    <label className="field field-check board-fits" title={t('capacity.fitsHint')}>
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} data-testid="fits-capacity" />
      {t('capacity.fits')}
    </label>
  )
}
