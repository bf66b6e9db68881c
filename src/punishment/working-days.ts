import type { WorkingCalendar } from '../../config/calendar-schema.js'
import { calendarOf, dateOf, dayNumber, isWeekend } from '../../config/calendar-days.js'

export { calendarOf, dateOf, dayNumber, isWeekend }

const DAY_MS = 86_400_000
const OFFSET_RE = /^([+-])(\d{2}):(\d{2})$/

/** China Standard Time. China has kept one fixed offset, without daylight saving, since 1991. */
export const CHINA_STANDARD_TIME = '+08:00'

/** A calendar with no files: weekends only, every year uncovered. */
export const WEEKENDS_ONLY: WorkingCalendar = calendarOf([])

/**
 * Whether `date` is a working day: a listed makeup day is, a listed holiday is not, otherwise
 * Monday to Friday are. In a year no calendar covers, only weekends are off (see {@link coverage}).
 */
export function isWorkingDay (date: string, cal: WorkingCalendar): boolean {
  if (cal.workdays.has(date)) return true
  if (cal.holidays.has(date)) return false
  return !isWeekend(date)
}

/**
 * The deadline `n` working days after `start`: the n-th working day strictly after `start`.
 * `start` itself never counts, working day or not; counting begins on the next working day.
 * `n = 0` returns `start` unchanged. Throws a RangeError for a negative or fractional `n`.
 */
export function addWorkingDays (start: string, n: number, cal: WorkingCalendar): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`working days must be a whole number >= 0, got ${n}`)
  let day = dayNumber(start)
  for (let left = n; left > 0;) {
    day++
    if (isWorkingDay(dateOf(day), cal)) left--
  }
  return dateOf(day)
}

/**
 * The working days in `(a, b]`: after `a`, up to and including `b`; negative when `b` is before `a`.
 * The inverse of {@link addWorkingDays}: `workingDaysBetween(s, addWorkingDays(s, n, cal), cal) === n`.
 */
export function workingDaysBetween (a: string, b: string, cal: WorkingCalendar): number {
  const from = dayNumber(a)
  const to = dayNumber(b)
  if (to < from) return -workingDaysBetween(b, a, cal)
  let count = 0
  for (let day = from + 1; day <= to; day++) if (isWorkingDay(dateOf(day), cal)) count++
  return count
}

/** Which years of a span the calendar does not know (weekends only) or knows only provisionally. */
export interface Coverage {
  uncovered: number[]
  provisional: number[]
}

/**
 * The years from `a` to `b` (inclusive, either order) that no calendar covers, and those covered
 * by a provisional one. A deadline spanning such a year is computed all the same; the caller
 * should surface the warning (log it, show it next to the deadline).
 */
export function coverage (a: string, b: string, cal: WorkingCalendar): Coverage {
  const y1 = new Date(dayNumber(a) * DAY_MS).getUTCFullYear()
  const y2 = new Date(dayNumber(b) * DAY_MS).getUTCFullYear()
  const result: Coverage = { uncovered: [], provisional: [] }
  for (let y = Math.min(y1, y2); y <= Math.max(y1, y2); y++) {
    if (!cal.years.has(y)) result.uncovered.push(y)
    else if (cal.provisionalYears.has(y)) result.provisional.push(y)
  }
  return result
}

/**
 * The instant a deadline on `date` ends: 24:00 local time of that day, i.e. the start of the next
 * day, in the fixed UTC offset `tz` (`±HH:MM`, China Standard Time by default), as an ISO string
 * in UTC. Something done strictly before this instant is on time.
 */
export function deadlineAt (date: string, tz: string = CHINA_STANDARD_TIME): string {
  const m = OFFSET_RE.exec(tz)
  const hours = Number(m?.[2])
  const minutes = Number(m?.[3])
  if (m === null || hours > 14 || minutes > 59) throw new RangeError(`not a UTC offset ±HH:MM: ${JSON.stringify(tz)}`)
  const offsetMs = (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000
  return new Date((dayNumber(date) + 1) * DAY_MS - offsetMs).toISOString()
}
