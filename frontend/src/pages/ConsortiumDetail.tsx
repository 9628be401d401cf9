import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { Link, useParams, useSearchParams } from 'react-router-dom'
import type { components } from '../api/schema'
import { apiClient, data } from '../api/typed'
import type { ConsortiumDetail } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { SelectField, TextArea, TextField } from '../components/Field'
import { Card, Empty, ErrorBanner, Loading, Notice, PageHeader, StatusBadge, Tabs } from '../components/ui'
import { useForm, type Errors } from '../hooks/useForm'
import { useI18n, type MessageKey } from '../i18n'
import { phaseName } from '../lib/phases'
import { useLiveEvents } from '../live/LiveContext'
import { checkNumber } from '../trade/fields'
import { ConfidiPanel } from '../components/guarantees/ConfidiPanel'
import { keys, load } from './workplaces/queries'

type CostSplit = components['schemas']['CostSplit']

/** Refetches the consortium and everything under its key (fairs, campaigns, courses). */
function useReload(consortiumId: number): () => void {
  const queryClient = useQueryClient()
  return () => void queryClient.invalidateQueries({ queryKey: keys.consortium(consortiumId) })
}

type Tab = 'members' | 'fairs' | 'campaigns' | 'courses' | 'guarantees'

export function ConsortiumDetailPage() {
  const { id } = useParams()
  const consortiumId = Number(id)
  const { t } = useI18n()
  const [params, setParams] = useSearchParams()
  const tab = (params.get('tab') ?? 'members') as Tab
  // The same cache entry as the secretary's desk: a request approved there shows here.
  const consortium = useQuery({ queryKey: keys.consortium(consortiumId), queryFn: () => load.consortium(consortiumId) })
  const reload = useReload(consortiumId)
  useLiveEvents(['membership.approved', 'trade_fair.created', 'course.created'], reload)
  if (consortium.error) return <ErrorBanner error={consortium.error} onRetry={reload} />
  if (!consortium.data) return <Loading />
  const c = consortium.data
  const manager = c.viewer_role === 'manager'
  return (
    <div>
      <PageHeader
        title={c.name}
        subtitle={
          <>
            <span className={`kind-tag kind-${c.kind}`}>{t(`kind.${c.kind}` as MessageKey)}</span> {t('consortia.members', { n: c.member_count })}
          </>
        }
        back={{ to: '/consortia', label: t('nav.consortia') }}
      />
      {c.description && <p className="prose lead">{c.description}</p>}
      <JoinPanel consortium={c} onChanged={reload} />
      <Tabs<Tab>
        label={t('consortia.sections')}
        current={tab}
        onChange={(next) => setParams({ tab: next }, { replace: true })}
        tabs={[
          { id: 'members', label: t('consortia.tabMembers'), count: c.members.length },
          { id: 'fairs', label: t('consortia.tabFairs') },
          { id: 'campaigns', label: t('consortia.tabCampaigns') },
          { id: 'courses', label: t('consortia.tabCourses') },
          ...(c.kind === 'credit_guarantee' ? [{ id: 'guarantees' as const, label: t('confidi.title') }] : []),
        ]}
      />
      <div className="tab-panel" role="tabpanel">
        {tab === 'members' && <Members consortium={c} manager={manager} onChanged={reload} />}
        {tab === 'fairs' && <Fairs consortiumId={c.id} manager={manager} />}
        {tab === 'campaigns' && <Campaigns consortiumId={c.id} manager={manager} />}
        {tab === 'courses' && <Courses consortiumId={c.id} manager={manager} />}
        {tab === 'guarantees' && <ConfidiPanel consortiumId={c.id} manager={manager} member={c.viewer_role === 'member'} />}
      </div>
    </div>
  )
}

