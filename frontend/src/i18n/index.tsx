// Italian and English: the language comes from the browser the first time, can be
// switched, and is remembered. Dates, numbers and euro amounts go through Intl.

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'
import { it, type MessageKey as CoreMessageKey } from './it'
import { en } from './en'
import { featureMessages, type FeatureMessageKey } from './features'

export type Locale = 'it' | 'en'
export type MessageKey = CoreMessageKey | FeatureMessageKey

const CATALOGS: Record<Locale, Record<string, string>> = {
  it: { ...it, ...featureMessages.it },
  en: { ...en, ...featureMessages.en },
}
const STORAGE_KEY = 'distretto.locale'

export function initialLocale(): Locale {
  const stored = localStorage.getItem(STORAGE_KEY)
  if (stored === 'it' || stored === 'en') return stored
  for (const language of navigator.languages ?? [navigator.language]) {
    const base = language.toLowerCase().slice(0, 2)
    if (base === 'it' || base === 'en') return base
  }
  return 'it'
}

export type Vars = Record<string, string | number>

export function translate(locale: Locale, key: MessageKey, vars?: Vars): string {
  // Italian and English both have one singular form: "{n} contratti" has a "_one" sibling.
  const catalog = CATALOGS[locale]
  const singular = vars && Number(vars.n) === 1 ? catalog[`${key}_one`] : undefined
  const template = singular ?? catalog[key] ?? key
  if (!vars) return template
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  )
}

function formatters(locale: Locale) {
  const tag = locale === 'it' ? 'it-IT' : 'en-GB'
  // Grouping always: Italian business documents write 5.700,00 € even below 10.000.
  const euro = new Intl.NumberFormat(tag, { style: 'currency', currency: 'EUR', useGrouping: 'always' })
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
    setLocaleState(next)
  }, [])
  useEffect(() => {
    document.documentElement.lang = locale
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
