import { useEffect, useId, useState } from 'react'
import { api } from '../api/client'
import type { Firm, Page } from '../api/types'
import { useI18n } from '../i18n'

/** Pick several firms from the directory by name (for invitations). */
export function FirmPicker({
  value,
  onChange,
  excludeIds = [],
  label,
  error,
}: {
  value: { id: number; name: string }[]
  onChange: (firms: { id: number; name: string }[]) => void
  excludeIds?: number[]
  label: string
  error?: string
}) {
  const { t } = useI18n()
  const id = useId()
  const [q, setQ] = useState('')
  const [results, setResults] = useState<Firm[]>([])
  useEffect(() => {
    if (q.trim().length < 2) {
      setResults([])
      return
    }
    const controller = new AbortController()
    const timer = window.setTimeout(() => {
      api.get<Page<Firm>>('/firms', { q: q.trim(), limit: 8 }, controller.signal).then(
        (page) => setResults(page.items),
        () => undefined,
      )
    }, 250)
    return () => {
      window.clearTimeout(timer)
      controller.abort()
    }
  }, [q])
  const chosen = new Set(value.map((f) => f.id))
  const options = results.filter((f) => !chosen.has(f.id) && !excludeIds.includes(f.id))
  return (
    <div className={`field ${error ? 'field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {value.length > 0 && (
        <ul className="chips" aria-label={t('firmPicker.chosen')}>
          {value.map((firm) => (
            <li key={firm.id} className="chip chip-on">
              {firm.name}
              <button type="button" className="chip-remove" aria-label={t('firmPicker.remove', { name: firm.name })} onClick={() => onChange(value.filter((f) => f.id !== firm.id))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <input id={id} type="search" value={q} placeholder={t('firmPicker.placeholder')} onChange={(e) => setQ(e.target.value)} aria-describedby={error ? `${id}-error` : undefined} />
      {options.length > 0 && (
        <ul className="picker-results">
          {options.map((firm) => (
            <li key={firm.id}>
              <button
                type="button"
                className="picker-option"
                onClick={() => {
                  onChange([...value, { id: firm.id, name: firm.name }])
                  setQ('')
                }}
              >
                <strong>{firm.name}</strong> <span className="muted">{firm.region}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  )
}
