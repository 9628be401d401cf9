import { useI18n } from '../../i18n'
import type { Author } from './types'

export function AuthorLine({ author }: { author: Author }) {
  const { t } = useI18n()
  const who = author.association
    ? `${author.user_name ?? ''} · ${t('forum.association')}`
    : [author.user_name, author.firm_name].filter(Boolean).join(' · ')
  return <span className="author">{t('forum.by', { name: who })}</span>
}
