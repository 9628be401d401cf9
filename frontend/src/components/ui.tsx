import { useId, type ReactNode } from 'react'
import { Link } from 'react-router-dom'
import { useI18n, type MessageKey } from '../i18n'
import { describeError } from '../hooks/useForm'

export function PageHeader({
  title,
  subtitle,
  actions,
  back,
}: {
  title: ReactNode
  subtitle?: ReactNode
  actions?: ReactNode
  back?: { to: string; label: string }
}) {
  return (
    <header className="page-header">
      {back && (
        <Link className="back-link" to={back.to}>
          ← {back.label}
        </Link>
      )}
      <div className="page-header-row">
        <div>
          <h1>{title}</h1>
          {subtitle && <p className="subtitle">{subtitle}</p>}
        </div>
        {actions && <div className="page-actions">{actions}</div>}
      </div>
    </header>
  )
}

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n()
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('common.loading')}</span>
    </div>
  )
}

export function ErrorBanner({
  error,
  message,
  onRetry,
}: {
  error?: unknown
  message?: string | null
  onRetry?: () => void
}) {
  const { t } = useI18n()
  const text = message ?? (error ? describeError(error, t) : null)
  if (!text) return null
  return (
    <div className="banner banner-error" role="alert">
      <span className="banner-icon" aria-hidden="true">!</span>
      <span className="banner-text">{text}</span>
      {onRetry && (
        <button type="button" className="btn btn-small btn-ghost" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  )
}

export function Notice({ tone = 'info', children }: { tone?: 'info' | 'success' | 'warning'; children: ReactNode }) {
  return (
    <div className={`banner banner-${tone}`} role={tone === 'warning' ? 'alert' : 'status'}>
      <span className="banner-text">{children}</span>
    </div>
  )
}

/** A table that may scroll sideways on a phone: focusable and named, so a keyboard user
 * can scroll it too (axe `scrollable-region-focusable`). */
export function TableWrap({ label, className, children }: { label: string; className?: string; children: ReactNode }) {
  return (
    <div className={`table-wrap ${className ?? ''}`} role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  )
}

export function Empty({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <svg className="empty-art" viewBox="0 0 64 64" aria-hidden="true">
        <rect x="10" y="14" width="44" height="36" rx="6" />
        <path d="M18 26h28M18 34h20M18 42h12" />
      </svg>
      <p className="empty-title">{title}</p>
      {children && <p className="empty-text">{children}</p>}
      {action}
    </div>
  )
}

const STATUS_TONE: Record<string, string> = {
  open: 'green',
  active: 'green',
  enrolled: 'green',
  completed: 'blue',
  awarded: 'blue',
  delivered: 'teal',
  draft: 'grey',
  closed: 'grey',
  withdrawn: 'grey',
  cancelled: 'grey',
  left: 'grey',
  rejected: 'red',
  disputed: 'red',
  suspended: 'red',
  needs_confirmation: 'amber',
  waitlisted: 'amber',
  pending: 'amber',
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n()
  const key = `status.${status}` as MessageKey
  const label = t(key)
  return <span className={`badge badge-${STATUS_TONE[status] ?? 'grey'}`}>{label === key ? status : label}</span>
}

export function Card({ title, children, actions, className }: { title?: ReactNode; children: ReactNode; actions?: ReactNode; className?: string }) {
  const id = useId()
  return (
    <section className={`card ${className ?? ''}`} aria-labelledby={title ? id : undefined}>
      {(title || actions) && (
        <div className="card-header">
          {title && <h2 id={id}>{title}</h2>}
          {actions}
        </div>
      )}
      {children}
    </section>
  )
}

export function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: ReactNode }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint && <div className="stat-hint">{hint}</div>}
    </div>
  )
}

export function Tabs<T extends string>({
  tabs,
  current,
  onChange,
  label,
}: {
  tabs: { id: T; label: string; count?: number }[]
  current: T
  onChange: (id: T) => void
  label: string
}) {
  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((tab) => (
        <button
          key={tab.id}
          type="button"
          role="tab"
          aria-selected={tab.id === current}
          className={tab.id === current ? 'tab tab-current' : 'tab'}
          onClick={() => onChange(tab.id)}
        >
          {tab.label}
          {tab.count !== undefined && <span className="tab-count">{tab.count}</span>}
        </button>
      ))}
    </div>
  )
}

export function ScoreBadge({ score, contracts }: { score: number | null | undefined; contracts?: number }) {
  const { t, fmt } = useI18n()
  if (score === null || score === undefined) {
    return <span className="score score-none">{t('reputation.noScore')}</span>
  }
  const tone = score >= 75 ? 'good' : score >= 50 ? 'fair' : 'poor'
  return (
    <span className={`score score-${tone}`} title={t('reputation.scoreTitle')}>
      <strong>{fmt.number(Math.round(score))}</strong>
      <span className="score-max">/100</span>
      {contracts !== undefined && <span className="score-count">· {t('reputation.contracts', { n: contracts })}</span>}
    </span>
  )
}
