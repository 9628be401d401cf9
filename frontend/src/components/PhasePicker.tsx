import { useId } from 'react'
import { useAuth } from '../auth/AuthContext'
import { useI18n } from '../i18n'
import { groupedPhases } from '../lib/phases'

/** Several phases, as checkboxes grouped by chain (textile, apparel, footwear…). */
export function PhasePicker({ value, onChange, error }: { value: string[]; onChange: (codes: string[]) => void; error?: string }) {
  const { phases } = useAuth()
  const { t, locale } = useI18n()
  const id = useId()
  const toggle = (code: string) => onChange(value.includes(code) ? value.filter((c) => c !== code) : [...value, code])
  return (
    <fieldset className={`field phase-picker ${error ? 'field-invalid' : ''}`} aria-describedby={error ? `${id}-error` : `${id}-hint`}>
      <legend>
        {t('firm.phases')}
        <span className="required" aria-hidden="true"> *</span>
      </legend>
      <p className="field-hint" id={`${id}-hint`}>
        {t('firmNew.phasesHint')}
      </p>
      {groupedPhases(phases, locale).map((group) => (
        <div key={group.group} className="phase-group">
          <div className="phase-group-name">{group.group}</div>
          <div className="chips">
            {group.items.map((item) => (
              <label key={item.code} className={value.includes(item.code) ? 'chip chip-on' : 'chip'}>
                <input type="checkbox" checked={value.includes(item.code)} onChange={() => toggle(item.code)} />
                {item.name}
              </label>
            ))}
          </div>
        </div>
      ))}
      {error && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </fieldset>
  )
}
