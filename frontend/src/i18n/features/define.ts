// The shape of a feature catalogue (see index.ts): Italian first, English and Chinese with
// exactly the same keys.

export interface FeatureCatalog<K extends string> {
  it: Record<K, string>
  en: Record<NoInfer<K>, string>
  zh: Record<NoInfer<K>, string>
}

export function defineMessages<K extends string>(catalog: FeatureCatalog<K>): FeatureCatalog<K> {
  return catalog
}
