// The pages of a consortium's activities: trade fairs, campaigns, courses.

import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { Link, useParams } from 'react-router-dom'
import { api } from '../api/client'
import { apiClient, data } from '../api/typed'
import type { Enrolment } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { TextField } from '../components/Field'
import { Card, Empty, ErrorBanner, Loading, Notice, PageHeader, Stat, StatusBadge } from '../components/ui'
import { useForm } from '../hooks/useForm'
import { useI18n } from '../i18n'
import { useLiveEvents } from '../live/LiveContext'
import { CourseEditForm } from './workplaces/CourseEditForm'
import { CourseRoster } from './workplaces/CourseRoster'
import { FairManagerPanel } from './workplaces/FairManagerPanel'

type Shared = { kind: 'trade-fair' | 'campaign'; id: number; participants: number }

function loadCosts({ kind, id }: Shared, signal: AbortSignal) {
  return kind === 'trade-fair'
    ? data(apiClient.GET('/api/v1/trade-fairs/{fair_id}/costs', { params: { path: { fair_id: id } }, signal }))
    : data(apiClient.GET('/api/v1/campaigns/{campaign_id}/costs', { params: { path: { campaign_id: id } }, signal }))
}

/** `estimated`: sign-ups are still open, so each share will shrink as firms join (the
 * first firm must not read the whole cost as its bill); `places` is the most firms. */
function CostTable({ of, total, estimated = false, places }: { of: Shared; total: string; estimated?: boolean; places?: number }) {
  const { t, fmt } = useI18n()
  // Under the fair's (campaign's) key, with the participant count: a signup refetches.
  const costs = useQuery({ queryKey: [of.kind, of.id, 'costs', of.participants], queryFn: ({ signal }) => loadCosts(of, signal) })
  if (costs.error) return <p className="muted">{t('fair.costsPrivate')}</p>
  if (!costs.data) return <Loading />
  const rows = costs.data
  if (rows.length === 0) return <p className="muted">{t('fair.noParticipants')}</p>
  const withArea = rows.some((r) => r.area_m2)
  const sum = rows.reduce((acc, row) => acc + Math.round(Number(row.share) * 100), 0) / 100
  return (
    <div className="table-wrap">
      <table className="table" data-testid="cost-table">
        <caption className="sr-only">{t('fair.costs')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('fair.firm')}</th>
            {withArea && (
              <th scope="col" className="num">
                {t('fair.area')}
              </th>
            )}
            <th scope="col" className="num">
              {estimated ? t('fair.estimatedShare') : t('fair.share')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.firm_id}>
              <th scope="row">
                <Link to={`/firms/${row.firm_id}`}>{row.firm_name}</Link>
              </th>
              {withArea && <td className="num">{row.area_m2 ? `${fmt.number(row.area_m2)} m²` : '—'}</td>}
              <td className="num">{fmt.money(row.share)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('fair.total')}</th>
            {withArea && <td />}
            <td className="num">
              <strong>{fmt.money(sum)}</strong>
              {Math.abs(sum - Number(total)) > 0.001 && <div className="muted small">{t('fair.ofTotal', { total: fmt.money(total) })}</div>}
            </td>
          </tr>
        </tfoot>
      </table>
      {estimated && places ? (
        <p className="muted small" data-testid="estimated-note">
          {t('fair.estimatedNote', { max: places, min: fmt.money(Number(total) / places) })}
        </p>
      ) : null}
    </div>
  )
}

