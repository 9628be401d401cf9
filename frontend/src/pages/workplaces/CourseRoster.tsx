// The roster a consortium's secretary keeps for a course: who is enrolled (with a
// checkbox per session for attendance), the waiting list in its order, and the exports.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Link } from 'react-router-dom'
import type { Course, Enrolment } from '../../api/types'
import { apiClient } from '../../api/typed'
import { Card, ErrorBanner, Loading } from '../../components/ui'
import { useI18n } from '../../i18n'
import { ExportButton } from './ExportButton'
import { keys, load } from './queries'

export function CourseRoster({ course }: { course: Course }) {
  const { t } = useI18n()
  const queryClient = useQueryClient()
  const roster = useQuery({ queryKey: keys.roster(course.id), queryFn: () => load.roster(course.id) })
  const mark = useMutation({
    mutationFn: ({ enrolment, index, present }: { enrolment: Enrolment; index: number; present: boolean }) =>
      apiClient.POST('/api/v1/enrolments/{enrolment_id}/attendance', {
        params: { path: { enrolment_id: enrolment.id } },
        body: { session_index: index, present },
      }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.roster(course.id) }),
  })
  const all = roster.data?.items ?? []
  const enrolled = all.filter((e) => e.status === 'enrolled')
  const waiting = all.filter((e) => e.status === 'waitlisted').sort((a, b) => (a.waitlist_position ?? 0) - (b.waitlist_position ?? 0))
  const present = (e: Enrolment, index: number) => e.attendance.some((a) => a.session_index === index && a.present)
  return (
    <Card
      title={t('secretary.roster')}
      actions={
        <div className="button-row">
          <ExportButton path={`/courses/${course.id}/attendance.csv`} filename={`corso-${course.id}-presenze.csv`} label={t('secretary.attendanceCsv')} />
        </div>
      }
    >
      <ErrorBanner error={roster.error ?? mark.error} />
      {roster.isPending && <Loading />}
      {roster.data && all.length === 0 && <p className="muted">{t('secretary.rosterEmpty')}</p>}
      {enrolled.length > 0 && (
        <div className="table-wrap">
          <table className="table compact" data-testid="course-roster">
            <caption>{t('secretary.enrolled', { n: enrolled.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('secretary.participant')}</th>
                <th scope="col">{t('secretary.firm')}</th>
                {course.sessions.map((s, index) => (
                  <th key={s.id} scope="col" className="num">
                    {t('secretary.session', { n: index + 1 })}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {enrolled.map((e) => (
                <tr key={e.id}>
                  <th scope="row">
                    {e.participant_name}
                    <div className="muted small roster-email">{e.participant_email}</div>
                  </th>
                  <td>
                    <Link to={`/firms/${e.firm_id}`}>{e.firm_name}</Link>
                  </td>
                  {course.sessions.map((s, index) => (
                    <td key={s.id} className="num">
                      <input
                        type="checkbox"
                        checked={present(e, index)}
                        disabled={mark.isPending}
                        aria-label={t('secretary.presentAt', { name: e.participant_name, n: index + 1 })}
                        onChange={(event) => mark.mutate({ enrolment: e, index, present: event.target.checked })}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {waiting.length > 0 && (
        <>
          <h3>{t('secretary.waitlistOrder')}</h3>
          <ol className="waitlist" data-testid="course-waitlist">
            {waiting.map((e) => (
              <li key={e.id}>
                <strong>{e.participant_name}</strong> <span className="muted small">· {e.firm_name}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </Card>
  )
}
