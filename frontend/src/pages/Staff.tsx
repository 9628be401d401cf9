import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { Link, useSearchParams } from 'react-router-dom'
import type { components } from '../api/schema'
import { apiClient, data } from '../api/typed'
import type { ModeratedFirm } from '../api/types'
import { SelectField, TextArea, TextField } from '../components/Field'
import { BelowTariffReport } from '../components/tariffs/BelowTariffReport'
import { Empty, ErrorBanner, Loading, PageHeader, StatusBadge, Tabs } from '../components/ui'
import { useForm } from '../hooks/useForm'
import { useI18n, type MessageKey } from '../i18n'
import { RECONNECTED, useLiveEvents } from '../live/LiveContext'
import { DocumentReviewQueue } from '../documents/ReviewQueue'
import { AuditLog } from './workplaces/AuditLog'
import { DisputeDesk } from './workplaces/DisputeDesk'

type Tab = 'queue' | 'firms' | 'disputes' | 'documents' | 'audit' | 'below-tariff'
type FirmStatus = components['schemas']['FirmStatus']
type FlagResolution = components['schemas']['FlagResolution']

// A decision on a report can warn or suspend a firm and lands in the audit log: every
// moderation read under this key is refetched after any staff action.
const MODERATION = ['moderation'] as const

export function StaffPage() {
  const { t } = useI18n()
  const [params, setParams] = useSearchParams()
  const tab = (params.get('tab') ?? 'queue') as Tab
  return (
    <div>
      <PageHeader title={t('staff.title')} subtitle={t('staff.lead')} />
      <Tabs<Tab>
        label={t('staff.title')}
        current={tab}
        onChange={(next) => setParams({ tab: next }, { replace: true })}
        tabs={[
          { id: 'queue', label: t('staff.queue') },
          { id: 'firms', label: t('staff.firms') },
          { id: 'disputes', label: t('staff.disputes') },
          { id: 'documents', label: t('review.tab') },
          { id: 'audit', label: t('staff.audit') },
          { id: 'below-tariff', label: t('tariffs.reportTab') },
        ]}
      />
      <div className="tab-panel" role="tabpanel">
        {tab === 'queue' && <Queue />}
        {tab === 'firms' && <Firms />}
        {tab === 'disputes' && <DisputeDesk />}
        {tab === 'documents' && <DocumentReviewQueue />}
        {tab === 'audit' && <AuditLog />}
        {tab === 'below-tariff' && <BelowTariffReport />}
      </div>
    </div>
  )
}

function targetLink(type: string, id: number): string | null {
  if (type === 'order') return `/orders/${id}`
  if (type === 'firm') return `/firms/${id}`
  return null
}

function Queue() {
  const { t, fmt } = useI18n()
  const queryClient = useQueryClient()
  const queue = useQuery({
    queryKey: [...MODERATION, 'flags'],
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/moderation/flags', { params: { query: { status: 'open', limit: 50 } }, signal })),
  })
  const reload = () => void queryClient.invalidateQueries({ queryKey: MODERATION })
  useLiveEvents(['flag.created', RECONNECTED], reload)
  if (queue.error) return <ErrorBanner error={queue.error} onRetry={reload} />
  if (!queue.data) return <Loading />
  if (queue.data.items.length === 0) return <Empty title={t('staff.queueEmpty')}>{t('staff.queueEmptyText')}</Empty>
  return (
    <ul className="queue">
      {queue.data.items.map((item) => {
        const link = targetLink(item.target_type, item.target_id)
        return (
          <li key={`${item.target_type}-${item.target_id}`} className="card queue-item">
            <div className="row-between">
              <div>
                <span className="badge badge-grey">{t(`target.${item.target_type}` as MessageKey)}</span>{' '}
                <strong>{link ? <Link to={link}>{item.target.label}</Link> : item.target.label}</strong>
                {/* A reported firm is its own author: its name is already the label. */}
                {item.target.author_firm_name && item.target_type !== 'firm' && (
                  <span className="muted small">
                    {' '}
                    · {item.target.author_firm_name} {item.target.author_firm_status === 'suspended' && <StatusBadge status="suspended" />}
                  </span>
                )}
              </div>
              <div className="weight" title={t('staff.weightHint')}>
                {t('staff.weight', { w: fmt.number(Math.round(item.weight * 100) / 100), n: item.count })}
              </div>
            </div>
            {item.target.excerpt && <blockquote className="excerpt">{item.target.excerpt}</blockquote>}
            <ul className="plain-list small">
              {item.flags.map((flag) => (
                <li key={flag.id}>
                  <strong>{flag.reason}</strong> {flag.details && `— ${flag.details}`} <span className="muted">· {fmt.relative(flag.created_at)}</span>
                </li>
              ))}
            </ul>
            <ResolveForm flagId={item.flag_id} isFirm={item.target_type === 'firm'} onDone={reload} />
          </li>
        )
      })}
    </ul>
  )
}

