import { writeCsv } from '../privacy/csv-writer.js'
import type { QualityReportV1 } from '../../contracts/quality-report-v1.js'
import { COMPLETENESS_FIELDS } from './completeness-fields.js'

const pairs = (o: Record<string, number>): string => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(';')
const cell = (v: number | boolean | null): string => (v === null ? '' : String(v))

/** The report as CSV: one line per source and month, fixed columns (reasons, kinds and domains as `CODE=n;…`); new
 * columns go at the end. */
export function qualityCsv (report: QualityReportV1): string {
  const header = [
    'source', 'month', 'envelopes_received', 'envelopes_accepted', 'envelopes_refused', 'rejection_rate', 'refused_by_reason', 'accepted_by_kind',
    'items_accepted', 'upserts', 'removals',
    ...COMPLETENESS_FIELDS.flatMap((f) => [`${f.field}_present`, `${f.field}_of`, `${f.field}_rate`]),
    'credit_code_items', 'credit_code_duplicates', 'credit_code_duplicate_rate', 'credit_code_refused_items', 'credit_code_refused_invalid', 'credit_code_error_rate', 'credit_code_meets_indicator',
    'fresh_entries', 'fresh_median_days', 'fresh_p90_days', 'fresh_max_days',
    'contradictions', 'contradictions_across_provinces',
    'fresh_median_working_days', 'fresh_p90_working_days', 'fresh_max_working_days',
    'compliance_entries', 'compliance_complete', 'compliance_timely', 'compliance_compliant', 'compliance_rate', 'compliance_meets_target',
    'items_by_domain'
  ]
  const lines = report.rows.map((r) => [
    r.source, r.month, r.envelopes.received, r.envelopes.accepted, r.envelopes.refused, cell(r.envelopes.rejectionRate),
    pairs(r.envelopes.refusedByReason), pairs(r.envelopes.acceptedByKind),
    r.items.accepted, r.items.upserts, r.items.removals,
    ...r.completeness.flatMap((c) => [c.present, c.of, cell(c.rate)]),
    r.creditCodes.items, r.creditCodes.duplicates, cell(
      r.creditCodes.duplicateRate
    ), r.creditCodes.refusedItems, r.creditCodes.refusedInvalid, cell(r.creditCodes.errorRate), cell(
      r.creditCodes.meetsIndicator
    ),
    r.freshness.entries, cell(r.freshness.medianDays), cell(r.freshness.p90Days), cell(r.freshness.maxDays),
    r.contradictions.entries, r.contradictions.acrossProvinces,
    cell(r.freshness.medianWorkingDays), cell(r.freshness.p90WorkingDays), cell(r.freshness.maxWorkingDays),
    r.compliance.entries, r.compliance.complete, r.compliance.timely, r.compliance.compliant, cell(
      r.compliance.rate
    ), cell(
      r.compliance.meetsTarget
    ),
    pairs(Object.fromEntries(Object.entries(r.domains).map(([d, n]) => [d, n.upserts + n.removals])))
  ].map(String))
  return writeCsv(lines, { header })
}
