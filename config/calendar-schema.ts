import { Type, type Static } from '@sinclair/typebox'

const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A calendar date, YYYY-MM-DD' })

/**
 * `<config>/calendars/<ID>.json`: one year of one country's working-day calendar.
 *
 * `holidays` lists only days that would otherwise be working days (Monday to Friday): the weekend
 * days of a holiday period are off anyway, so a weekend date there is refused as a likely typo.
 * `workdays` lists only weekend days that are working days (调休 makeup days). A calendar marked
 * `provisional` is not the official arrangement; deadlines computed with it should say so.
 */
export const CalendarFileSchema = Type.Object({
  id: Type.String({ pattern: '^[A-Z]{2}-\\d{4}$', description: 'Country and year, e.g. CN-2026; equals the file name' }),
  source: Type.String({ minLength: 1, description: 'The notice the dates come from, or how they were derived' }),
  provisional: Type.Optional(Type.Boolean({ description: 'True while the official arrangement is not yet in the file' })),
  holidays: Type.Array(IsoDate, { uniqueItems: true, description: 'Weekdays that are not working days' }),
  workdays: Type.Array(IsoDate, { uniqueItems: true, description: 'Weekend days that are working days' })
}, { additionalProperties: false })

/** One validated calendar file. */
export type CalendarFile = Static<typeof CalendarFileSchema>

/** The merged calendar of every loaded year: what the working-day arithmetic needs. */
export interface WorkingCalendar {
  /** Ids of the files merged, e.g. `['CN-2026', 'CN-2027']`. */
  readonly ids: readonly string[]
  /** Years a file covers; outside them only weekends are known to be off. */
  readonly years: ReadonlySet<number>
  /** Covered years whose file is marked provisional. */
  readonly provisionalYears: ReadonlySet<number>
  readonly holidays: ReadonlySet<string>
  readonly workdays: ReadonlySet<string>
}
