// The shape of a feature catalogue, in its own module so feature files and index.ts
// import it without a cycle. `en` and `zh` must carry exactly the keys of `it`.

export interface FeatureCatalog<K extends string> {
  it: Record<K, string>
  en: Record<NoInfer<K>, string>
  zh: Record<NoInfer<K>, string>
}

export function defineMessages<K extends string>(catalog: FeatureCatalog<K>): FeatureCatalog<K> {
  return catalog
}