function ResolveForm({ flagId, isFirm, onDone }: { flagId: number; isFirm: boolean; onDone: () => void }) {
  const { t } = useI18n()
  const form = useForm<{ action: FlagResolution; note: string }>({ action: 'dismiss', note: '' })
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const ok = await form.submit(
      async () => {
        await apiClient.POST('/api/v1/moderation/flags/{flag_id}/resolve', { params: { path: { flag_id: flagId } }, body: form.values })
      },
      () => (form.values.action !== 'dismiss' && !form.values.note.trim() ? { note: t('staff.noteNeeded') } : {}),
    )
    if (ok) onDone()
  }
  const actions: FlagResolution[] = ['dismiss', ...(isFirm ? [] : ['hide' as const]), 'warn', 'suspend']
  return (
    <form className="resolve-form" onSubmit={submit} noValidate>
      <ErrorBanner message={form.banner} />
      <div className="row-2">
        {/* The select offers only `actions`, so its value is one of them. */}
        <SelectField label={t('staff.action')} value={form.values.action} onChange={(e) => form.set('action', e.target.value as FlagResolution)} options={actions.map((a) => ({ value: a, label: t(`staff.action.${a}` as MessageKey) }))} error={form.errors.action} />
        <TextField label={t('staff.note')} value={form.values.note} onChange={(e) => form.set('note', e.target.value)} error={form.errors.note} />
      </div>
      <button type="submit" className={form.values.action === 'suspend' ? 'btn btn-danger btn-small' : 'btn btn-primary btn-small'} disabled={form.busy}>
        {t('staff.resolve')}
      </button>
    </form>
  )
}

function Firms() {
  const { t, fmt } = useI18n()
  const [q, setQ] = useState('')
  const [status, setStatus] = useState<FirmStatus | ''>('')
  const [search, setSearch] = useState('')
  const queryClient = useQueryClient()
  const firms = useQuery({
    queryKey: [...MODERATION, 'firms', { search, status }],
    queryFn: ({ signal }) =>
      data(apiClient.GET('/api/v1/moderation/firms', { params: { query: { q: search || undefined, status: status || undefined, limit: 50 } }, signal })),
  })
  const reload = () => void queryClient.invalidateQueries({ queryKey: MODERATION })
  return (
    <>
      <form
        className="filters card"
        role="search"
        onSubmit={(event) => {
          event.preventDefault()
          setSearch(q.trim())
        }}
      >
        <div className="field">
          <label htmlFor="staff-firm-q">{t('board.search')}</label>
          <div className="input-with-button">
            <input id="staff-firm-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('staff.firmSearch')} />
            <button type="submit" className="btn btn-secondary">
              {t('board.searchButton')}
            </button>
          </div>
        </div>
        <div className="field">
          <label htmlFor="staff-firm-status">{t('board.status')}</label>
          <select id="staff-firm-status" value={status} onChange={(e) => setStatus(e.target.value as FirmStatus | '')}>
            <option value="">{t('board.allStatuses')}</option>
            <option value="active">{t('status.active')}</option>
            <option value="suspended">{t('status.suspended')}</option>
          </select>
        </div>
      </form>
      <ErrorBanner error={firms.error} onRetry={reload} />
      {!firms.data && <Loading />}
      {firms.data?.items.length === 0 && <Empty title={t('firms.empty')} />}
      <ul className="queue">
        {firms.data?.items.map((firm) => (
          <li key={firm.id} className="card queue-item" data-testid="staff-firm">
            <div className="row-between">
              <div>
                <strong>
                  <Link to={`/firms/${firm.id}`}>{firm.name}</Link>
                </strong>{' '}
                <StatusBadge status={firm.status} /> {firm.verified && <span className="badge badge-blue">{t('firm.verified')}</span>}
                <div className="muted small">
                  {firm.region} · {t('firm.vatShort')} {firm.vat_number} · {t('staff.warnings', { n: firm.warnings })} · {t('staff.openFlags', { n: firm.open_flags })}
                </div>
                {firm.suspension_reason && (
                  <div className="small warn-text">
                    {t('staff.suspendedFor', { when: fmt.date(firm.suspended_at), reason: firm.suspension_reason })}
                    {firm.suspended_until && <> · {t('staff.suspendedUntil', { date: fmt.dateTime(firm.suspended_until) })}</>}
                  </div>
                )}
              </div>
            </div>
            <FirmActions firm={firm} onDone={reload} />
          </li>
        ))}
      </ul>
    </>
  )
}

