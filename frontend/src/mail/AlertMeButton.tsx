import { useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { keys } from '../api/keys'
import { apiClient } from '../api/typed'
import { useAuth } from '../auth/AuthContext'
import { useToast } from '../components/Toasts'
import { describeError } from '../hooks/useForm'
import { useI18n } from '../i18n'
import { phaseName } from '../lib/phases'
import type { SavedSearchIn } from './types'

/** "Avvisami": saves the board's current filters as a search; new public orders that
 * match it are announced in the app and by email. */
export function AlertMeButton({ phase, region, q }: { phase: string; region: string; q: string }) {
  const { t, locale } = useI18n()
  const { phases } = useAuth()
  const push = useToast()
  const queryClient = useQueryClient()
  const [busy, setBusy] = useState(false)
  const name = [q && `«${q}»`, phase && phaseName(phases, phase, locale), region].filter(Boolean).join(' · ') || t('alert.allOrders')
  const save = async () => {
    setBusy(true)
    const body: SavedSearchIn = { name: name.slice(0, 80), phase: phase || null, region: region || null, q: q || null }
    try {
      await apiClient.POST('/api/v1/me/saved-searches', { body })
      void queryClient.invalidateQueries({ queryKey: keys.savedSearches })
      push({ tone: 'success', title: t('alert.created'), body: name, link: '/settings/notifications' })
    } catch (error) {
      push({ tone: 'error', title: describeError(error, t) })
    } finally {
      setBusy(false)
    }
  }
  return (
    <button type="button" className="btn btn-secondary" onClick={() => void save()} disabled={busy} title={t('alert.hint')} data-testid="alert-me">
      <span aria-hidden="true">✉ </span>
      {t('alert.button')}
    </button>
  )
}
