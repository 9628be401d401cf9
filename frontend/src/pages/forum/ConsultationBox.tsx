import { useState, type FormEvent } from 'react'
import { apiClient } from '../../api/typed'
import { useAuth } from '../../auth/AuthContext'
import { Card, ErrorBanner, Notice } from '../../components/ui'
import { useI18n } from '../../i18n'
import type { Consultation } from './types'

/** Voting while open (one vote per firm, changeable), results once closed. */
export function ConsultationBox({ topicId, consultation, onVoted }: { topicId: number; consultation: Consultation; onVoted: () => void }) {
  const { t, fmt } = useI18n()
  const { me, firmId, canManage } = useAuth()
  const firmName = me?.memberships.find((m) => m.firm_id === firmId)?.firm_name ?? ''
  const current = consultation.my_votes.find((v) => v.firm_id === firmId)
  const [option, setOption] = useState(current?.option ?? '')
  const [error, setError] = useState<unknown>(null)
  const [saved, setSaved] = useState(false)
  const [busy, setBusy] = useState(false)
  const title = `${t('forum.consultation')} · ${
    consultation.closed
      ? t('forum.consultationClosed', { when: fmt.dateTime(consultation.closes_at) })
      : t('forum.consultationOpen', { when: fmt.dateTime(consultation.closes_at) })
  }`
  if (consultation.closed) {
    const total = consultation.total_votes ?? 0
    return (
      <Card title={title} className="consultation">
        <h3>{t('forum.results')}</h3>
        <ul className="results" data-testid="consultation-results">
          {(consultation.results ?? []).map((row) => (
            <li key={row.option}>
              <div className="spread">
                <span>{row.option}</span>
                <strong>
                  {t('forum.votes', { n: row.votes })} · {fmt.percent(total ? row.votes / total : 0)}
                </strong>
              </div>
              <div className="result-bar" aria-hidden="true">
                <span style={{ width: `${total ? (100 * row.votes) / total : 0}%` }} />
              </div>
            </li>
          ))}
        </ul>
        <p className="muted small">{t('forum.totalVotes', { n: total })}</p>
      </Card>
    )
  }
  const vote = async (event: FormEvent) => {
    event.preventDefault()
    if (!firmId || !option) return
    setBusy(true)
    setError(null)
    try {
      await apiClient.POST('/api/v1/forum/topics/{topic_id}/votes', { params: { path: { topic_id: topicId } }, body: { firm_id: firmId, option } })
      setSaved(true)
      onVoted()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Card title={title} className="consultation">
      <p className="small muted">{t('forum.onePerFirm')}</p>
      {current && <Notice tone="success">{t('forum.yourVote', { firm: firmName, option: current.option })}</Notice>}
      {saved && !current && <Notice tone="success">{t('forum.voteSaved')}</Notice>}
      <ErrorBanner error={error} />
      {!me || !firmId ? (
        <p>{t('forum.voteSignIn')}</p>
      ) : !canManage ? (
        <p>{t('forum.voteNeedsManager')}</p>
      ) : (
        <form onSubmit={vote}>
          <fieldset className="vote-options">
            <legend>{t('forum.voteFor', { firm: firmName })}</legend>
            {consultation.options.map((choice) => (
              <label key={choice}>
                <input type="radio" name={`vote-${topicId}`} value={choice} checked={option === choice} onChange={() => setOption(choice)} />
                {choice}
              </label>
            ))}
          </fieldset>
          <button type="submit" className="btn btn-primary" disabled={busy || !option}>
            {current ? t('forum.changeVote') : t('forum.vote')}
          </button>
        </form>
      )}
      <p className="small muted">{t('forum.resultsAfter')}</p>
    </Card>
  )
}
