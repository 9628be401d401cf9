// Every export the API offers (CSV sheets, calendar files) as a button: the file is
// fetched with the session's credentials, calendars in the person's language.
import { useState } from 'react'
import { api } from '../../api/client'
import { ErrorBanner } from '../../components/ui'
import { useI18n } from '../../i18n'

export function ExportButton({ path, filename, label, calendar }: { path: string; filename: string; label: string; calendar?: boolean }) {
  const { locale } = useI18n()
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const run = async () => {
    setError(null)
    setBusy(true)
    try {
      await api.download(calendar ? `${path}?lang=${locale}` : path, filename)
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <button type="button" className="btn btn-secondary btn-small" disabled={busy} onClick={() => void run()}>
        <span aria-hidden="true">⤓ </span>
        {label}
      </button>
      {error ? <ErrorBanner error={error} /> : null}
    </>
  )
}
