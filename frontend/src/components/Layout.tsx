import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState, type ReactNode } from 'react'
import { Link, NavLink, useLocation, useNavigate } from 'react-router-dom'
import { keys, read } from '../api/keys'
import { useAuth } from '../auth/AuthContext'
import { LOCALE_NAMES, LOCALES, useI18n, type Locale } from '../i18n'
import { RECONNECTED, useLive, useLiveEvents } from '../live/LiveContext'
import { describeEvent } from '../live/describe'
import { useToast } from './Toasts'

function Brand() {
  return (
    <Link to="/" className="brand" aria-label="Distretto — home">
      <svg viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="7" />
        <path d="M9 8h7a8 8 0 0 1 0 16H9z" />
        <circle cx="16" cy="16" r="2.5" />
      </svg>
      <span>Distretto</span>
    </Link>
  )
}

/** A menu of the three languages; each option is written in its own language, and the
 * control's accessible name ("Lingua") is its visible label for screen readers. */
function LanguageSwitch({ id }: { id: string }) {
  const { locale, setLocale, t } = useI18n()
  return (
    <span className="lang">
      <label className="sr-only" htmlFor={id}>
        {t('nav.language')}
      </label>
      <select id={id} className="lang-select" value={locale} onChange={(event) => setLocale(event.target.value as Locale)}>
        {LOCALES.map((code) => (
          <option key={code} value={code} lang={code === 'zh' ? 'zh-Hans' : code}>
            {LOCALE_NAMES[code]}
          </option>
        ))}
      </select>
    </span>
  )
}

function Bell() {
  const { unread, status } = useLive()
  const { t } = useI18n()
  return (
    <Link to="/notifications" className="bell" aria-label={t('nav.notificationsCount', { n: unread })}>
      <svg viewBox="0 0 24 24" aria-hidden="true">
        <path d="M12 3a6 6 0 0 0-6 6v3.5L4.5 16h15L18 12.5V9a6 6 0 0 0-6-6zM9.5 19a2.5 2.5 0 0 0 5 0" />
      </svg>
      {unread > 0 && <span className="bell-count" data-testid="unread-count">{unread > 99 ? '99+' : unread}</span>}
      <span className={`live-dot live-${status}`} title={t(`live.${status}`)} />
    </Link>
  )
}

function FirmSwitcher() {
  const { me, firmId, setFirmId } = useAuth()
  const { t } = useI18n()
  const navigate = useNavigate()
  if (!me || me.memberships.length === 0) return null
  if (me.memberships.length === 1) {
    const only = me.memberships[0]!
    return (
      <Link className="firm-chip" to={`/firms/${only.firm_id}`} title={t('nav.yourFirm')}>
        {only.firm_name}
      </Link>
    )
  }
  return (
    <label className="firm-switcher">
      <span className="sr-only">{t('nav.actingFor')}</span>
      <select
        value={firmId ?? ''}
        onChange={(event) => {
          setFirmId(Number(event.target.value))
          navigate('/board')
        }}
      >
        {me.memberships.map((m) => (
          <option key={m.firm_id} value={m.firm_id}>
            {m.firm_name}
          </option>
        ))}
      </select>
    </label>
  )
}

// Outcomes are always announced; mere updates are not when the person is already
// looking at the page they are about (the page updates itself).
const ALWAYS_TOAST = new Set(['bid.rejected', 'order.awarded', 'firm.suspended', 'firm.warned', 'firm.reinstated'])

/** Toasts for the events that matter to the person, wherever they are in the app. */
function LiveToasts() {
  const { me, reloadMe } = useAuth()
  const { t } = useI18n()
  const push = useToast()
  const location = useLocation()
  const myFirms = me?.memberships.map((m) => m.firm_id) ?? []
  useLiveEvents('*', (event) => {
    if (event.type.startsWith('firm.')) void reloadMe()
    const described = describeEvent(event.type, event.data, t, myFirms)
    if (!described.important) return
    if (described.link === location.pathname && !ALWAYS_TOAST.has(event.type)) return
    push(described)
  })
  return null
}

