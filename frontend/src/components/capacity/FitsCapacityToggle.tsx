import { useEffect, useState } from 'react'
import { useI18n } from '../../i18n'
import './capacity.css'

/** The board's "fits my capacity" filter (orders the acting firm has free capacity for). */
// The box answers the click at once: the filter lives in the address, and the router applies
// an address change a moment later (under load, long enough for the box to flick back).
export function FitsCapacityToggle({ checked, onChange }: { checked: boolean; onChange: (on: boolean) => void }) {
  const { t } = useI18n()
  const [on, setOn] = useState(checked)
  useEffect(() => setOn(checked), [checked])
  return (
    <label className="field field-check board-fits" title={t('capacity.fitsHint')}>
      <input
        type="checkbox"
        checked={on}
        onChange={(e) => {
          setOn(e.target.checked)
          onChange(e.target.checked)
        }}
        data-testid="fits-capacity"
      />
      {t('capacity.fits')}
    </label>
  )
}
