import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { Link, useParams } from 'react-router-dom'
import { keys, read } from '../api/keys'
import type { components } from '../api/schema'
import { apiClient, data } from '../api/typed'
import type { Reputation } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { CapacityCalendar } from '../components/capacity/CapacityCalendar'
import { LineChart, type LineSeries } from '../components/Charts'
import { SelectField, TextField } from '../components/Field'
import { ReportButton } from '../components/ReportButton'
import { Card, Empty, ErrorBanner, Loading, PageHeader, ScoreBadge, Stat, StatusBadge } from '../components/ui'
import { useForm } from '../hooks/useForm'
import { useI18n, type MessageKey } from '../i18n'
import { phaseName } from '../lib/phases'
import { useLiveEvents } from '../live/LiveContext'
import { BillingCard } from '../trade/Billing'
import { FirmInvitationsCard } from '../mail/FirmInvitations'
import { CertificationBadges, FirmCredentialsCard } from '../documents/Credentials'

export function FirmProfilePage() {
  const { id } = useParams()
  const firmId = Number(id)
  const { t, locale } = useI18n()
  const { me, phases } = useAuth()
  const queryClient = useQueryClient()
  const path = { params: { path: { firm_id: firmId } } }
  const firm = useQuery({ queryKey: keys.firm(firmId), queryFn: ({ signal }) => read.firm(firmId, signal) })
  const reputation = useQuery({
    queryKey: ['firm', firmId, 'reputation'],
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/firms/{firm_id}/reputation', { ...path, signal })),
  })
  const reload = () => void queryClient.invalidateQueries({ queryKey: keys.firm(firmId) })
  // A completed contract or a review moves the reputation; staff decisions the badges.
  useLiveEvents(['contract.updated', 'review.created', 'firm.suspended', 'firm.reinstated', 'firm.verified'], reload)
  if (firm.error) {
    return (
      <div>
        <PageHeader title={t('firm.notFound')} back={{ to: '/firms', label: t('nav.firms') }} />
        <ErrorBanner error={firm.error} onRetry={reload} />
      </div>
    )
  }
  if (!firm.data) return <Loading />
  const f = firm.data
  const membership = me?.memberships.find((m) => m.firm_id === f.id)
  return (
    <div>
      <PageHeader
        title={
          <>
            {f.name} {f.verified && <span className="verified-badge" title={t('firm.verifiedHint')}>✓ {t('firm.verified')}</span>}
          </>
        }
        subtitle={
          <>
            {f.status === 'suspended' && <StatusBadge status="suspended" />} {f.region}
            {f.province ? ` (${f.province})` : ''} · {t(`size.${f.size_class}` as MessageKey)} · {t('firm.vatShort')} {f.vat_number}
          </>
        }
        back={{ to: '/firms', label: t('nav.firms') }}
      />
      <div className={membership || me?.is_staff ? 'detail-grid' : 'detail-single'}>
        <div className="detail-main">
          <Card title={t('firm.about')}>
            <div className="chips">
              {f.phases.map((code) => (
                <span key={code} className="phase-tag">
                  {phaseName(phases, code, locale)}
                </span>
              ))}
            </div>
            <CertificationBadges badges={f.certifications ?? []} />
            {f.description ? <p className="prose">{f.description}</p> : <p className="muted">{t('firm.noDescription')}</p>}
            {!membership && <ReportButton targetType="firm" targetId={f.id} />}
          </Card>
          <ReputationSection reputation={reputation.data} error={reputation.error} />
          {me && <CapacityCalendar firmId={f.id} firmPhases={f.phases} canEdit={membership?.role === 'owner' || membership?.role === 'manager'} />}
        </div>
        <aside className="detail-side">
          {membership && <MembersCard firmId={f.id} isOwner={membership.role === 'owner'} />}
          {(membership || me?.is_staff) && <BillingCard firmId={f.id} revision={f.revision} onSaved={reload} canEdit={membership?.role === 'owner' || membership?.role === 'manager'} />}
          {membership?.role === 'owner' && <FirmInvitationsCard firmId={f.id} />}
          {(membership || me?.is_staff) && <FirmCredentialsCard firmId={f.id} canSend={membership?.role === 'owner' || membership?.role === 'manager'} />}
        </aside>
      </div>
    </div>
  )
}

const SIGNAL_LABELS: Record<string, MessageKey> = {
  on_time: 'rep.signal.on_time',
  dispute_free: 'rep.signal.dispute_free',
  delivery_accepted: 'rep.signal.delivery_accepted',
  review_quality: 'rep.reviewQuality',
  review_timeliness: 'rep.reviewTimeliness',
  review_communication: 'rep.reviewCommunication',
}

