import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { keys } from '../api/keys'
import { apiClient, data } from '../api/typed'
import { SelectField, TextField } from '../components/Field'
import { useToast } from '../components/Toasts'
import { Card, ErrorBanner, Loading } from '../components/ui'
import { describeError, useForm } from '../hooks/useForm'
import { useI18n } from '../i18n'
import type { FirmRole, Invitation } from './types'

const ROLES = ['owner', 'manager', 'member'] as const satisfies readonly FirmRole[]

/** The owner's view of the firm's pending invitations: invite by email with a role,
 * revoke what is still pending. */
export function FirmInvitationsCard({ firmId }: { firmId: number }) {
  const { t, fmt } = useI18n()
  const push = useToast()
  const queryClient = useQueryClient()
  const pendingKey = keys.firmPart(firmId, 'invitations')
  const pending = useQuery({
    queryKey: pendingKey,
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/firms/{firm_id}/invitations', { params: { path: { firm_id: firmId } }, signal })),
  })
  const reload = () => void queryClient.invalidateQueries({ queryKey: pendingKey })
  const form = useForm<{ email: string; role: FirmRole }>({ email: '', role: 'member' })
  const [sent, setSent] = useState<string | null>(null)
  const invite = async (event: FormEvent) => {
    event.preventDefault()
    const email = form.values.email.trim()
    setSent(null)
    const ok = await form.submit(
      async () => {
        await apiClient.POST('/api/v1/firms/{firm_id}/invitations', { params: { path: { firm_id: firmId } }, body: { email, role: form.values.role } })
      },
      () => (/^\S+@\S+\.\S+$/.test(email) ? {} : { email: t('auth.emailInvalid') }),
    )
    if (ok) {
      setSent(email)
      form.set('email', '')
      reload()
    }
  }
  const revoke = async (invitation: Invitation) => {
    try {
      await apiClient.DELETE('/api/v1/firms/{firm_id}/invitations/{invitation_id}', { params: { path: { firm_id: firmId, invitation_id: invitation.id } } })
      push({ tone: 'success', title: t('invites.revoked'), body: invitation.email })
      reload()
    } catch (error) {
      push({ tone: 'error', title: describeError(error, t) })
    }
  }
  return (
    <Card title={t('invites.title')}>
      <p className="muted">{t('invites.lead')}</p>
      <ErrorBanner error={pending.error} onRetry={reload} />
      {!pending.data && !pending.error && <Loading />}
      {pending.data?.length === 0 && <p className="muted">{t('invites.empty')}</p>}
      <ul className="plain-list invitations" aria-label={t('invites.title')}>
        {pending.data?.map((invitation) => (
          <li key={invitation.id} className="saved-search">
            <div>
              <strong>{invitation.email}</strong>
              <div className="muted small">
                {t(`role.${invitation.role}`)} · {t('invites.expires', { date: fmt.date(invitation.expires_at) })}
              </div>
            </div>
            <button type="button" className="btn btn-ghost btn-small" aria-label={t('invites.revokeLabel', { email: invitation.email })} onClick={() => void revoke(invitation)}>
              {t('invites.revoke')}
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={invite} noValidate>
        <ErrorBanner message={form.banner} />
        {sent && <p className="success-text" role="status">{t('invites.sent', { email: sent })}</p>}
        <TextField label={t('auth.email')} type="email" value={form.values.email} onChange={(e) => form.set('email', e.target.value)} error={form.errors.email} />
        <SelectField
          label={t('members.role')}
          value={form.values.role}
          onChange={(e) => {
            // The options are the roles, so the chosen value is always one of them.
            const role = ROLES.find((r) => r === e.target.value)
            if (role) form.set('role', role)
          }}
          options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
        />
        <button type="submit" className="btn btn-primary" disabled={form.busy}>
          {t('invites.send')}
        </button>
      </form>
    </Card>
  )
}
