import { useQuery } from '@tanstack/react-query'
import { useEffect, useId, useState } from 'react'
import { apiClient, data } from '../api/typed'
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
  // The directory is asked once typing pauses, not at every key.
  const [searched, setSearched] = useState('')
  useEffect(() => {
    const timer = window.setTimeout(() => setSearched(q.trim()), 250)
    return () => window.clearTimeout(timer)
  }, [q])
  const found = useQuery({
    queryKey: ['firms', 'picker', searched],
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/firms', { params: { query: { q: searched, limit: 8 } }, signal })),
    enabled: searched.length >= 2 && q.trim().length >= 2,
  })
  const results = q.trim().length >= 2 ? (found.data?.items ?? []) : []
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
