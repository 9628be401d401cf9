import type { Locale } from '../../i18n'
import type { ForumCategory } from './types'

/** A category's name in the reader's language (the server stores it, it, en and zh). */
export function categoryName(category: ForumCategory, locale: Locale | 'zh'): string {
  if (locale === 'zh') return category.name_zh
  return locale === 'en' ? category.name_en : category.name_it
}