export function TradeFairPage() {
  const { id } = useParams()
  const fairId = Number(id)
  const { t, fmt, locale } = useI18n()
  const { me, firmId, canManage } = useAuth()
  const runsIt = (consortiumId: number) => Boolean(me?.consortia.some((c) => c.consortium_id === consortiumId && c.role === 'manager'))
  const queryClient = useQueryClient()
  const fair = useQuery({
    queryKey: ['trade-fair', fairId],
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/trade-fairs/{fair_id}', { params: { path: { fair_id: fairId } }, signal })),
  })
  const reload = () => void queryClient.invalidateQueries({ queryKey: ['trade-fair', fairId] })
  const [area, setArea] = useState('')
  const [error, setError] = useState<unknown>(null)
  const [areaError, setAreaError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)
  if (fair.error) return <ErrorBanner error={fair.error} onRetry={reload} />
  if (!fair.data) return <Loading />
  const f = fair.data
  // Null only in lists; the fair's own page always carries its participants.
  const participants = f.participants ?? []
  const mine = participants.find((p) => p.firm_id === firmId)
  const full = f.participant_count >= f.max_firms
  const signUp = async (event: FormEvent, signingFirmId: number) => {
    event.preventDefault()
    setError(null)
    setAreaError(undefined)
    if (f.cost_split === 'by_area' && !(Number(area.replace(',', '.')) > 0)) {
      setAreaError(t('fair.areaNeeded'))
      return
    }
    setBusy(true)
    try {
      await apiClient.POST('/api/v1/trade-fairs/{fair_id}/participations', {
        params: { path: { fair_id: f.id } },
        body: { firm_id: signingFirmId, ...(area ? { area_m2: Number(area.replace(',', '.')) } : {}) },
      })
      reload()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  const withdraw = async (participantFirmId: number) => {
    try {
      await apiClient.DELETE('/api/v1/trade-fairs/{fair_id}/participations/{firm_id}', { params: { path: { fair_id: f.id, firm_id: participantFirmId } } })
      reload()
    } catch (failure) {
      setError(failure)
    }
  }
  return (
    <div>
      <PageHeader
        title={f.name}
        subtitle={
          <>
            {f.venue}, {f.city} ({f.country}) · {fmt.date(f.starts_on)} – {fmt.date(f.ends_on)}
          </>
        }
        back={{ to: `/consortia/${f.consortium_id}?tab=fairs`, label: f.consortium_name }}
        actions={
          <button type="button" className="btn btn-secondary" onClick={() => void api.download(`/trade-fairs/${f.id}/calendar.ics?lang=${locale}`, `fiera-${f.id}.ics`).catch(setError)}>
            {t('fair.calendar')}
          </button>
        }
      />
      <div className="stats">
        <Stat label={t('fair.totalCost')} value={fmt.money(f.total_cost)} />
        <Stat label={t('fair.boothArea')} value={`${fmt.number(f.booth_area_m2)} m²`} hint={t('fair.areaTaken', { n: fmt.number(f.area_taken_m2) })} />
        <Stat label={t('fair.firms')} value={`${f.participant_count} / ${f.max_firms}`} />
        <Stat label={t('fair.deadline')} value={fmt.dateTime(f.signup_deadline)} hint={f.signups_open ? t('fair.open') : t('fair.closed')} />
      </div>
      <div className="detail-grid">
        <div className="detail-main">
          {runsIt(f.consortium_id) && firmId ? <FairManagerPanel fair={f} onChange={reload} /> : null}
          <Card title={t('fair.costs')}>
            <p className="muted small">{f.cost_split === 'equal' ? t('fair.splitEqualHelp') : t('fair.splitAreaHelp')}</p>
            {/* Shares are the participants' and the managers' to read: others are not asked to load them (the API would refuse). */}
            {mine || runsIt(f.consortium_id) ? (
              <CostTable of={{ kind: 'trade-fair', id: f.id, participants: f.participant_count ?? 0 }} total={f.total_cost} estimated={f.signups_open} places={f.max_firms} />
            ) : (
              <p className="muted">{t('fair.costsPrivate')}</p>
            )}
          </Card>
        </div>
        <aside className="detail-side">
          <Card title={t('fair.participation')}>
            <ErrorBanner error={error} />
            {mine ? (
              <>
                <Notice tone="success">{t('fair.signedUp')}</Notice>
                {f.signups_open && canManage && (
                  <button type="button" className="btn btn-ghost" onClick={() => void withdraw(mine.firm_id)}>
                    {t('fair.withdraw')}
                  </button>
                )}
              </>
            ) : runsIt(f.consortium_id) && !firmId ? (
              <FairManagerPanel fair={f} onChange={reload} />
            ) : !me || !firmId ? (
              <p className="muted">{t('fair.signInToJoin')}</p>
            ) : !f.signups_open ? (
              <Notice>{t('fair.closedNotice')}</Notice>
            ) : full ? (
              <Notice tone="warning">{t('fair.full')}</Notice>
            ) : canManage ? (
              <form className="form" onSubmit={(event) => void signUp(event, firmId)} noValidate>
                {f.cost_split === 'by_area' && (
                  <TextField label={t('fair.yourArea')} inputMode="decimal" value={area} onChange={(e) => setArea(e.target.value)} error={areaError} hint={t('fair.areaFree', { n: fmt.number(f.booth_area_m2 - f.area_taken_m2) })} />
                )}
                <button type="submit" className="btn btn-primary" disabled={busy}>
                  {t('fair.signUp')}
                </button>
              </form>
            ) : (
              <Notice>{t('bid.needManager')}</Notice>
            )}
            <h3>{t('fair.participants')}</h3>
            {participants.length === 0 ? (
              <p className="muted">{t('fair.noParticipants')}</p>
            ) : (
              <ul className="plain-list">
                {participants.map((p) => (
                  <li key={p.firm_id}>
                    <Link to={`/firms/${p.firm_id}`}>{p.firm_name}</Link>
                    {p.area_m2 ? <span className="muted small"> · {fmt.number(p.area_m2)} m²</span> : null}
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </aside>
      </div>
    </div>
  )
}

export function CampaignPage() {
  const { id } = useParams()
  const campaignId = Number(id)
  const { t, fmt } = useI18n()
  const { firmId, canManage } = useAuth()
  const queryClient = useQueryClient()
  const campaign = useQuery({
    queryKey: ['campaign', campaignId],
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/campaigns/{campaign_id}', { params: { path: { campaign_id: campaignId } }, signal })),
  })
  const reload = () => void queryClient.invalidateQueries({ queryKey: ['campaign', campaignId] })
  const [error, setError] = useState<unknown>(null)
  if (campaign.error) return <ErrorBanner error={campaign.error} onRetry={reload} />
  if (!campaign.data) return <Loading />
  const c = campaign.data
  const joined = (c.participants ?? []).some((p) => p.firm_id === firmId)
  const toggle = async (memberFirmId: number) => {
    try {
      if (joined) await apiClient.DELETE('/api/v1/campaigns/{campaign_id}/participations/{firm_id}', { params: { path: { campaign_id: c.id, firm_id: memberFirmId } } })
      else await apiClient.POST('/api/v1/campaigns/{campaign_id}/participations', { params: { path: { campaign_id: c.id } }, body: { firm_id: memberFirmId } })
      reload()
    } catch (failure) {
      setError(failure)
    }
  }
  return (
    <div>
      <PageHeader title={c.title} subtitle={`${fmt.date(c.starts_on)} – ${fmt.date(c.ends_on)}`} back={{ to: `/consortia/${c.consortium_id}?tab=campaigns`, label: c.consortium_name }} />
      {c.description && <p className="prose lead">{c.description}</p>}
      <div className="stats">
        <Stat label={t('campaign.budget')} value={fmt.money(c.budget)} />
        <Stat label={t('fair.firms')} value={fmt.number(c.participant_count)} />
      </div>
      <ErrorBanner error={error} />
      {firmId && canManage && (
        <div className="toolbar">
          <button type="button" className={joined ? 'btn btn-ghost' : 'btn btn-primary'} onClick={() => void toggle(firmId)}>
            {joined ? t('campaign.leave') : t('campaign.join')}
          </button>
        </div>
      )}
      <Card title={t('fair.costs')}>
        <CostTable of={{ kind: 'campaign', id: c.id, participants: c.participant_count ?? 0 }} total={c.budget} />
      </Card>
    </div>
  )
}

export function CoursePage() {
  const { id } = useParams()
  const courseId = Number(id)
  const { t, fmt, locale } = useI18n()
  const { me, firmId } = useAuth()
  const [cancelling, setCancelling] = useState<number | null>(null)
  const queryClient = useQueryClient()
  const course = useQuery({
    queryKey: ['course', courseId],
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/courses/{course_id}', { params: { path: { course_id: courseId } }, signal })),
  })
  // The course and, under its key, the secretary's roster.
  const reload = () => void queryClient.invalidateQueries({ queryKey: ['course', courseId] })
  const form = useForm({ participant_name: me?.full_name ?? '', participant_email: me?.email ?? '' })
  const [error, setError] = useState<unknown>(null)
  useLiveEvents(['enrolment.promoted'], (event) => {
    if (Number(event.data.course_id) === courseId) reload()
  })
  if (course.error) return <ErrorBanner error={course.error} onRetry={reload} />
  if (!course.data) return <Loading />
  const c = course.data
  const enrol = async (event: FormEvent, enrollingFirmId: number) => {
    event.preventDefault()
    const ok = await form.submit(
      async () => {
        await apiClient.POST('/api/v1/courses/{course_id}/enrolments', { params: { path: { course_id: c.id } }, body: { firm_id: enrollingFirmId, ...form.values } })
      },
      () => ({
        ...(form.values.participant_name.trim() ? {} : { participant_name: t('form.required') }),
        ...(/^\S+@\S+\.\S+$/.test(form.values.participant_email) ? {} : { participant_email: t('auth.emailInvalid') }),
      }),
    )
    if (ok) {
      form.setValues({ participant_name: '', participant_email: '' })
      reload()
    }
  }
  const cancel = async (enrolment: Enrolment) => {
    try {
      await apiClient.DELETE('/api/v1/enrolments/{enrolment_id}', { params: { path: { enrolment_id: enrolment.id } } })
      reload()
    } catch (failure) {
      setError(failure)
    }
  }
  const live = c.my_enrolments.filter((e) => e.status !== 'cancelled')
  return (
    <div>
      <PageHeader
        title={c.title}
        back={{ to: `/consortia/${c.consortium_id}?tab=courses`, label: c.consortium_name }}
        actions={
          <button type="button" className="btn btn-secondary" onClick={() => void api.download(`/courses/${c.id}/calendar.ics?lang=${locale}`, `corso-${c.id}.ics`).catch(setError)}>
            {t('fair.calendar')}
          </button>
        }
      />
      {c.description && <p className="prose lead">{c.description}</p>}
      <div className="stats">
        <Stat label={t('course.capacity')} value={fmt.number(c.capacity)} />
        <Stat label={t('course.free')} value={fmt.number(c.seats_free)} />
        <Stat label={t('course.waitlist')} value={fmt.number(c.waitlist_length)} />
        <Stat label={t('course.deadline')} value={fmt.dateTime(c.enrol_deadline)} />
      </div>
      <ErrorBanner error={error} />
      <div className="detail-grid">
        <div className="detail-main">
          {me?.consortia.some((m) => m.consortium_id === c.consortium_id && m.role === 'manager') && (
            <>
              <CourseEditForm course={c} />
              <CourseRoster course={c} />
            </>
          )}
          <Card title={t('course.sessions')}>
            <ol className="sessions">
              {c.sessions.map((s) => (
                <li key={s.id}>
                  <strong>{fmt.dateTime(s.starts_at)}</strong> – {fmt.dateTime(s.ends_at).split(' ').slice(-1)[0]} <span className="muted">· {s.location}</span>
                </li>
              ))}
            </ol>
          </Card>
        </div>
        <aside className="detail-side">
          {firmId ? (
          <Card title={t('course.yourEnrolments')}>
            {live.length === 0 && <p className="muted">{t('course.noneYet')}</p>}
            <ul className="plain-list" data-testid="enrolments">
              {live.map((e) => (
                <li key={e.id} className="row-between">
                  <span>
                    <strong>{e.participant_name}</strong> <StatusBadge status={e.status} />
                    {e.status === 'waitlisted' && e.waitlist_position && <span className="small"> {t('course.position', { n: e.waitlist_position })}</span>}
                  </span>
                  {cancelling === e.id ? (
                    <span className="confirm-inline" role="group" aria-label={t('course.cancel')}>
                      <span className="small">{t('course.cancelConfirm', { name: e.participant_name })}</span>
                      <button type="button" className="btn btn-danger btn-small" onClick={() => void cancel(e).then(() => setCancelling(null))}>
                        {t('course.cancelYes')}
                      </button>
                      <button type="button" className="btn btn-ghost btn-small" onClick={() => setCancelling(null)}>
                        {t('course.keep')}
                      </button>
                    </span>
                  ) : (
                    <button type="button" className="btn btn-ghost btn-small" onClick={() => setCancelling(e.id)}>
                      {t('course.cancel')}
                    </button>
                  )}
                </li>
              ))}
            </ul>
            {firmId && c.enrolment_open ? (
              <form className="form" onSubmit={(event) => void enrol(event, firmId)} noValidate>
                <h3>{t('course.enrolSomeone')}</h3>
                {c.seats_free === 0 && <Notice tone="warning">{t('course.fullWaitlist')}</Notice>}
                <ErrorBanner message={form.banner} />
                <TextField label={t('course.participantName')} value={form.values.participant_name} onChange={(e) => form.set('participant_name', e.target.value)} error={form.errors.participant_name} />
                <TextField label={t('course.participantEmail')} type="email" value={form.values.participant_email} onChange={(e) => form.set('participant_email', e.target.value)} error={form.errors.participant_email} />
                <button type="submit" className="btn btn-primary" disabled={form.busy}>
                  {c.seats_free > 0 ? t('course.enrol') : t('course.joinWaitlist')}
                </button>
              </form>
            ) : (
              !c.enrolment_open && <Notice>{t('course.closed')}</Notice>
            )}
          </Card>
          ) : null}
        </aside>
      </div>
      {!me && <Empty title={t('fair.signInToJoin')} />}
    </div>
  )
}
