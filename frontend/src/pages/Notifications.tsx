import { Link } from 'react-router-dom'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { apiClient, data } from '../api/typed'
import { useAuth } from '../auth/AuthContext'
import { Empty, ErrorBanner, Loading, PageHeader } from '../components/ui'
import { useI18n } from '../i18n'
import { describeEvent } from '../live/describe'
import { useLive, useLiveEvents } from '../live/LiveContext'

export function NotificationsPage() {
  const { t, fmt } = useI18n()
  const { me } = useAuth()
  const { refreshUnread } = useLive()
  const queryClient = useQueryClient()
  const query = useQuery({
    queryKey: ['notifications'],
    queryFn: () => data(apiClient.GET('/api/v1/notifications', { params: { query: { limit: 50 } } })),
  })
  const list = { data: query.data, error: query.error, reload: () => void queryClient.invalidateQueries({ queryKey: ['notifications'] }) }
  useLiveEvents('*', () => list.reload())
  const myFirms = me?.memberships.map((m) => m.firm_id) ?? []
  const markRead = async (body: { ids: number[] } | { all: true }) => {
    await apiClient.POST('/api/v1/notifications/read', { body }).catch(() => undefined)
    list.reload()
    refreshUnread()
  }
  const unread = list.data?.items.filter((n) => !n.read) ?? []
  return (
    <div className="narrow">
      <PageHeader
        title={t('notifications.title')}
        actions={
          <>
            <Link className="btn btn-ghost" to="/settings/notifications">
              {t('nav.mailSettings')}
            </Link>
            {unread.length > 0 && (
              <button type="button" className="btn btn-secondary" onClick={() => void markRead({ all: true })}>
                {t('notifications.markAll')}
              </button>
            )}
          </>
        }
      />
      <ErrorBanner error={list.error} onRetry={list.reload} />
      {!list.data && !list.error && <Loading />}
      {list.data?.items.length === 0 && <Empty title={t('notifications.empty')}>{t('notifications.emptyText')}</Empty>}
      <ul className="notifications">
        {list.data?.items.map((n) => {
          const d = describeEvent(n.type, n.data, t, myFirms, n.title)
          return (
            <li key={n.id} className={n.read ? 'notification' : 'notification unread'}>
              <span className={`dot dot-${d.tone}`} aria-hidden="true" />
              <div className="notification-text">
                {d.link ? (
                  <Link to={d.link} onClick={() => !n.read && void markRead({ ids: [n.id] })}>
                    {d.title}
                  </Link>
                ) : (
                  <strong>{d.title}</strong>
                )}
                {d.body && <span className="muted"> — {d.body}</span>}
                <div className="muted small">
                  {fmt.relative(n.created_at)}
                  {!n.read && <span className="sr-only"> ({t('notifications.unread')})</span>}
                </div>
              </div>
              {!n.read && (
                <button type="button" className="btn btn-ghost btn-small" onClick={() => void markRead({ ids: [n.id] })}>
                  {t('notifications.markRead')}
                </button>
              )}
            </li>
          )
        })}
      </ul>
    </div>
  )
}
