import type { WorkingCalendar } from '../../config/calendar-schema.js'
import { addWorkingDays, isWorkingDay } from '../punishment/working-days.js'

/**
 * A deadline that falls on a rest day moves to the next working day (the usual rule for
 * administrative time limits); deadlines are counted to 24:00 China Standard Time of that day.
 */
export function workingDeadline (date: string, cal: WorkingCalendar): string {
  return isWorkingDay(date, cal) ? date : addWorkingDays(date, 1, cal)
}

/** Today's date in China Standard Time. */
export function chinaToday (at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10)
}

/** Whether a deadline day has passed at `at`: the whole day, to 24:00 China Standard Time, counts. */
export function deadlinePassed (date: string, at: Date): boolean {
  return chinaToday(at) > date
}
