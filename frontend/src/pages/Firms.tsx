import { useState, type FormEvent } from 'react'
import { Link, useSearchParams } from 'react-router-dom'
import { api } from '../api/client'
import type { Firm, Page } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { Empty, ErrorBanner, Loading, PageHeader, ScoreBadge, StatusBadge } from '../components/ui'
import { useLoad } from '../hooks/useLoad'
import { useI18n } from '../i18n'
import { REGIONS } from '../lib/italy'
import { groupedPhases, phaseName } from '../lib/phases'

export function FirmsPage() {
  const { t, locale } = useI18n()
  const { phases, me } = useAuth()
  const [params, setParams] = useSearchParams()
  const phase = params.get('phase') ?? ''
  const region = params.get('region') ?? ''
  const q = params.get('q') ?? ''
  const [text, setText] = useState(q)
  const [extra, setExtra] = useState<{ items: Firm[]; cursor: string | null } | null>(null)
  const first = useLoad(
    (signal) => {
      setExtra(null)
      return api.get<Page<Firm>>('/firms', { phase, region, q, limit: 24 }, signal)
    },
    [phase, region, q],
  )
  const items = [...(first.data?.items ?? []), ...(extra?.items ?? [])]
  const cursor = extra ? extra.cursor : first.data?.next_cursor
  const more = async () => {
    if (!cursor) return
    const page = await api.get<Page<Firm>>('/firms', { phase, region, q, limit: 24, cursor })
    setExtra((previous) => ({ items: [...(previous?.items ?? []), ...page.items], cursor: page.next_cursor }))
  }
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params)
    if (value) next.set(name, value)
    else next.delete(name)
    setParams(next, { replace: true })
  }
  const search = (event: FormEvent) => {
    event.preventDefault()
    set('q', text.trim())
  }
  return (
    <div>
      <PageHeader
        title={t('firms.title')}
        subtitle={t('firms.lead')}
        actions={me && <Link className="btn btn-secondary" to="/firms/new">{t('firmNew.title')}</Link>}
      />
      <form className="filters card" onSubmit={search} role="search" aria-label={t('board.filters')}>
        <div className="field">
          <label htmlFor="firms-q">{t('board.search')}</label>
          <div className="input-with-button">
            <input id="firms-q" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder={t('firms.searchPlaceholder')} />
            <button type="submit" className="btn btn-secondary">
              {t('board.searchButton')}
            </button>
          </div>
        </div>
        <div className="field">
          <label htmlFor="firms-phase">{t('order.phase')}</label>
          <select id="firms-phase" value={phase} onChange={(e) => set('phase', e.target.value)}>
            <option value="">{t('board.allPhases')}</option>
            {groupedPhases(phases, locale).map((g) => (
              <optgroup key={g.group} label={g.group}>
                {g.items.map((item) => (
                  <option key={item.code} value={item.code}>
                    {item.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="firms-region">{t('order.region')}</label>
          <select id="firms-region" value={region} onChange={(e) => set('region', e.target.value)}>
            <option value="">{t('board.allRegions')}</option>
            {REGIONS.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </div>
      </form>
      <ErrorBanner error={first.error} onRetry={first.reload} />
      {first.loading && !first.data && <Loading />}
      {first.data && items.length === 0 && <Empty title={t('firms.empty')} />}
      <ul className="firm-grid">
        {items.map((firm) => (
          <li key={firm.id} className="firm-card">
            <h2>
              <Link to={`/firms/${firm.id}`}>{firm.name}</Link> {firm.verified && <span className="verified" title={t('firm.verified')}>✓</span>}
            </h2>
            <p className="muted small">
              {firm.region}
              {firm.province ? ` (${firm.province})` : ''} {firm.status === 'suspended' && <StatusBadge status="suspended" />}
            </p>
            <div className="chips">
              {firm.phases.slice(0, 4).map((code) => (
                <span key={code} className="phase-tag">
                  {phaseName(phases, code, locale)}
                </span>
              ))}
            </div>
            {firm.reputation && <ScoreBadge score={firm.reputation.supplier_score} contracts={firm.reputation.supplier_contracts} />}
          </li>
        ))}
      </ul>
      {cursor && (
        <div className="load-more">
          <button type="button" className="btn btn-secondary" onClick={() => void more()}>
            {t('common.loadMore')}
          </button>
        </div>
      )}
    </div>
  )
}
