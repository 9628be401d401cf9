import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { Link, useSearchParams } from 'react-router-dom'
import { apiClient, data } from '../api/typed'
import { useAuth } from '../auth/AuthContext'
import { Empty, ErrorBanner, Loading, PageHeader, ScoreBadge, StatusBadge } from '../components/ui'
import { useI18n } from '../i18n'
import { REGIONS } from '../lib/italy'
import { groupedPhases, phaseName } from '../lib/phases'
import { RECONNECTED, useLiveEvents } from '../live/LiveContext'

export function FirmsPage() {
  const { t, locale } = useI18n()
  const { phases, me } = useAuth()
  const [params, setParams] = useSearchParams()
  const phase = params.get('phase') ?? ''
  const region = params.get('region') ?? ''
  const q = params.get('q') ?? ''
  const [text, setText] = useState(q)
  const queryClient = useQueryClient()
  const list = useInfiniteQuery({
    queryKey: ['firms', { phase, region, q }],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      data(
        apiClient.GET('/api/v1/firms', {
          params: { query: { phase: phase || undefined, region: region || undefined, q: q || undefined, limit: 24, ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  })
  const items = list.data?.pages.flatMap((page) => page.items) ?? []
  const reload = () => void queryClient.invalidateQueries({ queryKey: ['firms'] })
  // A firm verified or suspended changes its badge in the directory.
  useLiveEvents(['firm.verified', 'firm.suspended', 'firm.reinstated', RECONNECTED], reload)
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
      <ErrorBanner error={list.error} onRetry={reload} />
      {list.isPending && <Loading />}
      {list.isSuccess && items.length === 0 && <Empty title={t('firms.empty')} />}
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
      {list.hasNextPage && (
        <div className="load-more">
          <button type="button" className="btn btn-secondary" disabled={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
            {t('common.loadMore')}
          </button>
        </div>
      )}
    </div>
  )
}
