import type pg from 'pg'
import type { QueryLogPageV1 } from '../../contracts/admin-v1.js'
import { GatewayError } from '../errors/gateway-error.js'
import { maskIdNumber, scrubIdNumbers } from '../identifiers/mask.js'
import { inTransaction } from '../ledger/pool.js'
import { recordQuery } from '../ledger/query-log.js'
import type { SubjectDigests } from '../privacy/subject-digests.js'
import { classifySubjectId } from '../subjects/subject-routes.js'
import { readQueryLog, type QueryLogFilter } from './audit-queries.js'

/** The routes a search of the query log by subject is recorded under (and counted by). */
export const QUERY_LOG_SEARCH_ROUTES = ['GET /v1/admin/query-log', 'GET /v1/admin/query-log.csv'] as const

/** Recorded as the purpose when the searcher gives none (X-Query-Purpose). */
export const DEFAULT_SEARCH_PURPOSE = '查询日志按主体检索 query-log review by subject'

export interface SubjectSearch {
  principal: string
  role: string
  route: typeof QUERY_LOG_SEARCH_ROUTES[number]
  /** The credit code or identity number searched for. */
  subject: string
  purpose: string | undefined
}

export interface SubjectSearchDeps {
  pool: pg.Pool
  digests: SubjectDigests
  /** Searches by subject one principal may make in any minute. */
  perMinute: number
}

/**
 * Who looked up a subject, searched by its identifier. Knowing an identifier's lookups is
 * itself a lookup of that subject, and a search is an oracle for guesses at a masked number
 * (about 4,600 candidates): so each search is limited per principal (`perMinute`, counted from
 * the query log's own records under a per-principal lock, so every gateway process shares the
 * count) and written to the query log like any other lookup, in the transaction that answers.
 */
export async function searchQueryLogBySubject (deps: SubjectSearchDeps, s: SubjectSearch, filter: Omit<QueryLogFilter, 'subjectDigests'>): Promise<QueryLogPageV1> {
  const subject = s.subject.trim().toUpperCase()
  const kind = classifySubjectId(subject)
  const purpose = scrubIdNumbers(s.purpose?.trim() ?? '') || DEFAULT_SEARCH_PURPOSE
  return await inTransaction(deps.pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('yrd-subject-search:' || current_schema() || ':' || $1))", [s.principal])
    const { rows: [recent] } = await client.query<{ n: number, retry: number | null }>(
      `SELECT count(*)::int AS n, ceil(extract(epoch FROM min(at) + interval '1 minute' - clock_timestamp()))::int AS retry
         FROM query_log WHERE principal = $1 AND route = ANY($2) AND at > clock_timestamp() - interval '1 minute'`,
      [s.principal, QUERY_LOG_SEARCH_ROUTES])
    if ((recent?.n ?? 0) >= deps.perMinute) {
      throw new GatewayError('RATE_LIMITED', `too many searches by subject: at most ${deps.perMinute} a minute, retry in ${Math.max(1, recent?.retry ?? 60)} s`)
    }
    const page = await readQueryLog(client, { ...filter, subjectDigests: deps.digests.candidates(subject) })
    await recordQuery(client, {
      principal: s.principal,
      role: s.role,
      route: s.route,
      subjectDigest: deps.digests.digest(subject),
      subjectMasked: kind === 'person' ? maskIdNumber(subject) : subject,
      purpose,
      resultCount: page.rows.length
    })
    return page
  })
}
