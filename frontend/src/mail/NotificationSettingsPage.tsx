import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { Link } from 'react-router-dom'
import { keys } from '../api/keys'
import { apiClient, data } from '../api/typed'
import { useAuth } from '../auth/AuthContext'
import { CheckboxField, SelectField } from '../components/Field'
import { useToast } from '../components/Toasts'
import { Card, Empty, ErrorBanner, Loading, PageHeader } from '../components/ui'
import { describeError } from '../hooks/useForm'
import { LOCALE_NAMES, LOCALES, useI18n } from '../i18n'
import { phaseName } from '../lib/phases'
import { MAIL_KINDS, type MailKinds, type NotificationSettings, type SavedSearch } from './types'

const MODES = ['immediate', 'daily', 'off'] as const

/** Every kind with its value (a kind the server did not send is wanted). */
function allKinds(kinds: Partial<MailKinds> | undefined): MailKinds {
  return Object.fromEntries(MAIL_KINDS.map((kind) => [kind, kinds?.[kind] ?? true])) as MailKinds
}

function SettingsForm() {
  const settings = useQuery({
    queryKey: keys.notificationSettings,
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/me/notification-settings', { signal })),
  })
  if (settings.error) return <ErrorBanner error={settings.error} onRetry={() => void settings.refetch()} />
  if (!settings.data) return <Loading />
  return <SettingsEditor saved={settings.data} />
}

/** The form edits its own copy of the settings read; saving stores the server's answer. */
function SettingsEditor({ saved }: { saved: NotificationSettings }) {
  const { t } = useI18n()
  const push = useToast()
  const queryClient = useQueryClient()
  const [values, setValues] = useState(saved)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const save = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const stored = await data(apiClient.PUT('/api/v1/me/notification-settings', { body: values }))
      queryClient.setQueryData(keys.notificationSettings, stored)
      setValues(stored)
      push({ tone: 'success', title: t('mailSettings.saved') })
    } catch (failure) {
      setError(describeError(failure, t))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form onSubmit={save} noValidate>
      <ErrorBanner message={error} />
      <fieldset className="field mail-fieldset">
        <legend>{t('mailSettings.when')}</legend>
        <div className="radio-cards">
          {MODES.map((mode) => (
            <label key={mode} className={values.email === mode ? 'radio-card radio-card-on' : 'radio-card'}>
              <input type="radio" name="mail-mode" value={mode} checked={values.email === mode} onChange={() => setValues({ ...values, email: mode })} />
              <strong>{t(`mailSettings.${mode}`)}</strong>
              <span>{t(`mailSettings.${mode}Hint`)}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <SelectField
        label={t('mailSettings.language')}
        value={values.language}
        onChange={(e) => setValues({ ...values, language: e.target.value as NotificationSettings['language'] })}
        options={LOCALES.map((code) => ({ value: code, label: LOCALE_NAMES[code] }))}
      />
      <fieldset className="field mail-fieldset" disabled={values.email === 'off'}>
        <legend>{t('mailSettings.kinds')}</legend>
        {MAIL_KINDS.map((kind) => (
          <CheckboxField
            key={kind}
            label={t(`mailSettings.kind.${kind}`)}
            checked={values.kinds?.[kind] ?? true}
            onChange={(e) => setValues({ ...values, kinds: { ...allKinds(values.kinds), [kind]: e.target.checked } })}
          />
        ))}
      </fieldset>
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {busy ? t('common.wait') : t('mailSettings.save')}
      </button>
    </form>
  )
}

function SavedSearches() {
  const { t, locale, fmt } = useI18n()
  const { phases } = useAuth()
  const push = useToast()
  const queryClient = useQueryClient()
  const searches = useQuery({
    queryKey: keys.savedSearches,
    queryFn: ({ signal }) => data(apiClient.GET('/api/v1/me/saved-searches', { signal })),
  })
  const reload = () => void queryClient.invalidateQueries({ queryKey: keys.savedSearches })
  const criteria = (search: SavedSearch) =>
    [
      search.phase ? phaseName(phases, search.phase, locale) : t('searches.anyPhase'),
      search.region,
      search.province,
      search.q && t('searches.words', { q: search.q }),
      search.min_quantity && t('searches.minQuantity', { n: fmt.number(search.min_quantity) }),
    ]
      .filter(Boolean)
      .join(' · ')
  const remove = async (search: SavedSearch) => {
    try {
      await apiClient.DELETE('/api/v1/me/saved-searches/{search_id}', { params: { path: { search_id: search.id } } })
      push({ tone: 'success', title: t('searches.deleted'), body: search.name })
      reload()
    } catch (error) {
      push({ tone: 'error', title: describeError(error, t) })
    }
  }
  return (
    <Card title={t('searches.title')}>
      <p className="muted">{t('searches.lead')}</p>
      <ErrorBanner error={searches.error} onRetry={reload} />
      {!searches.data && !searches.error && <Loading />}
      {searches.data?.length === 0 && (
        <Empty title={t('searches.empty')} action={<Link className="btn btn-secondary" to="/board">{t('searches.toBoard')}</Link>}>
          {t('searches.emptyText')}
        </Empty>
      )}
      <ul className="plain-list saved-searches">
        {searches.data?.map((search) => (
          <li key={search.id} className="saved-search">
            <div>
              <strong>{search.name}</strong>
              {/* The criteria, unless the name already says just that (an "Avvisami" search). */}
              {criteria(search) !== search.name && <div className="muted small">{criteria(search)}</div>}
            </div>
            <button type="button" className="btn btn-ghost btn-small" aria-label={t('searches.deleteLabel', { name: search.name })} onClick={() => void remove(search)}>
              {t('searches.delete')}
            </button>
          </li>
        ))}
      </ul>
    </Card>
  )
}

export function NotificationSettingsPage() {
  const { t } = useI18n()
  return (
    <div className="narrow mail-settings">
      <PageHeader title={t('mailSettings.title')} subtitle={t('mailSettings.lead')} />
      <Card>
        <SettingsForm />
      </Card>
      <SavedSearches />
    </div>
  )
}
