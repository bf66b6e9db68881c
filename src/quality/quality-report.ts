import type pg from 'pg'
import type { WorkingCalendar } from '../../config/calendar-schema.js'
import type { QualityReportV1, QualityRowV1 } from '../../contracts/quality-report-v1.js'
import { COMPLETENESS_FIELDS } from './completeness-fields.js'
import {
  acceptedEnvelopes, contradictions, domainCoverage, domainFigures, firstArrivals, itemFigures, refusedEnvelopes,
  QUALITY_TIME_ZONE, UNATTRIBUTED, type QualityWindow
} from './quality-queries.js'
import { timeliness } from './timeliness.js'

/** The plan's 统一社会信用代码重错码率 indicator: 0.01% (浙政办发〔2021〕29号, indicator table, 2025). */
export const CREDIT_CODE_INDICATOR = 0.0001
/** The plan's binding 公共信用信息数据归集合规率 target: 98% (浙政办发〔2021〕29号, indicator table, 2025, 约束性). */
export const COMPLIANCE_TARGET = 0.98
/** Administrative penalty and licence information is published within 7 working days of the decision (国发〔2016〕33号
 * (十七)). */
export const COMPLIANCE_WORKING_DAYS = 7

const ratio = (n: number, of: number): number | null => (of === 0 ? null : n / of)

function emptyRow (source: string, month: string): QualityRowV1 {
  return {
    source,
    month,
    envelopes: { received: 0, accepted: 0, refused: 0, rejectionRate: null, acceptedByKind: {}, refusedByReason: {} },
    items: { accepted: 0, upserts: 0, removals: 0 },
    completeness: COMPLETENESS_FIELDS.map((f) => ({ field: f.field, present: 0, of: 0, rate: null })),
    creditCodes: {
      items: 0,
      duplicates: 0,
      duplicateRate: null,
      refusedItems: 0,
      refusedInvalid: 0,
      errorRate: null,
      indicator: CREDIT_CODE_INDICATOR,
      meetsIndicator: null
    },
    freshness: {
      entries: 0,
      medianDays: null,
      p90Days: null,
      maxDays: null,
      medianWorkingDays: null,
      p90WorkingDays: null,
      maxWorkingDays: null
    },
    compliance: {
      entries: 0,
      complete: 0,
      timely: 0,
      compliant: 0,
      rate: null,
      workingDays: COMPLIANCE_WORKING_DAYS,
      target: COMPLIANCE_TARGET,
      meetsTarget: null
    },
    domains: {},
    contradictions: { entries: 0, acrossProvinces: 0 }
  }
}

