import { Link, Navigate } from 'react-router-dom'
import { useAuth } from '../auth/AuthContext'
import { useI18n } from '../i18n'

export function HomePage() {
  const { t } = useI18n()
  const { me } = useAuth()
  if (me) {
    // Each role lands on its own workplace: a firm's board, a secretary's desk.
    const runsConsortia = me.consortia.some((c) => c.role === 'manager')
    const landing = me.memberships.length || me.is_staff ? '/board' : runsConsortia ? '/secretariat' : '/firms/new'
    return <Navigate to={landing} replace />
  }
  return (
    <div className="hero">
      <div className="hero-text">
        <h1>{t('home.title')}</h1>
        <p className="lead">{t('home.lead')}</p>
        <div className="button-row">
          <Link className="btn btn-primary btn-large" to="/register">
            {t('home.join')}
          </Link>
          <Link className="btn btn-secondary btn-large" to="/signin">
            {t('nav.signIn')}
          </Link>
        </div>
      </div>
      <ul className="hero-points">
        <li>
          <strong>{t('home.point1Title')}</strong>
          <span>{t('home.point1')}</span>
        </li>
        <li>
          <strong>{t('home.point2Title')}</strong>
          <span>{t('home.point2')}</span>
        </li>
        <li>
          <strong>{t('home.point3Title')}</strong>
          <span>{t('home.point3')}</span>
        </li>
      </ul>
      <p className="hero-links">
        <Link to="/observatory">{t('home.stats')}</Link> · <Link to="/firms">{t('home.directory')}</Link> · <Link to="/consortia">{t('nav.consortia')}</Link>
      </p>
    </div>
  )
}

export function NotFoundPage() {
  const { t } = useI18n()
  return (
    <div className="narrow center">
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.text')}</p>
      <Link className="btn btn-primary" to="/">
        {t('notFound.home')}
      </Link>
    </div>
  )
}
