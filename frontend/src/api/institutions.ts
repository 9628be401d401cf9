// Types of the district's institutions (reference tariffs, capacity calendars), from the
// generated OpenAPI schema, kept apart from types.ts so features grow without colliding.

import type { components } from './schema'

type Schemas = components['schemas']

export type Tariff = Schemas['TariffOut']
export type TariffVersion = Schemas['TariffVersionOut']
export type TariffList = Schemas['TariffList']
export type BelowTariffReport = Schemas['BelowTariffReport']
export type FirmCapacity = Schemas['FirmCapacityOut']
export type CapacityWeek = Schemas['CapacityWeekOut']

/** The unit as the server keys tariffs and calendars by it (stripped, lower case). */
export function unitCode(unit: string): string {
  return unit.trim().toLowerCase()
}
