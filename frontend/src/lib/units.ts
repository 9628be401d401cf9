// Units people type on orders ("paia", "capi", "metri"…) in the reader's language: the
// district writes them in Italian; an English or Chinese reader should not see "paia".
import type { Locale } from '../i18n'

const UNITS: Record<string, { en: string; zh: string }> = {
  paia: { en: 'pairs', zh: '双' },
  paio: { en: 'pair', zh: '双' },
  capi: { en: 'garments', zh: '件' },
  capo: { en: 'garment', zh: '件' },
  pz: { en: 'pieces', zh: '件' },
  pezzi: { en: 'pieces', zh: '件' },
  rocche: { en: 'cones', zh: '筒' },
  pelli: { en: 'hides', zh: '张皮' },
  cm: { en: 'cm', zh: '厘米' },
  g: { en: 'g', zh: '克' },
  t: { en: 't', zh: '吨' },
  m2: { en: 'm²', zh: '平方米' },
  dm2: { en: 'dm²', zh: '平方分米' },
  ft2: { en: 'sq ft', zh: '平方英尺' },
  pezzo: { en: 'piece', zh: '件' },
  metri: { en: 'metres', zh: '米' },
  metro: { en: 'metre', zh: '米' },
  m: { en: 'm', zh: '米' },
  kg: { en: 'kg', zh: '公斤' },
  chili: { en: 'kg', zh: '公斤' },
  rotoli: { en: 'rolls', zh: '卷' },
  tomaie: { en: 'uppers', zh: '鞋面' },
  suole: { en: 'soles', zh: '鞋底' },
  borse: { en: 'bags', zh: '个包' },
  'm²': { en: 'm²', zh: '平方米' },
  mq: { en: 'm²', zh: '平方米' },
}

export function unitName(unit: string | null | undefined, locale: Locale): string {
  if (!unit) return ''
  if (locale === 'it') return unit
  return UNITS[unit.trim().toLowerCase()]?.[locale] ?? unit
}
