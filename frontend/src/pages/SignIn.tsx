import { useQuery } from '@tanstack/react-query'
import { useEffect, useState, type FormEvent } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router-dom'
import { api, ApiError } from '../api/client'
import { apiClient, data } from '../api/typed'
import { useAuth } from '../auth/AuthContext'
import { TextField } from '../components/Field'
import { ErrorBanner } from '../components/ui'
import { useForm } from '../hooks/useForm'
import { useI18n } from '../i18n'

function SsoButtons() {
  const { t } = useI18n()
  // Without the list (or with an empty one) the page offers the password only.
  const providers = useQuery({
    queryKey: ['auth', 'providers'],
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/auth/providers', { signal })),
    staleTime: Infinity,
    retry: false,
  }).data ?? []
  if (providers.length === 0) return null
  return (
    <div className="sso">
      <div className="divider">
        <span>{t('auth.or')}</span>
      </div>
      {providers.map((provider) => (
        <a key={provider.name} className="btn btn-secondary btn-block" href={provider.login_url}>
          {t('auth.ssoWith', { name: provider.name.toUpperCase() })}
        </a>
      ))}
    </div>
  )
}

export function SignInPage() {
  const { t } = useI18n()
  const { signIn } = useAuth()
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const form = useForm({ email: '', password: '' })
  const next = params.get('next') ?? '/board'

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    const ok = await form.submit(
      async () => {
        try {
          await signIn(form.values.email, form.values.password)
        } catch (error) {
          // A 401 here is a wrong password, not an expired session.
          if (error instanceof ApiError && error.status === 401) throw new ApiError(400, '', t('auth.wrongCredentials'))
          throw error
        }
      },
      () => ({
        ...(form.values.email ? {} : { email: t('form.required') }),
        ...(form.values.password ? {} : { password: t('form.required') }),
      }),
    )
    if (ok) navigate(next.startsWith('/') ? next : '/board', { replace: true })
  }

  return (
    <div className="auth-page">
      <div className="auth-card card">
        <h1>{t('auth.signInTitle')}</h1>
        <p className="subtitle">{t('auth.signInLead')}</p>
        <ErrorBanner message={form.banner} />
        <form onSubmit={onSubmit} noValidate>
          <TextField
            label={t('auth.email')}
            type="email"
            autoComplete="email"
            required
            value={form.values.email}
            onChange={(e) => form.set('email', e.target.value)}
            error={form.errors.email}
          />
          <TextField
            label={t('auth.password')}
            type="password"
            autoComplete="current-password"
            required
            value={form.values.password}
            onChange={(e) => form.set('password', e.target.value)}
            error={form.errors.password}
          />
          <button type="submit" className="btn btn-primary btn-block" disabled={form.busy}>
            {form.busy ? t('common.wait') : t('auth.signIn')}
          </button>
        </form>
        <p className="auth-switch">
          <Link to="/forgot-password">{t('forgot.link')}</Link>
        </p>
        <SsoButtons />
        <p className="auth-switch">
          {t('auth.noAccount')} <Link to="/register">{t('auth.registerLink')}</Link>
        </p>
      </div>
    </div>
  )
}

export function RegisterPage() {
  const { t } = useI18n()
  const { signIn } = useAuth()
  const navigate = useNavigate()
  const form = useForm({ full_name: '', email: '', password: '' })

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    const { full_name, email, password } = form.values
    const ok = await form.submit(
      async () => {
        await api.post('/auth/register', { full_name, email, password }, { anonymous: true })
        await signIn(email, password)
      },
      () => ({
        ...(full_name.trim() ? {} : { full_name: t('form.required') }),
        ...(/^\S+@\S+\.\S+$/.test(email) ? {} : { email: t('auth.emailInvalid') }),
        ...(password.length >= 10 ? {} : { password: t('auth.passwordShort') }),
      }),
    )
    if (ok) navigate('/firms/new', { replace: true })
  }

  return (
    <div className="auth-page">
      <div className="auth-card card">
        <h1>{t('auth.registerTitle')}</h1>
        <p className="subtitle">{t('auth.registerLead')}</p>
        <ErrorBanner message={form.banner} />
        <form onSubmit={onSubmit} noValidate>
          <TextField
            label={t('auth.fullName')}
            autoComplete="name"
            required
            value={form.values.full_name}
            onChange={(e) => form.set('full_name', e.target.value)}
            error={form.errors.full_name}
          />
          <TextField
            label={t('auth.email')}
            type="email"
            autoComplete="email"
            required
            value={form.values.email}
            onChange={(e) => form.set('email', e.target.value)}
            error={form.errors.email}
          />
          <TextField
            label={t('auth.password')}
            type="password"
            autoComplete="new-password"
            required
            hint={t('auth.passwordHint')}
            value={form.values.password}
            onChange={(e) => form.set('password', e.target.value)}
            error={form.errors.password}
          />
          <button type="submit" className="btn btn-primary btn-block" disabled={form.busy}>
            {form.busy ? t('common.wait') : t('auth.register')}
          </button>
        </form>
        <SsoButtons />
        <p className="auth-switch">
          {t('auth.haveAccount')} <Link to="/signin">{t('auth.signInLink')}</Link>
        </p>
      </div>
    </div>
  )
}

/** The SSO callback lands here with our own token pair in the URL fragment. */
export function SsoPage() {
  const { t } = useI18n()
  const { adoptTokens } = useAuth()
  const navigate = useNavigate()
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    const fragment = new URLSearchParams(location.hash.slice(1))
    const access = fragment.get('access_token')
    const refresh = fragment.get('refresh_token')
    // Drop the tokens from the address bar and history at once.
    history.replaceState(null, '', location.pathname)
    if (!access || !refresh) {
      setFailed(true)
      return
    }
    const expires = Number(fragment.get('expires_in') ?? 900)
    void adoptTokens({ access_token: access, refresh_token: refresh, token_type: 'bearer', expires_in: expires }).then(() =>
      navigate('/board', { replace: true }),
    )
  }, [adoptTokens, navigate])
  return (
    <div className="auth-page">
      <div className="auth-card card">
        {failed ? (
          <>
            <ErrorBanner message={t('auth.ssoFailed')} />
            <Link className="btn btn-primary" to="/signin">
              {t('auth.signIn')}
            </Link>
          </>
        ) : (
          <p>{t('auth.ssoWorking')}</p>
        )}
      </div>
    </div>
  )
}
