import type pg from 'pg'
import { COMPLETE, COMPLETENESS_FIELDS, PLACEHOLDERS } from './completeness-fields.js'

/** Months are counted in China Standard Time: the sources' own calendar. */
export const QUALITY_TIME_ZONE = 'Asia/Shanghai'
/** Refusals that claimed no configured platform, or were refused before proving the one they claimed. */
export const UNATTRIBUTED = 'unattributed'

const month = (col: string): string => `to_char(${col} AT TIME ZONE '${QUALITY_TIME_ZONE}', 'YYYY-MM')`

/** The window of a report: configured platforms, [from, to) as instants. */
export interface QualityWindow { platforms: string[], from: Date, to: Date, platform?: string | undefined }

type Key = { source: string, month: string }
export type Counted<T> = Array<Key & T>

const params = (w: QualityWindow): unknown[] => [
  w.platform === undefined ? w.platforms : w.platforms.filter((p) => p === w.platform), w.from, w.to
]

/** Accepted envelopes per source, month and kind (the gateway's own messages are not a source). */
export async function acceptedEnvelopes (db: pg.Pool, w: QualityWindow): Promise<Counted<{
  kind: string, envelopes: number, items: number
}>> {
  const { rows } = await db.query<{ source: string, month: string, kind: string, envelopes: string, items: string }>(
    `SELECT iss AS source, ${month('received_at')} AS month, kind, count(*) AS envelopes, sum(item_count) AS items
     FROM envelopes WHERE iss = ANY($1::text[]) AND received_at >= $2 AND received_at < $3
     GROUP BY 1, 2, 3`, params(w))
  return rows.map(
    (r) => ({ source: r.source, month: r.month, kind: r.kind, envelopes: Number(r.envelopes), items: Number(r.items) })
  )
}

/**
 * Refused envelopes per source, month and reason (the security log: no content kept). A refusal
 * is charged to the platform it claims only if it had authenticated as that platform; one refused
 * at or before the signature check is `unattributed`, or anyone could inflate a platform's rate.
 */
export async function refusedEnvelopes (db: pg.Pool, w: QualityWindow): Promise<Counted<{
  code: string, envelopes: number, creditCodeItems: number, invalidCreditCodes: number
}>> {
  const filter = w.platform === undefined ? '' : 'AND authenticated AND iss_claimed = $4'
  const { rows } = await db.query<{
    source: string,
    month: string,
    code: string,
    envelopes: string,
    credit_code_items: string,
    invalid_credit_codes: string
  }>(
    `SELECT CASE WHEN authenticated AND iss_claimed = ANY($1::text[]) THEN iss_claimed ELSE '${UNATTRIBUTED}' END AS source,
            ${month('at')} AS month, code, count(*) AS envelopes,
            coalesce(sum(credit_code_items), 0) AS credit_code_items,
            -- a line written before the counts existed: one wrong code per USCC_INVALID refusal
            coalesce(sum(coalesce(invalid_credit_codes, CASE WHEN code = 'USCC_INVALID' THEN 1 ELSE 0 END)), 0) AS invalid_credit_codes
     FROM security_log WHERE at >= $2 AND at < $3 ${filter}
     GROUP BY 1, 2, 3`, w.platform === undefined ? [w.platforms, w.from, w.to] : [w.platforms, w.from, w.to, w.platform])
  return rows.map((r) => ({
    source: r.source,
    month: r.month,
    code: r.code,
    envelopes: Number(r.envelopes),
    creditCodeItems: Number(r.credit_code_items),
    invalidCreditCodes: Number(r.invalid_credit_codes)
  }))
}

export interface ItemFigures {
  upserts: number
  removals: number
  complete: Array<{ present: number, of: number }>
  creditCodeItems: number
  duplicates: number
}

/**
 * A subject's name as compared for 统一社会信用代码重错码率: Unicode NFKC folds full-width forms into
 * half-width ones (（） into (), ＡＢＣ into ABC, the ideographic space into a space), and white
 * space is dropped, so a bracket or spacing variant of one name is not a second name.
 */
export const nameKey = (sql: string): string => `regexp_replace(normalize(coalesce(${sql}, ''), NFKC), '\\s+', '', 'g')`
const sameName = (a: string, b: string): string => `(${nameKey(a)} = ${nameKey(b)})`
/**
 * A rename (same code, changed name) is not a wrong code: the source has shown it by sending one
 * of its entries under the name `name` and, in another version, under the entry's current name.
 */
const renamed = (owner: string, entryId: string, name: string): string =>
  `EXISTS (SELECT 1 FROM entry_history r WHERE r.owner = ${owner} AND r.entry_id = ${entryId} AND r.action = 'upsert'
     AND ${sameName("r.data #>> '{subject,name}'", name)})`

