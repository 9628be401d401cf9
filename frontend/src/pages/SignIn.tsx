import { useQuery } from '@tanstack/react-query'
import { useEffect, useState, type FormEvent } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router-dom'
import { ApiError } from '../api/client'
import { anonymousClient, apiClient, data } from '../api/typed'
import { useAuth } from '../auth/AuthContext'
import { AuthCard, AuthForm, EmailField, FullNameField, PasswordField } from '../components/AuthForm'
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
    <AuthCard title={t('auth.signInTitle')} lead={t('auth.signInLead')}>
      <AuthForm form={form} onSubmit={onSubmit} submitLabel={t('auth.signIn')}>
        <EmailField form={form} name="email" />
        <PasswordField form={form} name="password" purpose="current" />
      </AuthForm>
      <p className="auth-switch">
        <Link to="/forgot-password">{t('forgot.link')}</Link>
      </p>
      <SsoButtons />
      <p className="auth-switch">
        {t('auth.noAccount')} <Link to="/register">{t('auth.registerLink')}</Link>
      </p>
    </AuthCard>
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
        await anonymousClient.POST('/api/v1/auth/register', { body: { full_name, email, password } })
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
    <AuthCard title={t('auth.registerTitle')} lead={t('auth.registerLead')}>
      <AuthForm form={form} onSubmit={onSubmit} submitLabel={t('auth.register')}>
        <FullNameField form={form} name="full_name" />
        <EmailField form={form} name="email" />
        <PasswordField form={form} name="password" purpose="new" />
      </AuthForm>
      <SsoButtons />
      <p className="auth-switch">
        {t('auth.haveAccount')} <Link to="/signin">{t('auth.signInLink')}</Link>
      </p>
    </AuthCard>
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
    <AuthCard>
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
    </AuthCard>
  )
}
