// The account pages (sign in, register, forgotten and new password, invitation, email
// links) share one look: a centred card, a banner for the form's refusal, the same
// email, name and password fields, and one full-width button that says when it is working.
import type { FormEvent, ReactNode } from 'react'
import { useI18n } from '../i18n'
import { TextField } from './Field'
import { ErrorBanner } from './ui'

export function AuthCard({ title, lead, children }: { title?: string; lead?: string; children: ReactNode }) {
  return (
    <div className="auth-page">
      <div className="auth-card card">
        {title && <h1>{title}</h1>}
        {lead && <p className="subtitle">{lead}</p>}
        {children}
      </div>
    </div>
  )
}

/** What the fields need of a `useForm` whose named fields are text. */
interface TextForm<K extends string> {
  values: { [field in K]: string }
  errors: Partial<Record<string, string>>
  set: (field: K, value: string) => void
}

function bind<K extends string>(form: TextForm<K>, name: K) {
  return { value: form.values[name], onChange: (event: { target: { value: string } }) => form.set(name, event.target.value), error: form.errors[name] }
}

export function AuthForm({
  form,
  onSubmit,
  submitLabel,
  children,
}: {
  form: { banner: string | null; busy: boolean }
  onSubmit: (event: FormEvent) => void
  submitLabel: string
  children: ReactNode
}) {
  const { t } = useI18n()
  return (
    <>
      <ErrorBanner message={form.banner} />
      <form onSubmit={onSubmit} noValidate>
        {children}
        <button type="submit" className="btn btn-primary btn-block" disabled={form.busy}>
          {form.busy ? t('common.wait') : submitLabel}
        </button>
      </form>
    </>
  )
}

export function EmailField<K extends string>({ form, name }: { form: TextForm<K>; name: K }) {
  const { t } = useI18n()
  return <TextField label={t('auth.email')} type="email" autoComplete="email" required {...bind(form, name)} />
}

export function FullNameField<K extends string>({ form, name }: { form: TextForm<K>; name: K }) {
  const { t } = useI18n()
  return <TextField label={t('auth.fullName')} autoComplete="name" required {...bind(form, name)} />
}

/** `current` signs in; `new` chooses one (with the rule as its hint), `repeat` confirms it. */
export function PasswordField<K extends string>({ form, name, purpose, label }: { form: TextForm<K>; name: K; purpose: 'current' | 'new' | 'repeat'; label?: string }) {
  const { t } = useI18n()
  return (
    <TextField
      label={label ?? t('auth.password')}
      type="password"
      autoComplete={purpose === 'current' ? 'current-password' : 'new-password'}
      required
      hint={purpose === 'new' ? t('auth.passwordHint') : undefined}
      {...bind(form, name)}
    />
  )
}
