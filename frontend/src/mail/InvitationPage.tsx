import { useQuery } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router-dom'
import { anonymousClient, apiClient, data } from '../api/typed'
import { useAuth } from '../auth/AuthContext'
import { AuthCard, AuthForm, FullNameField, PasswordField } from '../components/AuthForm'
import { TextField } from '../components/Field'
import { ErrorBanner, Loading, Notice } from '../components/ui'
import { describeError, useForm } from '../hooks/useForm'
import { useI18n } from '../i18n'
import type { InvitationPreview } from './types'

function RegisterIntoFirm({ token, preview }: { token: string; preview: InvitationPreview }) {
  const { t } = useI18n()
  const { signIn } = useAuth()
  const navigate = useNavigate()
  const form = useForm({ full_name: '', password: '' })
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    const { full_name, password } = form.values
    const ok = await form.submit(
      async () => {
        await anonymousClient.POST('/api/v1/auth/register', { body: { full_name, email: preview.email, password, invitation_token: token } })
        await signIn(preview.email, password)
      },
      () => ({
        ...(full_name.trim() ? {} : { full_name: t('form.required') }),
        ...(password.length >= 10 ? {} : { password: t('auth.passwordShort') }),
      }),
    )
    if (ok) navigate(`/firms/${preview.firm_id}`, { replace: true })
  }
  return (
    <section aria-labelledby="invitation-register">
      <h2 id="invitation-register">{t('invitation.register')}</h2>
      <p className="muted">{t('invitation.registerLead')}</p>
      <AuthForm form={form} onSubmit={onSubmit} submitLabel={t('invitation.register')}>
        <TextField label={t('auth.email')} type="email" value={preview.email} readOnly />
        <FullNameField form={form} name="full_name" />
        <PasswordField form={form} name="password" purpose="new" />
      </AuthForm>
    </section>
  )
}

export function InvitationPage() {
  const { t, fmt } = useI18n()
  const { me, ready, reloadMe } = useAuth()
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const token = params.get('token') ?? ''
  const preview = useQuery({
    queryKey: ['invitation', token],
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/invitations/preview', { params: { query: { token } }, signal })),
    enabled: !!token,
  })
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const accept = async () => {
    setBusy(true)
    setError(null)
    try {
      const joined = await data(apiClient.POST('/api/v1/invitations/accept', { body: { token } }))
      await reloadMe()
      navigate(`/firms/${joined.firm_id}`, { replace: true })
    } catch (failure) {
      setError(describeError(failure, t))
    } finally {
      setBusy(false)
    }
  }
  const here = `/invitation?token=${encodeURIComponent(token)}`
  const invited = preview.data
  return (
    <AuthCard title={t('invitation.title')}>
      {!token && <ErrorBanner message={t('invitation.noToken')} />}
      {token && preview.error ? <ErrorBanner error={preview.error} /> : null}
      {token && !invited && !preview.error && <Loading />}
      {invited && ready && (
        <>
          <p className="subtitle">{t('invitation.lead', { firm: invited.firm_name, role: t(`role.${invited.role}`) })}</p>
          <p className="muted small">
            {t('invitation.for', { email: invited.email })} · {t('invitation.expires', { date: fmt.date(invited.expires_at) })}
          </p>
          <ErrorBanner message={error} />
          {me && me.email.toLowerCase() === invited.email && (
            <button type="button" className="btn btn-primary btn-block" disabled={busy} onClick={() => void accept()}>
              {busy ? t('common.wait') : t('invitation.accept')}
            </button>
          )}
          {me && me.email.toLowerCase() !== invited.email && (
            <Notice tone="warning">{t('invitation.otherAccount', { email: me.email, invited: invited.email })}</Notice>
          )}
          {!me && (
            <>
              <RegisterIntoFirm token={token} preview={invited} />
              <p className="auth-switch">
                {t('invitation.haveAccount')} <Link to={`/signin?next=${encodeURIComponent(here)}`}>{t('invitation.signIn')}</Link>
              </p>
            </>
          )}
        </>
      )}
    </AuthCard>
  )
}
