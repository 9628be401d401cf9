import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { Link, useNavigate } from 'react-router-dom'
import { apiClient, data } from '../api/typed'
import type { ConsortiumKind } from '../api/types'
import { useAuth } from '../auth/AuthContext'
import { SelectField, TextArea, TextField } from '../components/Field'
import { Card, Empty, ErrorBanner, Loading, PageHeader } from '../components/ui'
import { useForm } from '../hooks/useForm'
import { useI18n, type MessageKey } from '../i18n'
import { RECONNECTED, useLiveEvents } from '../live/LiveContext'

const KINDS: ConsortiumKind[] = ['export', 'marketing', 'training', 'general', 'credit_guarantee']

export function ConsortiaPage() {
  const { t, fmt } = useI18n()
  const { me } = useAuth()
  const [kind, setKind] = useState<ConsortiumKind | ''>('')
  const [creating, setCreating] = useState(false)
  const queryClient = useQueryClient()
  const list = useQuery({
    queryKey: ['consortia', { kind }],
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/consortia', { params: { query: { kind: kind || undefined, limit: 100 } }, signal })),
  })
  const reload = () => void queryClient.invalidateQueries({ queryKey: ['consortia'] })
  // Member counts and the viewer's role change when a membership is decided.
  useLiveEvents(['membership.approved', 'membership.ended', RECONNECTED], reload)
  return (
    <div>
      <PageHeader
        title={t('consortia.title')}
        subtitle={t('consortia.lead')}
        actions={
          me && (
            <button type="button" className="btn btn-secondary" onClick={() => setCreating((open) => !open)} aria-expanded={creating}>
              {t('consortia.create')}
            </button>
          )
        }
      />
      {creating && <CreateConsortium />}
      <div className="toolbar">
        <label className="inline-select">
          {t('consortia.kind')}{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value as ConsortiumKind | '')}>
            <option value="">{t('consortia.allKinds')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBanner error={list.error} onRetry={reload} />
      {list.isPending && <Loading />}
      {list.data && list.data.items.length === 0 && <Empty title={t('consortia.empty')} />}
      <ul className="firm-grid">
        {list.data?.items.map((c) => (
          <li key={c.id} className="firm-card consortium-card">
            <span className={`kind-tag kind-${c.kind}`}>{t(`kind.${c.kind}` as MessageKey)}</span>
            <h2>
              <Link to={`/consortia/${c.id}`}>{c.name}</Link>
            </h2>
            <p className="muted small clamp">{c.description}</p>
            <p className="small">
              {t('consortia.members', { n: fmt.number(c.member_count) })}
              {c.viewer_role && <span className="badge badge-green">{t(`consortia.role.${c.viewer_role}`)}</span>}
            </p>
          </li>
        ))}
      </ul>
    </div>
  )
}

function CreateConsortium() {
  const { t } = useI18n()
  const { reloadMe } = useAuth()
  const navigate = useNavigate()
  const form = useForm<{ name: string; description: string; kind: ConsortiumKind }>({ name: '', description: '', kind: 'export' })
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    let id = 0
    const ok = await form.submit(
      async () => {
        id = (await data(apiClient.POST('/api/v1/consortia', { body: form.values }))).id
      },
      () => (form.values.name.trim().length >= 2 ? {} : { name: t('firmNew.nameShort') }),
    )
    if (ok) {
      await reloadMe()
      navigate(`/consortia/${id}`)
    }
  }
  return (
    <Card title={t('consortia.create')}>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorBanner message={form.banner} />
        <TextField label={t('consortia.name')} required value={form.values.name} onChange={(e) => form.set('name', e.target.value)} error={form.errors.name} />
        {/* The select offers only KINDS, so its value is one of them. */}
        <SelectField label={t('consortia.kind')} value={form.values.kind} onChange={(e) => form.set('kind', e.target.value as ConsortiumKind)} options={KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))} error={form.errors.kind} />
        <TextArea label={t('firm.description')} rows={3} value={form.values.description} onChange={(e) => form.set('description', e.target.value)} error={form.errors.description} />
        <button type="submit" className="btn btn-primary" disabled={form.busy}>
          {t('consortia.createSubmit')}
        </button>
      </form>
    </Card>
  )
}