function FirmActions({ firm, onDone }: { firm: ModeratedFirm; onDone: () => void }) {
  const { t } = useI18n()
  const [suspending, setSuspending] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const form = useForm({ reason: '', until: '' })
  const params = { path: { firm_id: firm.id } }
  const run = async (action: () => Promise<unknown>) => {
    setError(null)
    try {
      await action()
      onDone()
    } catch (failure) {
      setError(failure)
    }
  }
  const suspend = async (event: FormEvent) => {
    event.preventDefault()
    const ok = await form.submit(
      async () => {
        await apiClient.POST('/api/v1/moderation/firms/{firm_id}/suspend', {
          params,
          body: {
            reason: form.values.reason.trim(),
            ...(form.values.until ? { until: new Date(`${form.values.until}T00:00:00`).toISOString() } : {}),
          },
        })
      },
      () => (form.values.reason.trim().length >= 5 ? {} : { reason: t('staff.reasonNeeded') }),
    )
    if (ok) {
      setSuspending(false)
      onDone()
    }
  }
  return (
    <div>
      <ErrorBanner error={error} />
      <div className="button-row">
        {!firm.verified && (
          <button type="button" className="btn btn-secondary btn-small" onClick={() => void run(() => apiClient.POST('/api/v1/moderation/firms/{firm_id}/verify', { params }))}>
            {t('staff.verify')}
          </button>
        )}
        {firm.status === 'suspended' ? (
          <button type="button" className="btn btn-secondary btn-small" onClick={() => void run(() => apiClient.POST('/api/v1/moderation/firms/{firm_id}/reinstate', { params }))}>
            {t('staff.reinstate')}
          </button>
        ) : (
          !suspending && (
            <button type="button" className="btn btn-danger btn-small" onClick={() => setSuspending(true)}>
              {t('staff.suspend')}
            </button>
          )
        )}
      </div>
      {suspending && (
        <form className="form" onSubmit={suspend} noValidate>
          <ErrorBanner message={form.banner} />
          <TextArea label={t('staff.suspendReason')} rows={2} value={form.values.reason} onChange={(e) => form.set('reason', e.target.value)} error={form.errors.reason} />
          <TextField label={t('staff.suspendUntil')} type="date" value={form.values.until} onChange={(e) => form.set('until', e.target.value)} error={form.errors.until} hint={t('staff.suspendUntilHint')} />
          <div className="button-row">
            <button type="submit" className="btn btn-danger btn-small" disabled={form.busy}>
              {t('staff.suspendConfirm')}
            </button>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => setSuspending(false)}>
              {t('common.back')}
            </button>
          </div>
        </form>
      )}
    </div>
  )
}