function SuspensionBanner() {
  const { firmId, me } = useAuth()
  const { t } = useI18n()
  const queryClient = useQueryClient()
  const firm = useQuery({
    queryKey: keys.firm(firmId ?? 0),
    queryFn: ({ signal }) => read.firm(firmId ?? 0, signal),
    enabled: !!firmId && !!me,
  }).data
  useLiveEvents(['firm.suspended', 'firm.reinstated', 'firm.verified', RECONNECTED], () => {
    if (firmId) void queryClient.invalidateQueries({ queryKey: keys.firm(firmId), exact: true })
  })
  if (!firm || firm.id !== firmId || firm.status !== 'suspended') return null
  return (
    <div className="banner banner-error suspension" role="alert" data-testid="suspended-banner">
      <span className="banner-icon" aria-hidden="true">!</span>
      <span className="banner-text">{t('firm.suspendedBanner', { name: firm.name })}</span>
    </div>
  )
}

export function Layout({ children }: { children: ReactNode }) {
  const { me, signOut } = useAuth()
  const { t } = useI18n()
  const [menuOpen, setMenuOpen] = useState(false)
  const location = useLocation()
  const navigate = useNavigate()
  useEffect(() => setMenuOpen(false), [location.pathname])

  const links = me
    ? [
        { to: '/board', label: t('nav.board') },
        { to: '/contracts', label: t('nav.contracts') },
        { to: '/consortia', label: t('nav.consortia') },
        { to: '/firms', label: t('nav.firms') },
        { to: '/observatory', label: t('nav.observatory') },
        { to: '/tariffs', label: t('nav.tariffs') },
        { to: '/forum', label: t('nav.forum') },
        ...(me.consortia.some((c) => c.role === 'manager') ? [{ to: '/secretariat', label: t('nav.workplace') }] : []),
        ...(me.is_staff ? [{ to: '/staff', label: t('nav.staff') }] : []),
      ]
    : [
        { to: '/firms', label: t('nav.firms') },
        { to: '/consortia', label: t('nav.consortia') },
        { to: '/observatory', label: t('nav.observatory') },
        { to: '/tariffs', label: t('nav.tariffs') },
        { to: '/forum', label: t('nav.forum') },
      ]

  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <Brand />
          <button
            type="button"
            className="btn btn-ghost menu-toggle"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen((open) => !open)}
          >
            <span aria-hidden="true">☰</span>
            <span className="sr-only">{t('nav.menu')}</span>
          </button>
          <nav id="main-nav" className={menuOpen ? 'nav nav-open' : 'nav'} aria-label={t('nav.main')}>
            <ul>
              {links.map((link) => (
                <li key={link.to}>
                  <NavLink to={link.to}>{link.label}</NavLink>
                </li>
              ))}
              <li className="nav-extra">
                <LanguageSwitch id="lang-menu" />
                {me && (
                  <button type="button" className="btn btn-ghost btn-small" onClick={() => void signOut().then(() => navigate('/'))}>
                    {t('nav.signOut')}
                  </button>
                )}
              </li>
            </ul>
          </nav>
          <div className="topbar-tools">
            {me && <FirmSwitcher />}
            {me && <Bell />}
            <span className="wide-only">
              <LanguageSwitch id="lang-top" />
            </span>
            {me ? (
              <button
                type="button"
                className="btn btn-ghost btn-small wide-only"
                onClick={() => {
                  void signOut().then(() => navigate('/'))
                }}
              >
                {t('nav.signOut')}
              </button>
            ) : (
              <Link className="btn btn-primary btn-small" to="/signin">
                {t('nav.signIn')}
              </Link>
            )}
          </div>
        </div>
      </header>
      {me && <LiveToasts />}
      <main id="main" tabIndex={-1}>
        {me && <SuspensionBanner />}
        {children}
      </main>
      <footer className="footer">
        <p>{t('footer.text')}</p>
      </footer>
    </>
  )
}
