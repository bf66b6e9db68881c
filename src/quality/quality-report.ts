import type pg from 'pg'
import type { QualityReportV1, QualityRowV1 } from '../../contracts/quality-report-v1.js'
import { COMPLETENESS_FIELDS } from './completeness-fields.js'
import {
  acceptedEnvelopes, contradictions, freshness, itemFigures, refusedEnvelopes, QUALITY_TIME_ZONE, UNATTRIBUTED, type QualityWindow
} from './quality-queries.js'

/** The plan's wrong-or-duplicate credit-code indicator: 0.01% (浙政办发〔2021〕29号, indicator table). */
export const CREDIT_CODE_INDICATOR = 0.0001

const ratio = (n: number, of: number): number | null => (of === 0 ? null : n / of)

function emptyRow (source: string, month: string): QualityRowV1 {
  return {
    source,
    month,
    envelopes: { received: 0, accepted: 0, refused: 0, rejectionRate: null, acceptedByKind: {}, refusedByReason: {} },
    items: { accepted: 0, upserts: 0, removals: 0 },
    completeness: COMPLETENESS_FIELDS.map((f) => ({ field: f.field, present: 0, of: 0, rate: null })),
    creditCodes: { items: 0, duplicates: 0, duplicateRate: null, refusedInvalid: 0, errorRate: null, indicator: CREDIT_CODE_INDICATOR, meetsIndicator: null },
    freshness: { entries: 0, medianDays: null, p90Days: null, maxDays: null },
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
 */
export async function qualityReport (db: pg.Pool, w: QualityWindow, from: string, to: string): Promise<QualityReportV1> {
  const [accepted, refused, items, fresh, contra] = await Promise.all([
    acceptedEnvelopes(db, w), refusedEnvelopes(db, w), itemFigures(db, w), freshness(db, w), contradictions(db, w)
  ])
  const rows = new Map<string, QualityRowV1>()
  const months = monthsBetween(from, to)
  const sources = w.platform === undefined ? w.platforms : [w.platform]
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
    if (x.code === 'USCC_INVALID') r.creditCodes.refusedInvalid += x.envelopes
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
  for (const f of fresh) row(f.source, f.month).freshness = { entries: f.entries, medianDays: f.median, p90Days: f.p90, maxDays: f.max }
  for (const c of contra) row(c.source, c.month).contradictions = { entries: c.entries, acrossProvinces: c.acrossProvinces }
  for (const r of rows.values()) {
    const e = r.envelopes
    e.received = e.accepted + e.refused
    e.rejectionRate = ratio(e.refused, e.received)
    const cc = r.creditCodes
    cc.duplicateRate = ratio(cc.duplicates, cc.items)
    cc.errorRate = ratio(cc.duplicates + cc.refusedInvalid, cc.items + cc.refusedInvalid)
    cc.meetsIndicator = cc.errorRate === null ? null : cc.errorRate <= CREDIT_CODE_INDICATOR
  }
  const order = (s: string): number => (s === UNATTRIBUTED ? sources.length : sources.indexOf(s))
  return {
    generatedAt: new Date().toISOString(),
    from,
    to,
    timeZone: QUALITY_TIME_ZONE,
    rows: [...rows.values()].sort((a, b) => (a.month === b.month ? order(a.source) - order(b.source) : a.month < b.month ? -1 : 1))
  }
}
