// Italian, English and Simplified Chinese through i18next with ICU messages
// ("{n, plural, one {1 contratto} other {# contratti}}"). The language comes from the
// browser the first time, can be switched from the menu, and is remembered. Dates,
// numbers and euro amounts go through Intl. Pages use `useI18n()` only: the library
// stays behind it.

import i18next, { type i18n as I18next } from 'i18next'
import ICU from 'i18next-icu'
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { it, type MessageKey as CoreMessageKey } from './it'
import { en } from './en'
import { zh } from './zh'
import { featureMessages, type FeatureMessageKey } from './features'

export type Locale = 'it' | 'en' | 'zh'
export type MessageKey = CoreMessageKey | FeatureMessageKey
export const LOCALES: readonly Locale[] = ['it', 'en', 'zh']
/** Each language named in itself, for the language menu. */
export const LOCALE_NAMES: Record<Locale, string> = { it: 'Italiano', en: 'English', zh: '中文' }
/** BCP 47 tags: the document language and Intl formatting. */
export const LOCALE_TAGS: Record<Locale, string> = { it: 'it-IT', en: 'en-GB', zh: 'zh-Hans-CN' }

/** Older feature catalogues may still write a singular as a `key_one` sibling: fold it
 * into an ICU plural so every catalogue speaks one syntax. */
export function withIcuPlurals(catalog: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {}
  for (const [key, text] of Object.entries(catalog)) {
    if (key.endsWith('_one')) continue
    const one = catalog[`${key}_one`]
    result[key] =
      one === undefined
        ? text
        : `{n, plural, one {${one.replaceAll('{n}', '#')}} other {${text.replaceAll('{n}', '#')}}}`
  }
  return result
}

// A feature key that repeats a core key would silently replace its wording everywhere (the
// document queue's title once named the contract's review card): the build refuses it.
type CollidingKeys = Extract<CoreMessageKey, FeatureMessageKey>
const noCollidingKeys: [CollidingKeys] extends [never] ? true : { collidingKeys: CollidingKeys } = true
void noCollidingKeys

export const CATALOGS: Record<Locale, Record<string, string>> = {
  it: withIcuPlurals({ ...it, ...featureMessages.it }),
  en: withIcuPlurals({ ...en, ...featureMessages.en }),
  zh: withIcuPlurals({ ...zh, ...featureMessages.zh }),
}
const STORAGE_KEY = 'distretto.locale'

function isLocale(value: unknown): value is Locale {
  return value === 'it' || value === 'en' || value === 'zh'
}

export function initialLocale(): Locale {
  const stored = localStorage.getItem(STORAGE_KEY)
  if (isLocale(stored)) return stored
  for (const language of navigator.languages ?? [navigator.language]) {
    const base = language.toLowerCase().slice(0, 2)
    if (isLocale(base)) return base
  }
  return 'it'
}

function createI18next(locale: Locale): I18next {
  const instance = i18next.createInstance()
  void instance.use(ICU).init({
    lng: locale,
    fallbackLng: 'it',
    resources: Object.fromEntries(LOCALES.map((l) => [l, { translation: CATALOGS[l] }])),
    // Our keys are flat ("order.title"): no nesting, no namespaces in the key.
    keySeparator: false,
    nsSeparator: false,
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  })
  return instance
}

const shared = createI18next(initialLocale())

export type Vars = Record<string, string | number>

export function translate(locale: Locale, key: MessageKey, vars?: Vars): string {
  return shared.t(key, { ...vars, lng: locale }) as string
}

/** The catalogue has this key (feature codes sent by the server may be unknown). */
export function hasMessage(key: string): boolean {
  return key in CATALOGS.it
}

function formatters(locale: Locale) {
  const tag = LOCALE_TAGS[locale]
  // Grouping always: Italian business documents write 5.700,00 € even below 10.000.
  // Up to 4 decimals: unit prices go below the cent (0,035 €/m); totals have 2.
  const euro = new Intl.NumberFormat(tag, { style: 'currency', currency: 'EUR', useGrouping: 'always', minimumFractionDigits: 2, maximumFractionDigits: 4 })
  const number = new Intl.NumberFormat(tag, { useGrouping: 'always' })
  const percent = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 })
  const date = new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'short', year: 'numeric' })
  const dateTime = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short' })
  const month = new Intl.DateTimeFormat(tag, { month: 'short', year: '2-digit', timeZone: 'UTC' })
  const monthLong = new Intl.DateTimeFormat(tag, { month: 'long', year: 'numeric', timeZone: 'UTC' })
  const relative = new Intl.RelativeTimeFormat(tag, { numeric: 'auto' })
  const toDate = (value: string) =>
    // A bare date ("2026-12-01") is a calendar day, not midnight UTC shifted by the zone.
    /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00`) : new Date(value)
  return {
    tag,
    money: (value: string | number | null | undefined) =>
      value === null || value === undefined || value === '' ? '—' : euro.format(Number(value)),
    number: (value: number | string | null | undefined) =>
      value === null || value === undefined ? '—' : number.format(Number(value)),
    percent: (value: number | null | undefined) =>
      value === null || value === undefined ? '—' : percent.format(value),
    date: (value: string | null | undefined) => (value ? date.format(toDate(value)) : '—'),
    dateTime: (value: string | null | undefined) => (value ? dateTime.format(toDate(value)) : '—'),
    month: (yyyyMm: string) => month.format(new Date(`${yyyyMm}-01T00:00:00Z`)),
    monthLong: (yyyyMm: string) => (yyyyMm ? monthLong.format(new Date(`${yyyyMm}-01T00:00:00Z`)) : '—'),
    relative: (value: string) => {
      const seconds = (toDate(value).getTime() - Date.now()) / 1000
      const units: [Intl.RelativeTimeFormatUnit, number][] = [
        ['day', 86400],
        ['hour', 3600],
        ['minute', 60],
      ]
      for (const [unit, size] of units) {
        if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit)
      }
      return relative.format(Math.round(seconds), 'second')
    },
  }
}

export type Formatters = ReturnType<typeof formatters>

interface I18n {
  locale: Locale
  setLocale: (locale: Locale) => void
  t: (key: MessageKey, vars?: Vars) => string
  fmt: Formatters
}

const I18nContext = createContext<I18n | null>(null)

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale)
  const setLocale = useCallback((next: Locale) => {
    localStorage.setItem(STORAGE_KEY, next)
    void shared.changeLanguage(next)
    setLocaleState(next)
  }, [])
  useEffect(() => {
    document.documentElement.lang = locale === 'zh' ? 'zh-Hans' : locale
  }, [locale])
  const value = useMemo<I18n>(
    () => ({
      locale,
      setLocale,
      t: (key, vars) => translate(locale, key, vars),
      fmt: formatters(locale),
    }),
    [locale, setLocale],
  )
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>
}

export function useI18n(): I18n {
  const value = useContext(I18nContext)
  if (!value) throw new Error('useI18n outside I18nProvider')
  return value
}