interface SignalPart {
  weight: number
  value: number | null
  district_mean: number | null
  shrunk: number | null
  points: number | null
}

interface RoleExplanation {
  contracts?: number
  on_time_rate?: number | null
  late_deliveries?: number
  rejected_deliveries?: number
  disputes_lost?: number
  review_averages?: { quality?: number | null; timeliness?: number | null; communication?: number | null; count?: number }
  signals?: Record<string, SignalPart>
}

interface FormulaFacts {
  half_life_days?: number
  prior_contracts?: number
}

/** Where a role's points come from: the facts, then each signal's share of the 100. */
function Explanation({ role, data }: { role: 'supplier' | 'client'; data: RoleExplanation }) {
  const { t, fmt } = useI18n()
  const reviews = data.review_averages
  const stars = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${fmt.number(Math.round(value * 10) / 10)} / 5`)
  const signals = Object.entries(data.signals ?? {})
  return (
    <div className="explanation">
      <h4>{t(role === 'supplier' ? 'rep.asSupplier' : 'rep.asClient')}</h4>
      <dl className="components">
        {role === 'supplier' && (
          <>
            <div>
              <dt>{t('rep.onTimeRate')}</dt>
              <dd>{fmt.percent(data.on_time_rate)}</dd>
            </div>
            <div>
              <dt>{t('rep.lateDeliveries')}</dt>
              <dd>{fmt.number(data.late_deliveries ?? 0)}</dd>
            </div>
            <div>
              <dt>{t('rep.rejectedDeliveries')}</dt>
              <dd>{fmt.number(data.rejected_deliveries ?? 0)}</dd>
            </div>
          </>
        )}
        <div>
          <dt>{t('rep.disputesLost')}</dt>
          <dd>{fmt.number(data.disputes_lost ?? 0)}</dd>
        </div>
        <div>
          <dt>{t('rep.reviewsCount', { n: reviews?.count ?? 0 })}</dt>
          <dd>
            {t('review.quality')} {stars(reviews?.quality)} · {t('review.timeliness')} {stars(reviews?.timeliness)} · {t('review.communication')} {stars(reviews?.communication)}
          </dd>
        </div>
      </dl>
      {signals.length > 0 && (
        <div className="table-wrap">
          <table className="table compact">
            <caption className="sr-only">{t('rep.pointsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('rep.signal')}</th>
                <th scope="col" className="num">{t('rep.signalWeight')}</th>
                <th scope="col" className="num">{t('rep.signalValue')}</th>
                <th scope="col" className="num">{t('rep.signalShrunk')}</th>
                <th scope="col" className="num">{t('rep.signalPoints')}</th>
              </tr>
            </thead>
            <tbody>
              {signals.map(([name, part]) => (
                <tr key={name}>
                  <th scope="row">{SIGNAL_LABELS[name] ? t(SIGNAL_LABELS[name]) : name}</th>
                  <td className="num">{fmt.percent(part.weight)}</td>
                  <td className="num">{fmt.percent(part.value)}</td>
                  <td className="num">{fmt.percent(part.shrunk)}</td>
                  <td className="num">{part.points === null ? '—' : fmt.number(Math.round(part.points * 10) / 10)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}

function ReputationSection({ reputation, error }: { reputation: Reputation | undefined; error: unknown }) {
  const { t, fmt, locale } = useI18n()
  const { phases } = useAuth()
  if (error) return <ErrorBanner error={error} />
  if (!reputation) return <Loading />
  const history = reputation.history ?? []
  const series: LineSeries[] = (['supplier', 'client'] as const)
    .map((role) => ({
      name: t(role === 'supplier' ? 'rep.asSupplier' : 'rep.asClient'),
      points: history.filter((h) => h.role === role).map((h) => ({ at: new Date(h.at).getTime(), value: h.score })),
    }))
    .filter((s) => s.points.some((p) => p.value !== null))
  const times = history.map((h) => new Date(h.at).getTime())
  const spanDays = times.length ? (Math.max(...times) - Math.min(...times)) / 86_400_000 : 0
  const byPhase = Object.entries(reputation.as_supplier.by_phase ?? {})
  const components = reputation.components as Record<string, unknown>
  const formula = (components.formula ?? {}) as FormulaFacts
  return (
    <Card title={t('rep.title')} className="reputation">
      <div className="stats" data-testid="reputation-scores">
        <Stat label={t('rep.asSupplier')} value={<ScoreBadge score={reputation.as_supplier.score} />} hint={t('reputation.contracts', { n: reputation.as_supplier.contracts })} />
        <Stat label={t('rep.asClient')} value={<ScoreBadge score={reputation.as_client.score} />} hint={t('reputation.contracts', { n: reputation.as_client.contracts })} />
      </div>
      <h3>{t('rep.overTime')}</h3>
      {series.length > 0 ? (
        <LineChart series={series} label={t('rep.chartLabel')} formatX={(at) => (spanDays < 2 ? fmt.dateTime : fmt.date)(new Date(at).toISOString())} />
      ) : (
        <Empty title={t('rep.noHistory')}>{t('rep.noHistoryText')}</Empty>
      )}
      {byPhase.length > 0 && (
        <>
          <h3>{t('rep.byPhase')}</h3>
          <table className="table compact">
            <thead>
              <tr>
                <th scope="col">{t('order.phase')}</th>
                <th scope="col">{t('rep.score')}</th>
              </tr>
            </thead>
            <tbody>
              {byPhase.map(([code, value]) => (
                <tr key={code}>
                  <th scope="row">{phaseName(phases, code, locale)}</th>
                  <td>
                    <ScoreBadge score={value.score} contracts={value.contracts} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3>{t('rep.howTitle')}</h3>
      <p className="muted">{t('rep.howText', { days: formula.half_life_days ?? 365, n: formula.prior_contracts ?? 5 })}</p>
      {(['supplier', 'client'] as const).map((role) => {
        const data = components[`as_${role}`] as RoleExplanation | null | undefined
        return data ? <Explanation key={role} role={role} data={data} /> : null
      })}
      <p className="muted small">{t('rep.formula', { version: reputation.formula_version })}</p>
    </Card>
  )
}

type FirmRole = components['schemas']['FirmRole']
const FIRM_ROLES: FirmRole[] = ['owner', 'manager', 'member']

function MembersCard({ firmId, isOwner }: { firmId: number; isOwner: boolean }) {
  const { t } = useI18n()
  const queryClient = useQueryClient()
  const members = useQuery({
    queryKey: ['firm', firmId, 'members'],
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/firms/{firm_id}/members', { params: { path: { firm_id: firmId } }, signal })),
  })
  const form = useForm<{ email: string; role: FirmRole }>({ email: '', role: 'manager' })
  const [added, setAdded] = useState<string | null>(null)
  const add = async (event: FormEvent) => {
    event.preventDefault()
    setAdded(null)
    const ok = await form.submit(
      async () => {
        await apiClient.POST('/api/v1/firms/{firm_id}/members', { params: { path: { firm_id: firmId } }, body: form.values })
      },
      () => (/^\S+@\S+\.\S+$/.test(form.values.email) ? {} : { email: t('auth.emailInvalid') }),
    )
    if (ok) {
      setAdded(form.values.email)
      form.set('email', '')
      void queryClient.invalidateQueries({ queryKey: ['firm', firmId, 'members'] })
    }
  }
  return (
    <Card title={t('members.title')}>
      <ErrorBanner error={members.error} />
      <ul className="plain-list members">
        {members.data?.map((m) => (
          <li key={m.user_id}>
            <strong>{m.full_name}</strong> <span className="muted">{m.email}</span> <span className="badge badge-grey">{t(`role.${m.role}` as MessageKey)}</span>
          </li>
        ))}
      </ul>
      {isOwner && (
        <form className="form" onSubmit={add} noValidate>
          <h3>{t('members.add')}</h3>
          <ErrorBanner message={form.banner} />
          {added && <p className="success-text">{t('members.added', { email: added })}</p>}
          <TextField label={t('auth.email')} type="email" value={form.values.email} onChange={(e) => form.set('email', e.target.value)} error={form.errors.email} hint={t('members.hint')} />
          <SelectField
            label={t('members.role')}
            value={form.values.role}
            // The select offers only FIRM_ROLES, so its value is one of them.
            onChange={(e) => form.set('role', e.target.value as FirmRole)}
            options={FIRM_ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
            error={form.errors.role}
          />
          <button type="submit" className="btn btn-secondary btn-small" disabled={form.busy}>
            {t('members.addButton')}
          </button>
        </form>
      )}
      <p className="small">
        <Link to="/firms/new">{t('firmNew.another')}</Link>
      </p>
    </Card>
  )
}
