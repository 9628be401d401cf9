// Feature catalogues: each feature keeps its own strings in one file here
// (`features/<feature>.ts`), in every language the app speaks, so features grow without
// all editing the two big catalogues. A feature file does
//   import { defineMessages } from './define'
//   export const documents = defineMessages({ it: {...}, en: {...}, zh: {...} })
// and is listed below; `en` and `zh` must carry exactly the keys of `it` (the type checks it).

import type { FeatureCatalog } from './define'
import { app } from './app'
import { capacity } from './capacity'
import { documents } from './documents'
import { forum } from './forum'
import { guarantees } from './guarantees'
import { mail } from './mail'
import { problems } from './problems'
import { tariffs } from './tariffs'
import { trade } from './trade'
import { workplaces } from './workplaces'

// List every feature catalogue here: import it at the top, add it to this list.
export const FEATURE_CATALOGS = [app, problems, workplaces, documents, tariffs, capacity, forum, guarantees, trade, mail] as const

type Keys<C> = C extends FeatureCatalog<infer K> ? K : never
export type FeatureMessageKey = Keys<(typeof FEATURE_CATALOGS)[number]>

function merged(locale: 'it' | 'en' | 'zh'): Record<string, string> {
  return Object.assign({}, ...FEATURE_CATALOGS.map((catalog: FeatureCatalog<string>) => catalog[locale]))
}

export const featureMessages = { it: merged('it'), en: merged('en'), zh: merged('zh') }
