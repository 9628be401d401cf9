import { api } from '../../api/client'
import type { TariffList } from '../../api/institutions'

// Tariffs change a few times a year: one request per phase per page visit is plenty.
const cache = new Map<string, Promise<TariffList>>()

export function tariffsFor(phase: string): Promise<TariffList> {
  let pending = cache.get(phase)
  if (!pending) {
    pending = api.get<TariffList>('/tariffs', { phase })
    pending.catch(() => cache.delete(phase))
    cache.set(phase, pending)
  }
  return pending
}

export function forgetTariffs(): void {
  cache.clear()
}
