import type pg from 'pg'
import { COMPLETENESS_FIELDS, PLACEHOLDERS } from './completeness-fields.js'

/** Months are counted in China Standard Time: the sources' own calendar. */
export const QUALITY_TIME_ZONE = 'Asia/Shanghai'
/** Refusals that claimed no configured platform, or were refused before proving the one they claimed. */
export const UNATTRIBUTED = 'unattributed'

const month = (col: string): string => `to_char(${col} AT TIME ZONE '${QUALITY_TIME_ZONE}', 'YYYY-MM')`

/** The window of a report: configured platforms, [from, to) as instants. */
export interface QualityWindow { platforms: string[], from: Date, to: Date, platform?: string | undefined }

type Key = { source: string, month: string }
export type Counted<T> = Array<Key & T>

const params = (w: QualityWindow): unknown[] => [w.platform === undefined ? w.platforms : w.platforms.filter((p) => p === w.platform), w.from, w.to]

/** Accepted envelopes per source, month and kind (the gateway's own messages are not a source). */
export async function acceptedEnvelopes (db: pg.Pool, w: QualityWindow): Promise<Counted<{ kind: string, envelopes: number, items: number }>> {
  const { rows } = await db.query<{ source: string, month: string, kind: string, envelopes: string, items: string }>(
    `SELECT iss AS source, ${month('received_at')} AS month, kind, count(*) AS envelopes, sum(item_count) AS items
     FROM envelopes WHERE iss = ANY($1::text[]) AND received_at >= $2 AND received_at < $3
     GROUP BY 1, 2, 3`, params(w))
  return rows.map((r) => ({ source: r.source, month: r.month, kind: r.kind, envelopes: Number(r.envelopes), items: Number(r.items) }))
}

/**
 * Refused envelopes per source, month and reason (the security log: no content kept). A refusal
 * is charged to the platform it claims only if it had authenticated as that platform; one refused
 * at or before the signature check is `unattributed`, or anyone could inflate a platform's rate.
 */
export async function refusedEnvelopes (db: pg.Pool, w: QualityWindow): Promise<Counted<{ code: string, envelopes: number, creditCodeItems: number, invalidCreditCodes: number }>> {
  const filter = w.platform === undefined ? '' : 'AND authenticated AND iss_claimed = $4'
  const { rows } = await db.query<{ source: string, month: string, code: string, envelopes: string, credit_code_items: string, invalid_credit_codes: string }>(
    `SELECT CASE WHEN authenticated AND iss_claimed = ANY($1::text[]) THEN iss_claimed ELSE '${UNATTRIBUTED}' END AS source,
            ${month('at')} AS month, code, count(*) AS envelopes,
            coalesce(sum(credit_code_items), 0) AS credit_code_items,
            -- a line written before the counts existed: one wrong code per USCC_INVALID refusal
            coalesce(sum(coalesce(invalid_credit_codes, CASE WHEN code = 'USCC_INVALID' THEN 1 ELSE 0 END)), 0) AS invalid_credit_codes
     FROM security_log WHERE at >= $2 AND at < $3 ${filter}
     GROUP BY 1, 2, 3`, w.platform === undefined ? [w.platforms, w.from, w.to] : [w.platforms, w.from, w.to, w.platform])
  return rows.map((r) => ({ source: r.source, month: r.month, code: r.code, envelopes: Number(r.envelopes), creditCodeItems: Number(r.credit_code_items), invalidCreditCodes: Number(r.invalid_credit_codes) }))
}

export interface ItemFigures {
  upserts: number
  removals: number
  complete: Array<{ present: number, of: number }>
  creditCodeItems: number
  duplicates: number
}

/**
 * Per source and month, over the list items accepted (entry history): upserts and removals,
 * completeness of each field, items carrying a credit code, and those whose code the source also
 * uses on another of its current entries for a subject of another name.
 */
