// The association's audit log as people read it: actions worded in the reader's
// language, people and firms by name (resolved by the server), links to what an entry
// is about, and filters by action and period. On a phone each entry becomes a card.
import { useInfiniteQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Link } from 'react-router-dom'
import type { AuditEntry } from '../../api/types'
import { apiClient, data } from '../../api/typed'
import { Empty, ErrorBanner, Loading } from '../../components/ui'
import { hasMessage, useI18n, type MessageKey } from '../../i18n'
import { keys } from './queries'

const ACTIONS = [
  'moderation.firm_suspended',
  'moderation.firm_reinstated',
  'moderation.suspension_expired',
  'moderation.firm_warned',
  'moderation.firm_verified',
  'moderation.content_hidden',
  'moderation.flag_resolved',
  'contract.dispute_resolved',
  'consortium.member_approved',
  'consortium.manager_added',
  'consortium.manager_removed',
  'consortium.member_removed',
  'seal.granted',
  'seal.revoked',
  'privacy.account_deleted',
  'auth.login_throttled',
  'auth.refresh_reuse',
]

function linkTo(entry: AuditEntry): string | null {
  const id = entry.target_id
  if (!id) return null
  if (entry.target_type === 'firm') return `/firms/${id}`
  if (entry.target_type === 'order') return `/orders/${id}`
  if (entry.target_type === 'contract') return `/contracts/${id}`
  if (entry.target_type === 'consortium') return `/consortia/${id}`
  return null
}

export function AuditLog() {
  const { t, fmt } = useI18n()
  const [action, setAction] = useState('')
  const [since, setSince] = useState('')
  const [until, setUntil] = useState('')
  const filters = { action, since, until }
  const log = useInfiniteQuery({
    queryKey: keys.audit(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      data(
        apiClient.GET('/api/v1/moderation/audit-log', {
          params: {
            query: {
              limit: 50,
              ...(action ? { action } : {}),
              ...(since ? { since: new Date(`${since}T00:00:00`).toISOString() } : {}),
              ...(until ? { until: new Date(`${until}T23:59:59`).toISOString() } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (page) => page.next_cursor,
  })
  const items = log.data?.pages.flatMap((page) => page.items) ?? []
  const actionLabel = (code: string) => (hasMessage(`audit.${code}`) ? t(`audit.${code}` as MessageKey) : code)
  const targetLabel = (entry: AuditEntry) => {
    if (!entry.target_type) return '—'
    const kind = hasMessage(`target.${entry.target_type}`) ? t(`target.${entry.target_type}` as MessageKey) : entry.target_type
    return entry.target_name ? `${kind}: ${entry.target_name}` : `${kind} ${entry.target_id ?? ''}`
  }
  const detailsText = (entry: AuditEntry) => {
    const parts: string[] = []
    const outcome = entry.details.outcome
    if (typeof outcome === 'string' && hasMessage(`audit.outcome.${outcome}`)) parts.push(t(`audit.outcome.${outcome}` as MessageKey))
    if (typeof entry.details.price_reduction === 'string') parts.push(`−${fmt.money(entry.details.price_reduction)}`)
    if (typeof entry.details.until === 'string') parts.push(t('staff.suspendedUntil', { date: fmt.date(entry.details.until) }))
    const names = Object.values(entry.firm_names ?? {})
    if (names.length > 0) parts.push(names.join(' → '))
    return parts.join(' · ')
  }
  return (
    <>
      <form className="filters card audit-filters" aria-label={t('staff.filters')} onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="audit-action">{t('staff.auditAction')}</label>
          <select id="audit-action" value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">{t('staff.allActions')}</option>
            {ACTIONS.map((code) => (
              <option key={code} value={code}>
                {actionLabel(code)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-since">{t('staff.since')}</label>
          <input id="audit-since" type="date" value={since} onChange={(e) => setSince(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="audit-until">{t('staff.until')}</label>
          <input id="audit-until" type="date" value={until} onChange={(e) => setUntil(e.target.value)} />
        </div>
      </form>
      <ErrorBanner error={log.error} onRetry={() => void log.refetch()} />
      {log.isPending && <Loading />}
      {log.data && items.length === 0 && <Empty title={t('staff.auditEmpty')} />}
      {items.length > 0 && (
        <div className="table-wrap card audit-wrap">
          <table className="table compact audit-table" data-testid="audit-log">
            <caption className="sr-only">{t('staff.audit')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('staff.when')}</th>
                <th scope="col">{t('staff.auditAction')}</th>
                <th scope="col">{t('staff.who')}</th>
                <th scope="col">{t('staff.target')}</th>
                <th scope="col">{t('staff.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((entry) => {
                const link = linkTo(entry)
                const details = detailsText(entry)
                return (
                  <tr key={entry.id}>
                    <td data-label={t('staff.when')}>{fmt.dateTime(entry.at)}</td>
                    <td data-label={t('staff.auditAction')}>
                      <strong>{actionLabel(entry.action)}</strong>
                      {details && <div className="muted small">{details}</div>}
                    </td>
                    <td data-label={t('staff.who')}>{entry.actor_name ?? (entry.actor_user_id ? `#${entry.actor_user_id}` : t('staff.system'))}</td>
                    <td data-label={t('staff.target')}>{link ? <Link to={link}>{targetLabel(entry)}</Link> : targetLabel(entry)}</td>
                    <td data-label={t('staff.reason')}>{entry.reason || '—'}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      {log.hasNextPage && (
        <div className="load-more">
          <button type="button" className="btn btn-secondary" disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
            {t('common.loadMore')}
          </button>
        </div>
      )}
    </>
  )
}
