import type { CalendarFile, WorkingCalendar } from './calendar-schema.js'

// Dates are whole days counted from 1970-01-01 in UTC: no local time zone, no DST, no hours.
const DAY_MS = 86_400_000
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/

/** The day number (days since 1970-01-01) of a `YYYY-MM-DD` date; throws a RangeError if not a real date. */
export function dayNumber (date: string): number {
  const m = DATE_RE.exec(date)
  if (m !== null) {
    const d = new Date(0)
    d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
    const n = Math.round(d.getTime() / DAY_MS)
    if (dateOf(n) === date) return n
  }
  throw new RangeError(`not a real YYYY-MM-DD date: ${JSON.stringify(date)}`)
}

/** The `YYYY-MM-DD` date of a day number. */
export function dateOf (day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

/** True on Saturday and Sunday. */
export function isWeekend (date: string): boolean {
  const weekday = new Date(dayNumber(date) * DAY_MS).getUTCDay()
  return weekday === 0 || weekday === 6
}

/** Merges validated calendar files (pure; the loader checks them first). */
export function calendarOf (files: readonly CalendarFile[]): WorkingCalendar {
  const yearOf = (f: CalendarFile): number => Number(f.id.slice(-4))
  return {
    ids: files.map((f) => f.id),
    years: new Set(files.map(yearOf)),
    provisionalYears: new Set(files.filter((f) => f.provisional === true).map(yearOf)),
    holidays: new Set(files.flatMap((f) => f.holidays)),
    workdays: new Set(files.flatMap((f) => f.workdays))
  }
}