export async function itemFigures (db: pg.Pool, w: QualityWindow): Promise<Counted<ItemFigures>> {
  const completeness = COMPLETENESS_FIELDS.map((f, i) =>
    `count(*) FILTER (WHERE h.action = 'upsert' AND (${f.of}) AND (${f.present})) AS p${i},
     count(*) FILTER (WHERE h.action = 'upsert' AND (${f.of})) AS o${i}`).join(',\n')
  const sql = `SELECT h.owner AS source, ${month('h.recorded_at')} AS month,
      count(*) FILTER (WHERE h.action = 'upsert') AS upserts,
      count(*) FILTER (WHERE h.action = 'remove') AS removals,
      count(*) FILTER (WHERE h.action = 'upsert' AND (h.data #>> '{subject,creditCode}') IS NOT NULL) AS codes,
      count(*) FILTER (WHERE h.action = 'upsert' AND EXISTS (
        SELECT 1 FROM entries e2
        WHERE e2.subject_id = h.data #>> '{subject,creditCode}' AND e2.status <> 'removed'
          AND e2.owner = h.owner AND e2.entry_id <> h.entry_id
          AND (e2.data #>> '{subject,name}') IS DISTINCT FROM (h.data #>> '{subject,name}'))) AS duplicates,
      ${completeness}
    FROM entry_history h
    WHERE h.owner = ANY($1::text[]) AND h.recorded_at >= $2 AND h.recorded_at < $3
    GROUP BY 1, 2`.replaceAll('$PLACEHOLDERS', () => '$4')
  const { rows } = await db.query<Record<string, string>>(sql, [...params(w), PLACEHOLDERS])
  return rows.map((r) => ({
    source: String(r.source),
    month: String(r.month),
    upserts: Number(r.upserts),
    removals: Number(r.removals),
    complete: COMPLETENESS_FIELDS.map((_f, i) => ({ present: Number(r[`p${i}`]), of: Number(r[`o${i}`]) })),
    creditCodeItems: Number(r.codes),
    duplicates: Number(r.duplicates)
  }))
}

/** Days from decision date to the first arrival of each entry first received in the window. */
export async function freshness (db: pg.Pool, w: QualityWindow): Promise<Counted<{ entries: number, median: number | null, p90: number | null, max: number | null }>> {
  const { rows } = await db.query<{ source: string, month: string, entries: string, median: number | null, p90: number | null, max: number | null }>(
    `WITH first AS (
       SELECT h.owner, h.recorded_at,
              (h.recorded_at AT TIME ZONE '${QUALITY_TIME_ZONE}')::date - (h.data #>> '{decision,decidedOn}')::date AS days
       FROM entry_history h
       WHERE h.owner = ANY($1::text[]) AND h.recorded_at >= $2 AND h.recorded_at < $3 AND h.action = 'upsert'
         AND NOT EXISTS (SELECT 1 FROM entry_history h0 WHERE h0.owner = h.owner AND h0.entry_id = h.entry_id AND h0.version < h.version)
     )
     SELECT owner AS source, ${month('recorded_at')} AS month, count(*) AS entries,
            percentile_disc(0.5) WITHIN GROUP (ORDER BY days) AS median,
            percentile_disc(0.9) WITHIN GROUP (ORDER BY days) AS p90,
            max(days) AS max
     FROM first GROUP BY 1, 2`, params(w))
  return rows.map((r) => ({ source: r.source, month: r.month, entries: Number(r.entries), median: r.median, p90: r.p90, max: r.max }))
}

/**
 * Current red or black entries of each source, last changed in the window, whose subject is also
 * on a list of the other colour (又红又黑), as the ledger stands now — the rule of the subject view's
 * flags (src/subjects/subject-flags.ts).
 */
export async function contradictions (db: pg.Pool, w: QualityWindow): Promise<Counted<{ entries: number, acrossProvinces: number }>> {
  const { rows } = await db.query<{ source: string, month: string, entries: string, across: string }>(
    `SELECT e.owner AS source, ${month('e.updated_at')} AS month,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM entries o WHERE o.subject_id = e.subject_id AND o.status <> 'removed'
                                             AND o.list_type = CASE e.list_type WHEN 'red' THEN 'black' ELSE 'red' END)) AS entries,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM entries o WHERE o.subject_id = e.subject_id AND o.status <> 'removed'
                                             AND o.list_type = CASE e.list_type WHEN 'red' THEN 'black' ELSE 'red' END AND o.owner <> e.owner)) AS across
     FROM entries e
     WHERE e.owner = ANY($1::text[]) AND e.updated_at >= $2 AND e.updated_at < $3
       AND e.status <> 'removed' AND e.list_type IN ('red', 'black')
     GROUP BY 1, 2`, params(w))
  return rows.map((r) => ({ source: r.source, month: r.month, entries: Number(r.entries), acrossProvinces: Number(r.across) }))
}
