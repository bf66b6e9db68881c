import type pg from 'pg'
import type { AdminActionPageV1, QueryLogPageV1 } from '../../contracts/admin-v1.js'
import { scrubIdNumbers } from '../identifiers/mask.js'
import { maskIdNumbersDeep } from '../privacy/mask-entry.js'

// Free text (a purpose, a principal, a target) may hold a number someone typed: never shown in clear.
const scrub = scrubIdNumbers

export interface QueryLogFilter {
  principal?: string
  /**
   * Every stored digest of one subject (SubjectDigests.candidates): its lookups are found by these,
   * never by the identifier. Go through searchQueryLogBySubject, which limits and records the search.
   */
  subjectDigests?: string[]
  from?: string
  to?: string
  before?: string
  limit: number
}

/** The query log, newest first: who looked up which subject (masked), when, why, with what result. */
export async function readQueryLog (db: pg.Pool | pg.PoolClient, f: QueryLogFilter): Promise<QueryLogPageV1> {
  const { rows } = await db.query<{
    seq: string,
    at: Date,
    principal: string,
    role: string,
    route: string,
    subject_masked: string,
    purpose: string,
    result_count: number
  }>(
    `SELECT seq::text AS seq, at, principal, role, route, subject_masked, purpose, result_count FROM query_log
     WHERE ($1::text IS NULL OR principal = $1) AND ($2::text[] IS NULL OR subject_hash = ANY($2))
       AND ($3::timestamptz IS NULL OR at >= $3) AND ($4::timestamptz IS NULL OR at < $4) AND ($5::bigint IS NULL OR seq < $5)
     ORDER BY query_log.seq DESC LIMIT $6`,
    [f.principal ?? null, f.subjectDigests ?? null, f.from ?? null, f.to ?? null, f.before ?? null, f.limit])
  return {
    rows: rows.map((r) => ({
      seq: r.seq,
      at: r.at.toISOString(),
      principal: scrub(r.principal),
      role: r.role,
      route: r.route,
      subjectMasked: scrub(r.subject_masked),
      purpose: scrub(r.purpose),
      resultCount: r.result_count
    })),
    nextBefore: rows.length === f.limit ? rows[rows.length - 1]?.seq ?? null : null
  }
}

/** The admin actions (resend, heal, approve, login, export…), newest first. */
export async function readAdminActions (
  pool: pg.Pool, f: { principal?: string, action?: string, before?: string, limit: number }
): Promise<AdminActionPageV1> {
  const { rows } = await pool.query<{
    seq: string, at: Date, principal: string, action: string, target: string, detail: unknown
  }>(
    `SELECT seq::text AS seq, at, principal, action, target, detail FROM admin_actions
     WHERE ($1::text IS NULL OR principal = $1) AND ($2::text IS NULL OR action = $2) AND ($3::bigint IS NULL OR seq < $3)
     ORDER BY admin_actions.seq DESC LIMIT $4`, [f.principal ?? null, f.action ?? null, f.before ?? null, f.limit])
  return {
    rows: rows.map((r) => ({
      seq: r.seq,
      at: r.at.toISOString(),
      principal: scrub(r.principal),
      action: r.action,
      target: scrub(r.target),
      detail: r.detail === null ? null : JSON.parse(scrub(JSON.stringify(maskIdNumbersDeep(r.detail)))) as unknown
    })),
    nextBefore: rows.length === f.limit ? rows[rows.length - 1]?.seq ?? null : null
  }
}
