import { useState, type FormEvent } from 'react'
import { Link, useParams } from 'react-router-dom'
import { api } from '../api/client'
import type { Firm, Member, Reputation } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { LineChart, type LineSeries } from '../components/Charts'
import { SelectField, TextField } from '../components/Field'
import { Card, Empty, ErrorBanner, Loading, PageHeader, ScoreBadge, Stat, StatusBadge } from '../components/ui'
import { useForm } from '../hooks/useForm'
import { useLoad } from '../hooks/useLoad'
import { useI18n, type MessageKey } from '../i18n'
import { phaseName } from '../lib/phases'
import { useLiveEvents } from '../live/LiveContext'

export function FirmProfilePage() {
  const { id } = useParams()
  const firmId = Number(id)
  const { t, locale } = useI18n()
  const { me, phases } = useAuth()
  const firm = useLoad((signal) => api.get<Firm>(`/firms/${firmId}`, undefined, signal), [firmId])
  const reputation = useLoad((signal) => api.get<Reputation>(`/firms/${firmId}/reputation`, undefined, signal), [firmId])
  useLiveEvents(['contract.updated', 'review.created', 'firm.suspended', 'firm.reinstated', 'firm.verified'], () => {
    firm.reload()
    reputation.reload()
  })
  if (firm.error) {
    return (
      <div>
        <PageHeader title={t('firm.notFound')} back={{ to: '/firms', label: t('nav.firms') }} />
        <ErrorBanner error={firm.error} onRetry={firm.reload} />
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
      <div className="detail-grid">
        <div className="detail-main">
          <Card title={t('firm.about')}>
            <div className="chips">
              {f.phases.map((code) => (
                <span key={code} className="phase-tag">
                  {phaseName(phases, code, locale)}
                </span>
              ))}
            </div>
            {f.description ? <p className="prose">{f.description}</p> : <p className="muted">{t('firm.noDescription')}</p>}
          </Card>
          <ReputationSection reputation={reputation.data} error={reputation.error} />
        </div>
        <aside className="detail-side">
          {membership && <MembersCard firmId={f.id} isOwner={membership.role === 'owner'} />}
        </aside>
      </div>
    </div>
  )
}

const COMPONENT_LABELS: Record<string, MessageKey> = {
  on_time_rate: 'rep.onTimeRate',
  dispute_rate: 'rep.disputeRate',
  disputes_lost: 'rep.disputesLost',
  rejected_deliveries: 'rep.rejectedDeliveries',
  review_quality: 'rep.reviewQuality',
  review_timeliness: 'rep.reviewTimeliness',
  review_communication: 'rep.reviewCommunication',
  review_average: 'rep.reviewAverage',
  reviews: 'rep.reviews',
  prior_weight: 'rep.priorWeight',
  prior_mean: 'rep.priorMean',
  district_mean: 'rep.priorMean',
  half_life_days: 'rep.halfLife',
  weight: 'rep.weight',
  effective_weight: 'rep.weight',
  raw_score: 'rep.rawScore',
}

function humanize(key: string): string {
  const text = key.replace(/_/g, ' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function ComponentValue({ name, value }: { name: string; value: unknown }) {
  const { fmt } = useI18n()
  if (typeof value === 'number') {
    if (/rate|share|ratio/.test(name) && value <= 1) return <>{fmt.percent(value)}</>
    return <>{fmt.number(Math.round(value * 100) / 100)}</>
  }
  if (typeof value === 'string' || typeof value === 'boolean') return <>{String(value)}</>
  if (value === null || value === undefined) return <>—</>
  if (typeof value === 'object') return <Components data={value as Record<string, unknown>} nested />
  return null
}

function Components({ data, nested }: { data: Record<string, unknown>; nested?: boolean }) {
  const { t } = useI18n()
  return (
    <dl className={nested ? 'components nested' : 'components'}>
      {Object.entries(data).map(([key, value]) => (
        <div key={key}>
          <dt>{COMPONENT_LABELS[key] ? t(COMPONENT_LABELS[key]) : humanize(key)}</dt>
          <dd>
            <ComponentValue name={key} value={value} />
          </dd>
        </div>
      ))}
    </dl>
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
  const byPhase = Object.entries(reputation.as_supplier.by_phase ?? {})
  return (
    <Card title={t('rep.title')} className="reputation">
      <div className="stats" data-testid="reputation-scores">
        <Stat label={t('rep.asSupplier')} value={<ScoreBadge score={reputation.as_supplier.score} />} hint={t('reputation.contracts', { n: reputation.as_supplier.contracts })} />
        <Stat label={t('rep.asClient')} value={<ScoreBadge score={reputation.as_client.score} />} hint={t('reputation.contracts', { n: reputation.as_client.contracts })} />
      </div>
      <h3>{t('rep.overTime')}</h3>
      {series.length > 0 ? (
        <LineChart series={series} label={t('rep.chartLabel')} formatX={(at) => fmt.date(new Date(at).toISOString())} />
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
      <p className="muted">{t('rep.howText')}</p>
      {Object.keys(reputation.components ?? {}).length > 0 && <Components data={reputation.components} />}
      <p className="muted small">{t('rep.formula', { version: reputation.formula_version })}</p>
    </Card>
  )
}

function MembersCard({ firmId, isOwner }: { firmId: number; isOwner: boolean }) {
  const { t } = useI18n()
  const members = useLoad((signal) => api.get<Member[]>(`/firms/${firmId}/members`, undefined, signal), [firmId])
  const form = useForm({ email: '', role: 'manager' })
  const [added, setAdded] = useState<string | null>(null)
  const add = async (event: FormEvent) => {
    event.preventDefault()
    setAdded(null)
    const ok = await form.submit(
      async () => {
        await api.post(`/firms/${firmId}/members`, form.values)
      },
      () => (/^\S+@\S+\.\S+$/.test(form.values.email) ? {} : { email: t('auth.emailInvalid') }),
    )
    if (ok) {
      setAdded(form.values.email)
      form.set('email', '')
      members.reload()
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
            onChange={(e) => form.set('role', e.target.value)}
            options={(['owner', 'manager', 'member'] as const).map((r) => ({ value: r, label: t(`role.${r}`) }))}
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
