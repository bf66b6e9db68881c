import { readdirSync, existsSync } from 'node:fs'
import { join, basename } from 'node:path'
import { ConfigError } from './config-error.js'
import { readJson, validated } from './read-config-file.js'
import { CalendarFileSchema, type CalendarFile, type WorkingCalendar } from './calendar-schema.js'
import { calendarOf, dayNumber, isWeekend } from './calendar-days.js'

function checkDates (file: string, cal: CalendarFile): void {
  const year = cal.id.slice(-4)
  const check = (list: 'holidays' | 'workdays', date: string, i: number): void => {
    const field = `/${list}/${i}`
    try {
      dayNumber(date)
    } catch {
      throw new ConfigError(file, field, `${date} is not a real date`)
    }
    if (!date.startsWith(`${year}-`)) throw new ConfigError(file, field, `${date} is not in ${year}, the year of ${cal.id}`)
    if (list === 'holidays' && isWeekend(date)) throw new ConfigError(file, field, `${date} is a weekend day: list only holidays that fall on working days`)
    if (list === 'workdays' && !isWeekend(date)) throw new ConfigError(file, field, `${date} is a weekday: list only weekend days that are working days`)
  }
  cal.holidays.forEach((d, i) => { check('holidays', d, i) })
  cal.workdays.forEach((d, i) => { check('workdays', d, i) })
  const holidays = new Set(cal.holidays)
  cal.workdays.forEach((d, i) => {
    if (holidays.has(d)) throw new ConfigError(file, `/workdays/${i}`, `${d} is also listed as a holiday`)
  })
}

/**
 * Loads `<dir>/calendars/*.json`, one file per country and year (e.g. `CN-2026.json`), and merges
 * them. Each file is checked against {@link CalendarFileSchema} and for real dates in its own year,
 * holidays only on weekdays, makeup days only on weekends, no date in both lists, one country for
 * all files and one file per year; anything else throws a ConfigError naming the file and field.
 * A missing folder is an error; an empty one gives a weekends-only calendar.
 */
export function loadCalendars (dir: string): WorkingCalendar {
  const folder = join(dir, 'calendars')
  if (!existsSync(folder)) throw new ConfigError(folder, '', 'folder missing')
  const files = readdirSync(folder).filter((f) => f.endsWith('.json')).sort()
  const loaded: CalendarFile[] = []
  for (const f of files) {
    const file = join(folder, f)
    const cal: CalendarFile = validated(CalendarFileSchema, readJson(file), file)
    if (cal.id !== basename(f, '.json')) throw new ConfigError(file, '/id', `must equal the file name (${basename(f, '.json')})`)
    const other = loaded[0]
    if (other !== undefined && other.id.slice(0, 2) !== cal.id.slice(0, 2)) throw new ConfigError(file, '/id', `all calendars must be for one country (${other.id.slice(0, 2)})`)
    checkDates(file, cal)
    loaded.push(cal)
  }
  return calendarOf(loaded)
}
