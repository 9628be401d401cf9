import type { Phase } from '../api/types'
import type { Locale } from '../i18n'

// The API names phases in Italian and English; Chinese names live here until the
// taxonomy carries them (words used in Prato's Chinese-owned workshops).
const PHASE_NAMES_ZH: Record<string, string> = {
  textile: '纺织',
  spinning: '纺纱',
  carding: '梳毛',
  wool_regeneration: '再生羊毛',
  twisting: '并线捻线',
  warping: '整经',
  weaving: '织布',
  knitting: '针织',
  dyeing: '染色',
  printing: '印花',
  finishing: '面料后整理',
  apparel: '服装',
  pattern_making: '打版',
  cutting: '裁剪',
  stitching: '车缝',
  embroidery: '绣花',
  garment_washing: '成衣水洗',
  ironing: '整烫',
  footwear: '鞋业',
  upper_cutting: '鞋面裁断',
  upper_stitching: '鞋面针车',
  sole_making: '鞋底制造',
  lasting: '成型组装',
  shoe_finishing: '鞋类后整理',
  leather: '皮革',
  tanning: '鞣制',
  leather_goods: '皮具',
  services: '服务',
  quality_control: '质检',
  packaging: '包装',
  logistics: '物流',
}

function localName(phase: Phase, locale: Locale): string {
  if (locale === 'it') return phase.name_it
  if (locale === 'zh') return PHASE_NAMES_ZH[phase.code] ?? phase.name
  return phase.name
}

export function phaseName(phases: Phase[], code: string, locale: Locale): string {
  const phase = phases.find((p) => p.code === code)
  if (!phase) return code
  return localName(phase, locale)
}

/** Leaf phases grouped under their parent, for pickers. */
export function groupedPhases(phases: Phase[], locale: Locale): { group: string; items: { code: string; name: string }[] }[] {
  const name = (p: Phase) => localName(p, locale)
  return phases
    .filter((p) => p.parent === null)
    .map((parent) => ({
      group: name(parent),
      items: phases.filter((p) => p.parent === parent.code).map((p) => ({ code: p.code, name: name(p) })),
    }))
    .filter((g) => g.items.length > 0)
}
