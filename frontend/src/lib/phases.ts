import type { Phase } from '../api/types'
import type { Locale } from '../i18n'

export function phaseName(phases: Phase[], code: string, locale: Locale): string {
  const phase = phases.find((p) => p.code === code)
  if (!phase) return code
  return locale === 'it' ? phase.name_it : phase.name
}

/** Leaf phases grouped under their parent, for pickers. */
export function groupedPhases(phases: Phase[], locale: Locale): { group: string; items: { code: string; name: string }[] }[] {
  const name = (p: Phase) => (locale === 'it' ? p.name_it : p.name)
  return phases
    .filter((p) => p.parent === null)
    .map((parent) => ({
      group: name(parent),
      items: phases.filter((p) => p.parent === parent.code).map((p) => ({ code: p.code, name: name(p) })),
    }))
    .filter((g) => g.items.length > 0)
}