function JoinPanel({ consortium: c, onChanged }: { consortium: ConsortiumDetail; onChanged: () => void }) {
  const { t } = useI18n()
  const { me, firmId, role } = useAuth()
  const [error, setError] = useState<unknown>(null)
  const [sent, setSent] = useState(false)
  if (!me || !firmId) return null
  const mine = c.members.find((m) => m.firm_id === firmId) ?? c.pending?.find((m) => m.firm_id === firmId)
  const firmName = me.memberships.find((m) => m.firm_id === firmId)?.firm_name ?? ''
  if (mine?.status === 'active') return <Notice tone="success">{t('consortia.yourFirmMember', { firm: firmName })}</Notice>
  if (mine?.status === 'pending' || sent) return <Notice>{t('consortia.requestPending', { firm: firmName })}</Notice>
  if (role !== 'owner') return null
  const request = async () => {
    try {
      await apiClient.POST('/api/v1/consortia/{consortium_id}/members', { params: { path: { consortium_id: c.id } }, body: { firm_id: firmId } })
      setSent(true)
      onChanged()
    } catch (failure) {
      setError(failure)
    }
  }
  return (
    <div className="callout">
      <p>{t('consortia.joinLead', { firm: firmName })}</p>
      <ErrorBanner error={error} />
      <button type="button" className="btn btn-primary" onClick={() => void request()}>
        {t('consortia.join')}
      </button>
    </div>
  )
}