/** Every month from `from` to `to` (YYYY-MM, inclusive). */
export function monthsBetween (from: string, to: string): string[] {
  const out: string[] = []
  let [y, m] = from.split('-').map(Number) as [number, number]
  const [ty, tm] = to.split('-').map(Number) as [number, number]
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`)
    m += 1
    if (m > 12) { m = 1; y += 1 }
  }
  return out
}

/**
 * Data quality per source platform and month (DOMAIN.md: what the sources send must be caught,
 * counted and reported per source). Every configured platform has a row for every month, zeros
 * included: a source that sent nothing shows as such. Computed from the ledger, so the figures
 * are exact counts of what it holds; refused envelopes are known only by their security-log line.
 * Working days follow `calendar` (config/calendars); `domains` are the registries' domains, each
 * listed in the coverage for every source even where it holds nothing.
 */
export async function qualityReport (
  db: pg.Pool, w: QualityWindow, from: string, to: string, calendar: WorkingCalendar, domains: readonly string[] = []
): Promise<QualityReportV1> {
  const sources = w.platform === undefined ? w.platforms : [w.platform]
  const [accepted, refused, items, arrivals, byDomain, held, contra] = await Promise.all([
    acceptedEnvelopes(
      db, w
    ), refusedEnvelopes(db, w), itemFigures(db, w), firstArrivals(db, w), domainFigures(db, w), domainCoverage(
      db, sources
    ), contradictions(db, w)
  ])
  const rows = new Map<string, QualityRowV1>()
  const months = monthsBetween(from, to)
  for (const s of sources) for (const m of months) rows.set(`${s} ${m}`, emptyRow(s, m))
  const row = (source: string, month: string): QualityRowV1 => {
    const key = `${source} ${month}`
    const r = rows.get(key) ?? emptyRow(source, month)
    rows.set(key, r)
    return r
  }
  for (const a of accepted) {
    const r = row(a.source, a.month)
    r.envelopes.accepted += a.envelopes
    r.envelopes.acceptedByKind[a.kind] = a.envelopes
    r.items.accepted += a.items
  }
  for (const x of refused) {
    const r = row(x.source, x.month)
    r.envelopes.refused += x.envelopes
    r.envelopes.refusedByReason[x.code] = x.envelopes
    r.creditCodes.refusedItems += x.creditCodeItems
    r.creditCodes.refusedInvalid += x.invalidCreditCodes
  }
  for (const i of items) {
    const r = row(i.source, i.month)
    r.items.upserts = i.upserts
    r.items.removals = i.removals
    r.completeness = COMPLETENESS_FIELDS.map((f, k) => {
      const c = i.complete[k] ?? { present: 0, of: 0 }
      return { field: f.field, present: c.present, of: c.of, rate: ratio(c.present, c.of) }
    })
    r.creditCodes.items = i.creditCodeItems
    r.creditCodes.duplicates = i.duplicates
  }
  for (const [key, groups] of groupBy(arrivals, (a) => `${a.source} ${a.month}`)) {
    const r = row(groups[0]?.source ?? key, groups[0]?.month ?? key)
    const t = timeliness(groups, calendar, COMPLIANCE_WORKING_DAYS)
    r.freshness = t.freshness
    r.compliance = {
      ...t.compliance,
      rate: ratio(t.compliance.compliant, t.compliance.entries),
      workingDays: COMPLIANCE_WORKING_DAYS,
      target: COMPLIANCE_TARGET,
      meetsTarget: null
    }
    r.compliance.meetsTarget = r.compliance.rate === null ? null : r.compliance.rate >= COMPLIANCE_TARGET
  }
  for (const d of byDomain) row(d.source, d.month).domains[d.domain] = { upserts: d.upserts, removals: d.removals }
  for (const c of contra) {
    row(c.source, c.month).contradictions = {
      entries: c.entries, acrossProvinces: c.acrossProvinces
    }
  }
  for (const r of rows.values()) {
    const e = r.envelopes
    e.received = e.accepted + e.refused
    e.rejectionRate = ratio(e.refused, e.received)
    const cc = r.creditCodes
    cc.duplicateRate = ratio(cc.duplicates, cc.items)
    cc.errorRate = ratio(cc.duplicates + cc.refusedInvalid, cc.items + Math.max(cc.refusedItems, cc.refusedInvalid))
    cc.meetsIndicator = cc.errorRate === null ? null : cc.errorRate <= CREDIT_CODE_INDICATOR
  }
  const order = (s: string): number => (s === UNATTRIBUTED ? sources.length : sources.indexOf(s))
  return {
    generatedAt: new Date().toISOString(),
    from,
    to,
    timeZone: QUALITY_TIME_ZONE,
    rows: [...rows.values()].sort(
      (a, b) => (a.month === b.month ? order(a.source) - order(b.source) : a.month < b.month ? -1 : 1)
    ),
    coverage: coverageOf(sources, domains, held)
  }
}

function groupBy<T> (xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const x of xs) {
    const k = key(x)
    const list = out.get(k) ?? []
    list.push(x)
    out.set(k, list)
  }
  return out
}

/** Every source × every domain (the registries' and any other one held), zeros included. */
function coverageOf (sources: readonly string[], domains: readonly string[], held: Array<{ platform: string, domain: string, entries: number, lastChangedAt: string | null }>): QualityReportV1['coverage'] {
  const all = [...new Set([...domains, ...held.map((h) => h.domain)])].sort()
  const found = new Map(held.map((h) => [`${h.platform} ${h.domain}`, h]))
  return sources.flatMap((platform) => all.map((domain) => {
    const h = found.get(`${platform} ${domain}`)
    return { platform, domain, entries: h?.entries ?? 0, lastChangedAt: h?.lastChangedAt ?? null }
  }))
}
