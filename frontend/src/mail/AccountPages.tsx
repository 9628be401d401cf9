// Pages reached from account emails: forgotten password, reset, address verification,
// one-click unsubscribe (confirmed by a press, so link scanners cannot unsubscribe anyone).
import { useEffect, useRef, useState, type FormEvent } from 'react'
import { Link, useSearchParams } from 'react-router-dom'
import { anonymousClient, data } from '../api/typed'
import { AuthCard, AuthForm, EmailField, PasswordField } from '../components/AuthForm'
import { ErrorBanner, Loading, Notice } from '../components/ui'
import { describeError, useForm } from '../hooks/useForm'
import { useI18n } from '../i18n'
import type { Unsubscribed } from './types'

export function ForgotPasswordPage() {
  const { t } = useI18n()
  const form = useForm({ email: '' })
  const [sent, setSent] = useState<string | null>(null)
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    const email = form.values.email.trim()
    const ok = await form.submit(
      async () => {
        await anonymousClient.POST('/api/v1/auth/password-reset', { body: { email } })
      },
      () => (/^\S+@\S+\.\S+$/.test(email) ? {} : { email: t('auth.emailInvalid') }),
    )
    if (ok) setSent(email)
  }
  return (
    <AuthCard title={t('forgot.title')} lead={t('forgot.lead')}>
      {sent ? (
        <Notice tone="success">{t('forgot.sent', { email: sent })}</Notice>
      ) : (
        <AuthForm form={form} onSubmit={onSubmit} submitLabel={t('forgot.send')}>
          <EmailField form={form} name="email" />
        </AuthForm>
      )}
      <p className="auth-switch">
        <Link to="/signin">{t('forgot.back')}</Link>
      </p>
    </AuthCard>
  )
}

export function ResetPasswordPage() {
  const { t } = useI18n()
  const [params] = useSearchParams()
  const token = params.get('token') ?? ''
  const form = useForm({ new_password: '', repeat: '' })
  const [done, setDone] = useState(false)
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault()
    const { new_password, repeat } = form.values
    const ok = await form.submit(
      async () => {
        await anonymousClient.POST('/api/v1/auth/password-reset/confirm', { body: { token, new_password } })
      },
      () => ({
        ...(new_password.length >= 10 ? {} : { new_password: t('auth.passwordShort') }),
        ...(repeat === new_password ? {} : { repeat: t('reset.mismatch') }),
      }),
    )
    if (ok) setDone(true)
  }
  if (!token) {
    return (
      <AuthCard title={t('reset.title')}>
        <ErrorBanner message={t('reset.noToken')} />
        <Link className="btn btn-secondary btn-block" to="/forgot-password">{t('reset.askAgain')}</Link>
      </AuthCard>
    )
  }
  return (
    <AuthCard title={t('reset.title')} lead={t('reset.lead')}>
      {done ? (
        <>
          <Notice tone="success">{t('reset.done')}</Notice>
          <Link className="btn btn-primary btn-block" to="/signin">{t('auth.signIn')}</Link>
        </>
      ) : (
        <>
          <AuthForm form={form} onSubmit={onSubmit} submitLabel={t('reset.save')}>
            <PasswordField form={form} name="new_password" purpose="new" label={t('reset.newPassword')} />
            <PasswordField form={form} name="repeat" purpose="repeat" label={t('reset.repeat')} />
          </AuthForm>
          <p className="auth-switch">
            <Link to="/forgot-password">{t('reset.askAgain')}</Link>
          </p>
        </>
      )}
    </AuthCard>
  )
}

/** Runs one POST when the page opens (React's double effects in development included). */
function useOnce(action: () => Promise<void>) {
  const started = useRef(false)
  useEffect(() => {
    if (started.current) return
    started.current = true
    void action()
  })
}

export function VerifyEmailPage() {
  const { t } = useI18n()
  const [params] = useSearchParams()
  const [state, setState] = useState<'working' | 'done' | string>('working')
  useOnce(async () => {
    try {
      await anonymousClient.POST('/api/v1/auth/verify-email', { body: { token: params.get('token') ?? '' } })
      setState('done')
    } catch (error) {
      setState(describeError(error, t))
    }
  })
  return (
    <AuthCard title={t('verify.title')}>
      {state === 'working' && <Loading label={t('verify.working')} />}
      {state === 'done' && <Notice tone="success">{t('verify.done')}</Notice>}
      {state !== 'working' && state !== 'done' && <ErrorBanner message={state} />}
      {state !== 'working' && <Link className="btn btn-secondary btn-block" to="/board">{t('verify.continue')}</Link>}
    </AuthCard>
  )
}

export function UnsubscribePage() {
  const { t } = useI18n()
  const [params] = useSearchParams()
  const [done, setDone] = useState<Unsubscribed | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const confirm = async () => {
    setBusy(true)
    setError(null)
    try {
      const token = params.get('token') ?? ''
      setDone(await data(anonymousClient.POST('/api/v1/email/unsubscribe', { params: { query: { token } } })))
    } catch (failure) {
      setError(describeError(failure, t))
    } finally {
      setBusy(false)
    }
  }
  return (
    <AuthCard title={t('unsubscribe.title')} lead={done ? undefined : t('unsubscribe.lead')}>
      <ErrorBanner message={error} />
      {done ? (
        <Notice tone="success">
          {done.kind ? t('unsubscribe.doneKind', { kind: t(`mailSettings.kind.${done.kind}` as 'mailSettings.kind.bids') }) : t('unsubscribe.doneAll')}
        </Notice>
      ) : (
        <button type="button" className="btn btn-primary btn-block" disabled={busy} onClick={() => void confirm()}>
          {busy ? t('common.wait') : t('unsubscribe.confirm')}
        </button>
      )}
      <p className="muted small">{t('unsubscribe.manage')}</p>
    </AuthCard>
  )
}