function Members({ consortium: c, manager, onChanged }: { consortium: ConsortiumDetail; manager: boolean; onChanged: () => void }) {
  const { t, fmt, locale } = useI18n()
  const { phases } = useAuth()
  const [error, setError] = useState<unknown>(null)
  const decide = async (firmId: number, decision: 'approve' | 'reject') => {
    try {
      const params = { path: { consortium_id: c.id, firm_id: firmId } }
      if (decision === 'approve') await apiClient.POST('/api/v1/consortia/{consortium_id}/members/{firm_id}/approve', { params })
      else await apiClient.POST('/api/v1/consortia/{consortium_id}/members/{firm_id}/reject', { params })
      onChanged()
    } catch (failure) {
      setError(failure)
    }
  }
  return (
    <>
      <ErrorBanner error={error} />
      {manager && c.pending && c.pending.length > 0 && (
        <Card title={t('consortia.pending', { n: c.pending.length })}>
          <ul className="plain-list">
            {c.pending.map((m) => (
              <li key={m.firm_id} className="row-between">
                <span>
                  <Link to={`/firms/${m.firm_id}`}>{m.firm_name}</Link> <span className="muted small">{m.region} · {fmt.date(m.requested_at)}</span>
                </span>
                <span className="button-row">
                  <button type="button" className="btn btn-primary btn-small" onClick={() => void decide(m.firm_id, 'approve')}>
                    {t('consortia.approve')}
                  </button>
                  <button type="button" className="btn btn-ghost btn-small" onClick={() => void decide(m.firm_id, 'reject')}>
                    {t('consortia.reject')}
                  </button>
                </span>
              </li>
            ))}
          </ul>
        </Card>
      )}
      {c.members.length === 0 ? (
        <Empty title={t('consortia.noMembers')} />
      ) : (
        <ul className="firm-grid">
          {c.members.map((m) => (
            <li key={m.firm_id} className="firm-card">
              <h2 className="item-heading">
                <Link to={`/firms/${m.firm_id}`}>{m.firm_name}</Link> {m.verified && <span className="verified">✓</span>}
              </h2>
              <p className="muted small">
                {m.region}
                {m.province ? ` (${m.province})` : ''}
              </p>
              <div className="chips">
                {m.phases.slice(0, 4).map((code) => (
                  <span key={code} className="phase-tag">
                    {phaseName(phases, code, locale)}
                  </span>
                ))}
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  )
}

function Fairs({ consortiumId, manager }: { consortiumId: number; manager: boolean }) {
  const { t, fmt } = useI18n()
  const [creating, setCreating] = useState(false)
  const fairs = useQuery({ queryKey: keys.fairs(consortiumId), queryFn: () => load.fairs(consortiumId), select: (page) => page.items })
  const reload = useReload(consortiumId)
  return (
    <>
      {manager && (
        <div className="toolbar">
          <button type="button" className="btn btn-secondary" onClick={() => setCreating((v) => !v)} aria-expanded={creating}>
            {t('fair.new')}
          </button>
        </div>
      )}
      {creating && <NewFair consortiumId={consortiumId} onDone={() => { setCreating(false); reload() }} />}
      <ErrorBanner error={fairs.error} onRetry={reload} />
      {fairs.data?.length === 0 && <Empty title={t('fair.none')} />}
      <ul className="event-list">
        {fairs.data?.map((fair) => (
          <li key={fair.id} className="event-card">
            <div className="event-date" aria-hidden="true">
              <span>{fmt.date(fair.starts_on)}</span>
            </div>
            <div>
              <h2 className="item-heading">
                <Link to={`/trade-fairs/${fair.id}`}>{fair.name}</Link>
              </h2>
              <p className="muted small">
                {fair.venue}, {fair.city} · {fmt.date(fair.starts_on)} – {fmt.date(fair.ends_on)}
              </p>
              <p className="small">
                {t('fair.places', { taken: fair.participant_count, max: fair.max_firms })} · {t('fair.deadlineOn', { date: fmt.dateTime(fair.signup_deadline) })}{' '}
                {fair.signups_open ? <StatusBadge status="open" /> : <StatusBadge status="closed" />}
              </p>
            </div>
          </li>
        ))}
      </ul>
    </>
  )
}

function dateTimeIso(local: string): string {
  return new Date(local).toISOString()
}

function NewFair({ consortiumId, onDone }: { consortiumId: number; onDone: () => void }) {
  const { t, locale } = useI18n()
  const form = useForm({
    name: '',
    venue: '',
    city: '',
    country: 'Italia',
    starts_on: '',
    ends_on: '',
    signup_deadline: '',
    total_cost: '',
    booth_area_m2: '',
    cost_split: 'equal' as CostSplit,
    max_firms: '10',
  })
  const v = form.values
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const ok = await form.submit(
      async () => {
        await apiClient.POST('/api/v1/consortia/{consortium_id}/trade-fairs', {
          params: { path: { consortium_id: consortiumId } },
          body: {
            ...v,
            signup_deadline: v.signup_deadline ? dateTimeIso(v.signup_deadline) : '',
            // The check below refuses the form before this runs unless both parse.
            total_cost: checkNumber(v.total_cost, t, locale, 2).value!,
            booth_area_m2: checkNumber(v.booth_area_m2, t, locale, 2).value!,
            max_firms: Number(v.max_firms),
          },
        })
      },
      () => {
        const errors: Errors<typeof v> = {}
        for (const key of ['name', 'venue', 'city', 'starts_on', 'ends_on', 'signup_deadline'] as const) if (!v[key].trim()) errors[key] = t('form.required')
        if (v.starts_on && v.ends_on && v.ends_on < v.starts_on) errors.ends_on = t('fair.endsBeforeStart')
        if (v.signup_deadline && v.starts_on && v.signup_deadline.slice(0, 10) >= v.starts_on) errors.signup_deadline = t('fair.deadlineAfterStart')
        // "18.500,00" in Italian is eighteen thousand five hundred (issue 17, defect 2).
        const cost = checkNumber(v.total_cost, t, locale, 2)
        if (cost.error) errors.total_cost = cost.error
        const area = checkNumber(v.booth_area_m2, t, locale, 2)
        if (area.error) errors.booth_area_m2 = area.error
        if (!(Number(v.max_firms) >= 1)) errors.max_firms = t('orderNew.quantityPositive')
        return errors
      },
    )
    if (ok) onDone()
  }
  return (
    <Card title={t('fair.new')}>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorBanner message={form.banner} />
        <TextField label={t('fair.name')} required value={v.name} onChange={(e) => form.set('name', e.target.value)} error={form.errors.name} />
        <div className="row-3">
          <TextField label={t('fair.venue')} required value={v.venue} onChange={(e) => form.set('venue', e.target.value)} error={form.errors.venue} />
          <TextField label={t('fair.city')} required value={v.city} onChange={(e) => form.set('city', e.target.value)} error={form.errors.city} />
          <TextField label={t('fair.country')} required value={v.country} onChange={(e) => form.set('country', e.target.value)} error={form.errors.country} />
        </div>
        <div className="row-3">
          <TextField label={t('fair.startsOn')} type="date" required value={v.starts_on} onChange={(e) => form.set('starts_on', e.target.value)} error={form.errors.starts_on} />
          <TextField label={t('fair.endsOn')} type="date" required value={v.ends_on} onChange={(e) => form.set('ends_on', e.target.value)} error={form.errors.ends_on} />
          <TextField label={t('fair.deadline')} type="datetime-local" required value={v.signup_deadline} onChange={(e) => form.set('signup_deadline', e.target.value)} error={form.errors.signup_deadline} />
        </div>
        <div className="row-3">
          <TextField label={t('fair.totalCost')} inputMode="decimal" required value={v.total_cost} onChange={(e) => form.set('total_cost', e.target.value)} error={form.errors.total_cost} />
          <TextField label={t('fair.boothArea')} inputMode="decimal" required value={v.booth_area_m2} onChange={(e) => form.set('booth_area_m2', e.target.value)} error={form.errors.booth_area_m2} />
          <TextField label={t('fair.maxFirms')} inputMode="numeric" required value={v.max_firms} onChange={(e) => form.set('max_firms', e.target.value)} error={form.errors.max_firms} />
        </div>
        <SelectField
          label={t('fair.costSplit')}
          value={v.cost_split}
          // The select offers only the two splits, so its value is one of them.
          onChange={(e) => form.set('cost_split', e.target.value as CostSplit)}
          options={[
            { value: 'equal', label: t('fair.splitEqual') },
            { value: 'by_area', label: t('fair.splitArea') },
          ]}
          error={form.errors.cost_split}
        />
        <button type="submit" className="btn btn-primary" disabled={form.busy}>
          {t('fair.create')}
        </button>
      </form>
    </Card>
  )
}

function Campaigns({ consortiumId, manager }: { consortiumId: number; manager: boolean }) {
  const { t, fmt, locale } = useI18n()
  const [creating, setCreating] = useState(false)
  const campaigns = useQuery({
    queryKey: [...keys.consortium(consortiumId), 'campaigns'],
    queryFn: () => data(apiClient.GET('/api/v1/consortia/{consortium_id}/campaigns', { params: { path: { consortium_id: consortiumId }, query: { limit: 50 } } })),
    select: (page) => page.items,
  })
  const reload = useReload(consortiumId)
  const form = useForm({ title: '', description: '', budget: '', starts_on: '', ends_on: '' })
  const v = form.values
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const ok = await form.submit(
      async () => {
        await apiClient.POST('/api/v1/consortia/{consortium_id}/campaigns', {
          params: { path: { consortium_id: consortiumId } },
          // The check below refuses the form before this runs unless the budget parses.
          body: { ...v, budget: checkNumber(v.budget, t, locale, 2).value! },
        })
      },
      () => ({
        ...(v.title.trim() ? {} : { title: t('form.required') }),
        ...(checkNumber(v.budget, t, locale, 2).error ? { budget: checkNumber(v.budget, t, locale, 2).error } : {}),
        ...(v.starts_on ? {} : { starts_on: t('form.required') }),
        ...(v.ends_on && v.ends_on >= v.starts_on ? {} : { ends_on: t('fair.endsBeforeStart') }),
      }),
    )
    if (ok) {
      setCreating(false)
      reload()
    }
  }
  return (
    <>
      {manager && (
        <div className="toolbar">
          <button type="button" className="btn btn-secondary" onClick={() => setCreating((x) => !x)} aria-expanded={creating}>
            {t('campaign.new')}
          </button>
        </div>
      )}
      {creating && (
        <Card title={t('campaign.new')}>
          <form className="form" onSubmit={submit} noValidate>
            <ErrorBanner message={form.banner} />
            <TextField label={t('campaign.title')} required value={v.title} onChange={(e) => form.set('title', e.target.value)} error={form.errors.title} />
            <TextArea label={t('firm.description')} rows={3} value={v.description} onChange={(e) => form.set('description', e.target.value)} error={form.errors.description} />
            <div className="row-3">
              <TextField label={t('campaign.budget')} inputMode="decimal" required value={v.budget} onChange={(e) => form.set('budget', e.target.value)} error={form.errors.budget} />
              <TextField label={t('fair.startsOn')} type="date" required value={v.starts_on} onChange={(e) => form.set('starts_on', e.target.value)} error={form.errors.starts_on} />
              <TextField label={t('fair.endsOn')} type="date" required value={v.ends_on} onChange={(e) => form.set('ends_on', e.target.value)} error={form.errors.ends_on} />
            </div>
            <button type="submit" className="btn btn-primary" disabled={form.busy}>
              {t('campaign.create')}
            </button>
          </form>
        </Card>
      )}
      <ErrorBanner error={campaigns.error} onRetry={reload} />
      {campaigns.data?.length === 0 && <Empty title={t('campaign.none')} />}
      <ul className="event-list">
        {campaigns.data?.map((campaign) => (
          <li key={campaign.id} className="event-card">
            <div>
              <h2 className="item-heading">
                <Link to={`/campaigns/${campaign.id}`}>{campaign.title}</Link>
              </h2>
              <p className="muted small">
                {fmt.date(campaign.starts_on)} – {fmt.date(campaign.ends_on)} · {t('campaign.budget')}: {fmt.money(campaign.budget)} · {t('campaign.firms', { n: campaign.participant_count })}
              </p>
            </div>
          </li>
        ))}
      </ul>
    </>
  )
}

interface SessionDraft {
  starts_at: string
  ends_at: string
  location: string
}

function Courses({ consortiumId, manager }: { consortiumId: number; manager: boolean }) {
  const { t, fmt } = useI18n()
  const [creating, setCreating] = useState(false)
  const courses = useQuery({ queryKey: keys.courses(consortiumId), queryFn: () => load.courses(consortiumId), select: (page) => page.items })
  const reload = useReload(consortiumId)
  const form = useForm({ title: '', description: '', capacity: '12', enrol_deadline: '', sessions: [{ starts_at: '', ends_at: '', location: '' }] as SessionDraft[] })
  const v = form.values
  const setSession = (index: number, changes: Partial<SessionDraft>) =>
    form.set(
      'sessions',
      v.sessions.map((s, i) => (i === index ? { ...s, ...changes } : s)),
    )
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const ok = await form.submit(
      async () => {
        await apiClient.POST('/api/v1/consortia/{consortium_id}/courses', {
          params: { path: { consortium_id: consortiumId } },
          body: {
            title: v.title,
            description: v.description,
            capacity: Number(v.capacity),
            enrol_deadline: v.enrol_deadline ? dateTimeIso(v.enrol_deadline) : '',
            sessions: v.sessions.map((s) => ({ location: s.location, starts_at: s.starts_at ? dateTimeIso(s.starts_at) : '', ends_at: s.ends_at ? dateTimeIso(s.ends_at) : '' })),
          },
        })
      },
      () => {
        const errors: Record<string, string> = {}
        if (!v.title.trim()) errors.title = t('form.required')
        if (!(Number(v.capacity) >= 1)) errors.capacity = t('orderNew.quantityPositive')
        if (!v.enrol_deadline) errors.enrol_deadline = t('form.required')
        v.sessions.forEach((s, i) => {
          if (!s.starts_at) errors[`sessions.${i}.starts_at`] = t('form.required')
          if (!s.ends_at || s.ends_at <= s.starts_at) errors[`sessions.${i}.ends_at`] = t('course.endAfterStart')
          if (!s.location.trim()) errors[`sessions.${i}.location`] = t('form.required')
        })
        return errors
      },
    )
    if (ok) {
      setCreating(false)
      reload()
    }
  }
  const errors = form.errors as Record<string, string | undefined>
  return (
    <>
      {manager && (
        <div className="toolbar">
          <button type="button" className="btn btn-secondary" onClick={() => setCreating((x) => !x)} aria-expanded={creating}>
            {t('course.new')}
          </button>
        </div>
      )}
      {creating && (
        <Card title={t('course.new')}>
          <form className="form" onSubmit={submit} noValidate>
            <ErrorBanner message={form.banner} />
            <TextField label={t('course.title')} required value={v.title} onChange={(e) => form.set('title', e.target.value)} error={form.errors.title} />
            <TextArea label={t('firm.description')} rows={3} value={v.description} onChange={(e) => form.set('description', e.target.value)} error={form.errors.description} />
            <div className="row-2">
              <TextField label={t('course.capacity')} inputMode="numeric" required value={v.capacity} onChange={(e) => form.set('capacity', e.target.value)} error={form.errors.capacity} />
              <TextField label={t('course.deadline')} type="datetime-local" required value={v.enrol_deadline} onChange={(e) => form.set('enrol_deadline', e.target.value)} error={form.errors.enrol_deadline} />
            </div>
            <fieldset className="field">
              <legend>{t('course.sessions')}</legend>
              {v.sessions.map((s, i) => (
                <div key={i} className="row-3 session-row">
                  <TextField label={t('course.startsAt', { n: i + 1 })} type="datetime-local" value={s.starts_at} onChange={(e) => setSession(i, { starts_at: e.target.value })} error={errors[`sessions.${i}.starts_at`]} />
                  <TextField label={t('course.endsAt')} type="datetime-local" value={s.ends_at} onChange={(e) => setSession(i, { ends_at: e.target.value })} error={errors[`sessions.${i}.ends_at`]} />
                  <TextField label={t('course.location')} value={s.location} onChange={(e) => setSession(i, { location: e.target.value })} error={errors[`sessions.${i}.location`]} />
                </div>
              ))}
              <div className="button-row">
                <button type="button" className="btn btn-ghost btn-small" onClick={() => form.set('sessions', [...v.sessions, { starts_at: '', ends_at: '', location: v.sessions.at(-1)?.location ?? '' }])}>
                  {t('course.addSession')}
                </button>
                {v.sessions.length > 1 && (
                  <button type="button" className="btn btn-ghost btn-small" onClick={() => form.set('sessions', v.sessions.slice(0, -1))}>
                    {t('course.removeSession')}
                  </button>
                )}
              </div>
            </fieldset>
            <button type="submit" className="btn btn-primary" disabled={form.busy}>
              {t('course.create')}
            </button>
          </form>
        </Card>
      )}
      <ErrorBanner error={courses.error} onRetry={reload} />
      {courses.data?.length === 0 && <Empty title={t('course.none')} />}
      <ul className="event-list">
        {courses.data?.map((course) => (
          <li key={course.id} className="event-card">
            <div>
              <h2 className="item-heading">
                <Link to={`/courses/${course.id}`}>{course.title}</Link>
              </h2>
              <p className="muted small">
                {course.sessions[0] ? fmt.dateTime(course.sessions[0].starts_at) : ''} · {t('course.seatsFree', { free: course.seats_free, capacity: course.capacity })}
                {course.waitlist_length > 0 && ` · ${t('course.waitlistLength', { n: course.waitlist_length })}`}
              </p>
            </div>
          </li>
        ))}
      </ul>
    </>
  )
}
