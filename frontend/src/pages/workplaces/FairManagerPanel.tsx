// What the consortium's secretary does with a trade fair: the exports and closing or
// reopening sign-ups (closing fixes every share).
import { useMutation } from '@tanstack/react-query'
import type { TradeFair } from '../../api/types'
import { apiClient } from '../../api/typed'
import { Card, ErrorBanner } from '../../components/ui'
import { useI18n } from '../../i18n'
import { ExportButton } from './ExportButton'

export function FairManagerPanel({ fair, onChange }: { fair: TradeFair; onChange: () => void }) {
  const { t } = useI18n()
  const toggle = useMutation({
    mutationFn: () => {
      const params = { path: { fair_id: fair.id } }
      return fair.signups_open
        ? apiClient.POST('/api/v1/trade-fairs/{fair_id}/close', { params })
        : apiClient.POST('/api/v1/trade-fairs/{fair_id}/reopen', { params })
    },
    onSuccess: onChange,
  })
  return (
    <Card title={t('secretary.manage')} className="manager-panel">
      <p className="muted small">{t('fair.managerNote')}</p>
      <ErrorBanner error={toggle.error} />
      <div className="button-row">
        <ExportButton path={`/trade-fairs/${fair.id}/participants.csv`} filename={`fiera-${fair.id}-iscritti.csv`} label={t('secretary.participantsCsv')} />
        <button type="button" className="btn btn-secondary btn-small" disabled={toggle.isPending} onClick={() => toggle.mutate()}>
          {fair.signups_open ? t('secretary.closeSignups') : t('secretary.reopenSignups')}
        </button>
      </div>
    </Card>
  )
}
