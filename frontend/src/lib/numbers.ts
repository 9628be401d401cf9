// Numbers and dates the user's way (issue 13). Italian: 18.500,00 · 0,035 · 31/12/2026;
// English: 18,500.00 · 31/12/2026; Chinese: 18,500.00 · 2026-12-31. Forms parse what
// people type into the API's canonical form ("18500.00", "2026-12-31") and say clearly
// what they cannot read; they never guess (in Italian "0.035" is refused, not 35).
import type { Locale } from '../i18n'

interface Separators {
  group: string
  decimal: string
}

const SEPARATORS: Record<Locale, Separators> = {
  it: { group: '.', decimal: ',' },
  en: { group: ',', decimal: '.' },
  zh: { group: ',', decimal: '.' },
}

export type NumberProblem = 'empty' | 'format' | 'decimals' | 'positive'
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: NumberProblem }

/** What people type, as the API's decimal string ("1.250,5" in Italian → "1250.5"). */
export function parseDecimal(text: string, locale: Locale, maxDecimals: number): Parsed<string> {
  const { group, decimal } = SEPARATORS[locale]
  const raw = text.replace(/[\s\u00a0\u202f']/g, '')
  if (raw === '') return { ok: false, problem: 'empty' }
  const parts = raw.split(decimal)
  if (parts.length > 2) return { ok: false, problem: 'format' }
  const whole = parts[0] ?? ''
  const fraction = parts[1] ?? ''
  if (parts.length === 2 && fraction === '') return { ok: false, problem: 'format' }
  if (!/^\d*$/.test(fraction)) return { ok: false, problem: 'format' }
  // Groups of three after the first 1-3 digits ("18.500"), or no grouping at all.
  const grouped = new RegExp(`^\\d{1,3}(\\${group}\\d{3})+$`)
  if (!/^\d+$/.test(whole) && !grouped.test(whole)) return { ok: false, problem: 'format' }
  const digits = whole.split(group).join('').replace(/^0+(?=\d)/, '')
  if (fraction.length > maxDecimals) return { ok: false, problem: 'decimals' }
  return { ok: true, value: fraction ? `${digits}.${fraction}` : digits }
}

/** A positive amount or quantity (the forms' usual need). */
export function parsePositive(text: string, locale: Locale, maxDecimals: number): Parsed<string> {
  const parsed = parseDecimal(text, locale, maxDecimals)
  if (parsed.ok && Number(parsed.value) <= 0) return { ok: false, problem: 'positive' }
  return parsed
}

/** A canonical decimal ("1250.5") the user's way ("1.250,5"), keeping its decimals
 * between ``min`` and ``max``. */
export function formatDecimal(value: string | number | null | undefined, locale: Locale, min = 0, max = 4): string {
  if (value === null || value === undefined || value === '') return ''
  const tags: Record<Locale, string> = { it: 'it-IT', en: 'en-GB', zh: 'zh-Hans-CN' }
  return new Intl.NumberFormat(tags[locale], {
    minimumFractionDigits: min,
    maximumFractionDigits: max,
    useGrouping: 'always',
  }).format(Number(value))
}

const ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/
const DAY_FIRST = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/
const YEAR_FIRST = /^(\d{4})[/.年-](\d{1,2})[/.月-](\d{1,2})日?$/

function iso(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/** A calendar day typed the user's way ("31/12/2026"; Chinese "2026-12-31"; ISO always). */
export function parseDate(text: string, locale: Locale): Parsed<string> {
  const raw = text.trim()
  if (raw === '') return { ok: false, problem: 'empty' }
  let match = ISO_DATE.exec(raw) ?? (locale === 'zh' ? YEAR_FIRST.exec(raw) : null)
  if (match) {
    const day = iso(Number(match[1]), Number(match[2]), Number(match[3]))
    return day ? { ok: true, value: day } : { ok: false, problem: 'format' }
  }
  match = locale === 'zh' ? null : DAY_FIRST.exec(raw)
  if (match) {
    const day = iso(Number(match[3]), Number(match[2]), Number(match[1]))
    return day ? { ok: true, value: day } : { ok: false, problem: 'format' }
  }
  return { ok: false, problem: 'format' }
}

/** An ISO day ("2026-12-31") as the user writes it ("31/12/2026"). */
export function formatDateInput(value: string | null | undefined, locale: Locale): string {
  if (!value) return ''
  const [year, month, day] = value.slice(0, 10).split('-')
  return locale === 'zh' ? `${year}-${month}-${day}` : `${day}/${month}/${year}`
}

/** The examples the fields show, so people see the expected shape. */
export function numberExample(locale: Locale, decimals: number): string {
  return formatDecimal(decimals >= 3 ? '1250.5' : '18500', locale, decimals >= 3 ? 1 : 2, decimals)
}

export function dateExample(locale: Locale): string {
  return formatDateInput('2026-12-31', locale)
}

