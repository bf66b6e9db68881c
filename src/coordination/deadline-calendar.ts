import type { WorkingCalendar } from '../../config/calendar-schema.js'
import { coverage, type Coverage } from '../punishment/working-days.js'
import { chinaToday } from './case-deadlines.js'

/**
 * What a working-day deadline rests on: `official` (its year's calendar is the State Council's
 * arrangement), `provisional` (a calendar file marked provisional: holidays derived, 调休 unknown), or
 * `none` (no calendar for its year: only weekends are known to be off). Judged with the calendar
 * loaded now; a deadline moved under a provisional calendar is not recomputed when the official one
 * arrives, so the flag says what to check, not that the date was right.
 */
export type DeadlineCalendar = 'official' | 'provisional' | 'none'

export function deadlineCalendar (date: string, cal: WorkingCalendar): DeadlineCalendar {
  const c = coverage(date, date, cal)
  return c.uncovered.length > 0 ? 'none' : c.provisional.length > 0 ? 'provisional' : 'official'
}

/** The horizon where deadlines may fall at `at`: this year and next, in China Standard Time. */
export function calendarGaps (cal: WorkingCalendar, at: Date): Coverage {
  const year = Number(chinaToday(at).slice(0, 4))
  return coverage(`${year}-01-01`, `${year + 1}-12-31`, cal)
}

/**
 * Warns once (at start-up) when a year of the horizon has no official calendar, naming the years;
 * returns the gaps, or undefined when there are none.
 */
export function warnCalendarGaps (
  log: { warn: (obj: object, msg: string) => void }, cal: WorkingCalendar, at: Date
): Coverage | undefined {
  const gaps = calendarGaps(cal, at)
  if (gaps.uncovered.length === 0 && gaps.provisional.length === 0) return undefined
  log.warn({ calendarsMissing: gaps.uncovered, calendarsProvisional: gaps.provisional },
    'working-day deadlines in these years rest on no official holiday calendar: add the State Council\'s arrangement to config/calendars (cases flag such deadlines)')
  return gaps
}
