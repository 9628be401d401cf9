import { useEffect, useState, type FormEvent } from 'react'
import { Link } from 'react-router-dom'
import { api } from '../api/client'
import { useAuth } from '../auth/AuthContext'
import { CheckboxField, SelectField } from '../components/Field'
import { useToast } from '../components/Toasts'
import { Card, Empty, ErrorBanner, Loading, PageHeader } from '../components/ui'
import { describeError } from '../hooks/useForm'
import { useLoad } from '../hooks/useLoad'
import { LOCALE_NAMES, LOCALES, useI18n } from '../i18n'
import { phaseName } from '../lib/phases'
import { MAIL_KINDS, type MailKinds, type NotificationSettings, type SavedSearch } from './types'

const MODES = ['immediate', 'daily', 'off'] as const

/** Every kind with its value (a kind the server did not send is wanted). */
function allKinds(kinds: Partial<MailKinds> | undefined): MailKinds {
  return Object.fromEntries(MAIL_KINDS.map((kind) => [kind, kinds?.[kind] ?? true])) as MailKinds
}

function SettingsForm() {
  const { t } = useI18n()
  const push = useToast()
  const loaded = useLoad((signal) => api.get<NotificationSettings>('/me/notification-settings', undefined, signal), [])
  const [values, setValues] = useState<NotificationSettings | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (loaded.data) setValues(loaded.data)
  }, [loaded.data])
  if (loaded.error) return <ErrorBanner error={loaded.error} onRetry={loaded.reload} />
  if (!values) return <Loading />
  const save = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      setValues(await api.put<NotificationSettings>('/me/notification-settings', values))
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
  const searches = useLoad((signal) => api.get<SavedSearch[]>('/me/saved-searches', undefined, signal), [])
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
      await api.delete(`/me/saved-searches/${search.id}`)
      push({ tone: 'success', title: t('searches.deleted'), body: search.name })
      searches.reload()
    } catch (error) {
      push({ tone: 'error', title: describeError(error, t) })
    }
  }
  return (
    <Card title={t('searches.title')}>
      <p className="muted">{t('searches.lead')}</p>
      <ErrorBanner error={searches.error} onRetry={searches.reload} />
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
