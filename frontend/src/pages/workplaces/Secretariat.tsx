// The consortium secretary's desk: where a person who runs consortia (often without a
// firm of their own) lands after signing in. One card per consortium: membership
// requests to approve, the fairs and courses with their exports.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { Link } from 'react-router-dom'
import { apiClient } from '../../api/typed'
import { useAuth } from '../../auth/AuthContext'
import { Empty, ErrorBanner, Loading, Notice, PageHeader, StatusBadge } from '../../components/ui'
import { useI18n } from '../../i18n'
import { ExportButton } from './ExportButton'
import { keys, load } from './queries'

export function SecretariatPage() {
  const { t } = useI18n()
  const { me } = useAuth()
  const managed = (me?.consortia ?? []).filter((c) => c.role === 'manager')
  return (
    <div>
      <PageHeader title={t('secretary.title')} subtitle={t('secretary.lead')} />
      {managed.length === 0 ? (
        <Empty title={t('secretary.none')} action={<Link className="btn btn-primary" to="/firms/new">{t('firmNew.title')}</Link>}>
          {t('secretary.noneHint')}
        </Empty>
      ) : (
        managed.map((c) => <ConsortiumDesk key={c.consortium_id} consortiumId={c.consortium_id} />)
      )}
    </div>
  )
}

function ConsortiumDesk({ consortiumId }: { consortiumId: number }) {
  const { t, fmt } = useI18n()
  const consortium = useQuery({ queryKey: keys.consortium(consortiumId), queryFn: () => load.consortium(consortiumId) })
  const fairs = useQuery({ queryKey: keys.fairs(consortiumId), queryFn: () => load.fairs(consortiumId) })
  const courses = useQuery({ queryKey: keys.courses(consortiumId), queryFn: () => load.courses(consortiumId) })
  if (consortium.error) return <ErrorBanner error={consortium.error} onRetry={() => void consortium.refetch()} />
  if (!consortium.data) return <Loading />
  const c = consortium.data
  return (
    <section className="card desk" aria-labelledby={`desk-${c.id}`} data-testid="consortium-desk">
      <div className="row-between">
        <h2 id={`desk-${c.id}`}>{c.name}</h2>
        <Link className="btn btn-secondary btn-small" to={`/consortia/${c.id}`}>
          {t('secretary.open')}
        </Link>
      </div>
      <p className="muted small">
        {t(`kind.${c.kind}` as 'kind.export')} · {t('consortia.members', { n: c.member_count })}
      </p>
      <div className="desk-grid">
        <Requests consortiumId={c.id} pending={c.pending ?? []} />
        <div>
          <h3>{t('secretary.fairs')}</h3>
          {fairs.data && fairs.data.items.length === 0 && <p className="muted">{t('fair.none')}</p>}
          <ul className="plain-list desk-list">
            {fairs.data?.items.map((fair) => (
              <li key={fair.id}>
                <Link to={`/trade-fairs/${fair.id}`}>{fair.name}</Link>{' '}
                <span className="muted small">
                  · {fmt.date(fair.starts_on)} · {fair.participant_count}/{fair.max_firms} · {fair.signups_open ? t('fair.open') : t('fair.closed')}
                </span>
                <div className="button-row">
                  <ExportButton path={`/trade-fairs/${fair.id}/participants.csv`} filename={`fiera-${fair.id}-iscritti.csv`} label={t('secretary.participantsCsv')} />
                  <ExportButton path={`/trade-fairs/${fair.id}/calendar.ics`} filename={`fiera-${fair.id}.ics`} label={t('fair.calendar')} calendar />
                </div>
              </li>
            ))}
          </ul>
          <h3>{t('secretary.courses')}</h3>
          {courses.data && courses.data.items.length === 0 && <p className="muted">{t('course.none')}</p>}
          <ul className="plain-list desk-list">
            {courses.data?.items.map((course) => (
              <li key={course.id}>
                <Link to={`/courses/${course.id}`}>{course.title}</Link>{' '}
                <span className="muted small">
                  · {t('course.seatsFree', { free: course.seats_free, capacity: course.capacity })} · {t('course.waitlistLength', { n: course.waitlist_length })}
                </span>
                <div className="button-row">
                  <ExportButton path={`/courses/${course.id}/attendance.csv`} filename={`corso-${course.id}-presenze.csv`} label={t('secretary.attendanceCsv')} />
                  <ExportButton path={`/courses/${course.id}/calendar.ics`} filename={`corso-${course.id}.ics`} label={t('fair.calendar')} calendar />
                </div>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  )
}

function Requests({ consortiumId, pending }: { consortiumId: number; pending: { firm_id: number; firm_name: string; requested_at?: string | null }[] }) {
  const { t, fmt } = useI18n()
  const queryClient = useQueryClient()
  const [done, setDone] = useState<string | null>(null)
  const decide = useMutation({
    mutationFn: async ({ firmId, approve }: { firmId: number; approve: boolean; name: string }) => {
      const params = { path: { consortium_id: consortiumId, firm_id: firmId } }
      if (approve) await apiClient.POST('/api/v1/consortia/{consortium_id}/members/{firm_id}/approve', { params })
      else await apiClient.POST('/api/v1/consortia/{consortium_id}/members/{firm_id}/reject', { params })
    },
    onSuccess: (_, { approve, name }) => {
      setDone(t(approve ? 'secretary.approved' : 'secretary.declined', { firm: name }))
      void queryClient.invalidateQueries({ queryKey: keys.consortium(consortiumId) })
    },
  })
  return (
    <div>
      <h3>
        {t('secretary.requests')} {pending.length > 0 && <span className="badge badge-amber">{pending.length}</span>}
      </h3>
      {done && <Notice tone="success">{done}</Notice>}
      <ErrorBanner error={decide.error} />
      {pending.length === 0 ? (
        <p className="muted">{t('secretary.noRequests')}</p>
      ) : (
        <ul className="plain-list desk-list" data-testid="membership-requests">
          {pending.map((p) => (
            <li key={p.firm_id} className="row-between">
              <span>
                <Link to={`/firms/${p.firm_id}`}>{p.firm_name}</Link> <StatusBadge status="pending" />
                {p.requested_at && <span className="muted small"> · {t('secretary.requestedOn', { date: fmt.date(p.requested_at) })}</span>}
              </span>
              <span className="button-row">
                <button type="button" className="btn btn-primary btn-small" disabled={decide.isPending} onClick={() => decide.mutate({ firmId: p.firm_id, approve: true, name: p.firm_name })}>
                  {t('consortia.approve')}
                </button>
                <button type="button" className="btn btn-ghost btn-small" disabled={decide.isPending} onClick={() => decide.mutate({ firmId: p.firm_id, approve: false, name: p.firm_name })}>
                  {t('consortia.reject')}
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
