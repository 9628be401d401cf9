// Countries a firm may be registered in (ISO 3166-1 alpha-2), named in the reader's
// language: Italy first, then the EU and the countries the district's subcontracting
// reaches; the server accepts any ISO code.
import type { Locale } from '../i18n'

const COUNTRIES = [
  'IT', 'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE',
  'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'AL', 'BA', 'MK',
  'RS', 'ME', 'MD', 'UA', 'TR', 'TN', 'MA', 'EG', 'CH', 'GB', 'NO', 'CN', 'HK', 'BD', 'PK',
  'IN', 'LK', 'VN', 'KH', 'US',
]
const TAGS: Record<Locale, string> = { it: 'it-IT', en: 'en-GB', zh: 'zh-Hans-CN' }

export function countryOptions(locale: Locale): { value: string; label: string }[] {
  const names = new Intl.DisplayNames([TAGS[locale]], { type: 'region' })
  const [italy, ...others] = COUNTRIES.map((code) => ({ value: code, label: names.of(code) ?? code }))
  return [italy!, ...others.sort((a, b) => a.label.localeCompare(b.label, TAGS[locale]))]
}
