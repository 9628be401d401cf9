// ISO 8601 weeks ("2026-W51"), as capacity calendars count them: Monday to Sunday, week 1
// is the one with the year's first Thursday. Days are handled as UTC midnights so the
// arithmetic never meets a daylight-saving shift.

const DAY = 86400_000

function mondayOfUtc(day: Date): Date {
  const monday = new Date(day)
  monday.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7))
  return monday
}

/** The Monday (UTC midnight) of the week holding the local calendar day of ``date``. */
export function mondayOf(date: Date): Date {
  return mondayOfUtc(new Date(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate())))
}

function labelOfUtc(day: Date): string {
  const thursday = new Date(mondayOfUtc(day).getTime() + 3 * DAY)
  const year = thursday.getUTCFullYear()
  const firstThursday = new Date(mondayOfUtc(new Date(Date.UTC(year, 0, 4))).getTime() + 3 * DAY)
  const week = 1 + Math.round((thursday.getTime() - firstThursday.getTime()) / (7 * DAY))
  return `${year}-W${String(week).padStart(2, '0')}`
}

export function isoWeek(date: Date): string {
  return labelOfUtc(mondayOf(date))
}

/** The labels of ``count`` consecutive ISO weeks from the current one. */
export function nextWeeks(count: number, from: Date = new Date()): string[] {
  const monday = mondayOf(from)
  return Array.from({ length: count }, (_, i) => labelOfUtc(new Date(monday.getTime() + 7 * i * DAY)))
}
