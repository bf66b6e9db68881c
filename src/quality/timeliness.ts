import type { WorkingCalendar } from '../../config/calendar-schema.js'
import { dayNumber } from '../../config/calendar-days.js'
import type { QualityRowV1 } from '../../contracts/quality-report-v1.js'
import { workingDaysBetween } from '../punishment/working-days.js'

/** Entries first received on one day, decided on one day, complete or not (see firstArrivals). */
export interface ArrivalGroup { decidedOn: string | null, arrivedOn: string, complete: boolean, entries: number }

type Weighted = Array<{ value: number, weight: number }>

/** PostgreSQL's percentile_disc over weighted values: the first value whose cumulative share reaches `p`. */
export function percentileDisc (xs: Weighted, p: number): number | null {
  const total = xs.reduce((n, x) => n + x.weight, 0)
  if (total === 0) return null
  const sorted = [...xs].sort((a, b) => a.value - b.value)
  let seen = 0
  for (const x of sorted) {
    seen += x.weight
    if (seen / total >= p) return x.value
  }
  return sorted[sorted.length - 1]?.value ?? null
}

const daysOf = (a: string, b: string): number | null => {
  try {
    return dayNumber(b) - dayNumber(a)
  } catch {
    return null
  }
}

/**
 * Freshness and 归集合规率 of one source's month from its first arrivals. Timeliness counts working
 * days (holidays and makeup days of `calendar`) from the decision date to the day of arrival, the
 * decision day itself not counted; an entry is timely within `limit` of them (国发〔2016〕33号 (十七):
 * 7个工作日内). An entry with no usable decision date, or dated after its arrival, is not timely.
 */
export function timeliness (groups: readonly ArrivalGroup[], calendar: WorkingCalendar, limit: number): {
  freshness: QualityRowV1['freshness']
  compliance: Pick<QualityRowV1['compliance'], 'entries' | 'complete' | 'timely' | 'compliant'>
} {
  const calendarDays: Weighted = []
  const workingDays: Weighted = []
  const compliance = { entries: 0, complete: 0, timely: 0, compliant: 0 }
  for (const g of groups) {
    compliance.entries += g.entries
    if (g.complete) compliance.complete += g.entries
    const days = g.decidedOn === null ? null : daysOf(g.decidedOn, g.arrivedOn)
    if (days === null || g.decidedOn === null) continue
    const working = workingDaysBetween(g.decidedOn, g.arrivedOn, calendar)
    calendarDays.push({ value: days, weight: g.entries })
    workingDays.push({ value: working, weight: g.entries })
    if (working >= 0 && working <= limit) {
      compliance.timely += g.entries
      if (g.complete) compliance.compliant += g.entries
    }
  }
  return {
    freshness: {
      entries: compliance.entries,
      medianDays: percentileDisc(calendarDays, 0.5),
      p90Days: percentileDisc(calendarDays, 0.9),
      maxDays: percentileDisc(calendarDays, 1),
      medianWorkingDays: percentileDisc(workingDays, 0.5),
      p90WorkingDays: percentileDisc(workingDays, 0.9),
      maxWorkingDays: percentileDisc(workingDays, 1)
    },
    compliance
  }
}