/**
 * Per source and month, over the list items accepted (entry history): upserts and removals,
 * completeness of each field, items carrying a credit code, and those whose code the source also
 * uses on another of its current entries for a subject of another name (一码多主) — not counting
 * full-/half-width variants of one name, nor a rename the source's own history shows (浙政办发〔2021〕29号
 * 二 (一) 2: 严格控制统一社会信用代码重错码率 means wrong or duplicate codes, not a renamed subject).
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
          AND ${sameName("e2.data #>> '{subject,name}'", "h.data #>> '{subject,name}'")} IS NOT TRUE
          AND NOT ${renamed('h.owner', 'e2.entry_id', "h.data #>> '{subject,name}'")}
          AND NOT ${renamed('h.owner', 'h.entry_id', "e2.data #>> '{subject,name}'")})) AS duplicates,
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

/**
 * Entries first received in the window, grouped by source, month of arrival, decision date, day of
 * arrival (China Standard Time) and whether they arrived complete: the caller counts days (calendar
 * and working) per group, so the query stays a grouping however many entries a month brings.
 */
export async function firstArrivals (db: pg.Pool, w: QualityWindow): Promise<Counted<{
  decidedOn: string | null, arrivedOn: string, complete: boolean, entries: number
}>> {
  const sql = `WITH first AS (
       SELECT h.owner, h.recorded_at, h.data #>> '{decision,decidedOn}' AS decided_on, (${COMPLETE}) AS complete
       FROM entry_history h
       WHERE h.owner = ANY($1::text[]) AND h.recorded_at >= $2 AND h.recorded_at < $3 AND h.action = 'upsert'
         AND NOT EXISTS (SELECT 1 FROM entry_history h0 WHERE h0.owner = h.owner AND h0.entry_id = h.entry_id AND h0.version < h.version)
     )
     SELECT owner AS source, ${month('recorded_at')} AS month, decided_on,
            to_char(recorded_at AT TIME ZONE '${QUALITY_TIME_ZONE}', 'YYYY-MM-DD') AS arrived_on, complete, count(*) AS entries
     FROM first GROUP BY 1, 2, 3, 4, 5`.replaceAll('$PLACEHOLDERS', () => '$4')
  const { rows } = await db.query<{
    source: string, month: string, decided_on: string | null, arrived_on: string, complete: boolean, entries: string
  }>(sql, [...params(w), PLACEHOLDERS])
  return rows.map((r) => ({
    source: r.source,
    month: r.month,
    decidedOn: r.decided_on,
    arrivedOn: r.arrived_on,
    complete: r.complete,
    entries: Number(r.entries)
  }))
}

/** List items accepted per source, month and domain (a removal counts under its entry's domain). */
export async function domainFigures (db: pg.Pool, w: QualityWindow): Promise<Counted<{
  domain: string, upserts: number, removals: number
}>> {
  const { rows } = await db.query<{ source: string, month: string, domain: string, upserts: string, removals: string }>(
    `SELECT h.owner AS source, ${month('h.recorded_at')} AS month, coalesce(h.data ->> 'domain', e.domain, 'unknown') AS domain,
            count(*) FILTER (WHERE h.action = 'upsert') AS upserts, count(*) FILTER (WHERE h.action = 'remove') AS removals
     FROM entry_history h LEFT JOIN entries e ON e.owner = h.owner AND e.entry_id = h.entry_id
     WHERE h.owner = ANY($1::text[]) AND h.recorded_at >= $2 AND h.recorded_at < $3
     GROUP BY 1, 2, 3`, params(w))
  return rows.map((r) => (
    { source: r.source, month: r.month, domain: r.domain, upserts: Number(r.upserts), removals: Number(r.removals) }
  ))
}

/** Current (not removed) entries per source and domain as the ledger stands, and when the source last changed one of
 * that domain. */
export async function domainCoverage (db: pg.Pool, platforms: string[]): Promise<Array<{
  platform: string, domain: string, entries: number, lastChangedAt: string | null
}>> {
  const { rows } = await db.query<{ platform: string, domain: string, entries: string, last: Date | null }>(
    `SELECT owner AS platform, domain, count(*) FILTER (WHERE status <> 'removed') AS entries, max(updated_at) AS last
     FROM entries WHERE owner = ANY($1::text[]) GROUP BY 1, 2`, [platforms])
  return rows.map((r) => ({
    platform: r.platform,
    domain: r.domain,
    entries: Number(r.entries),
    lastChangedAt: r.last === null ? null : r.last.toISOString()
  }))
}

/**
 * Current red or black entries of each source, last changed in the window, whose subject is also
 * on a list of the other colour (又红又黑), as the ledger stands now — the rule of the subject view's
 * flags (src/subjects/subject-flags.ts).
 */
export async function contradictions (db: pg.Pool, w: QualityWindow): Promise<Counted<{
  entries: number, acrossProvinces: number
}>> {
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
  return rows.map(
    (r) => ({ source: r.source, month: r.month, entries: Number(r.entries), acrossProvinces: Number(r.across) })
  )
}
