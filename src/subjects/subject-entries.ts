import type pg from 'pg'
import type { SubjectEntriesV1 } from '../../contracts/subject-entries-v1.js'
import { inTransaction } from '../ledger/pool.js'
import { recordQuery } from '../ledger/query-log.js'
import { maskIdNumber } from '../identifiers/mask.js'
import { maskIdNumbersDeep } from '../privacy/mask-entry.js'
import { chinaToday } from '../coordination/case-deadlines.js'
import { shownStatus, type ShownEntryStatus } from './entry-status.js'
import { subjectFlags } from './subject-flags.js'
import type { Registries } from '../../config/registry-schema.js'
import { personMeasureCodes } from './person-measures.js'
import { responsibleEntries } from './responsible-entries.js'

export interface SubjectQuery {
  subjectId: string
  /** Its keyed digest, for the query log. */
  subjectDigest: string
  kind: 'organisation' | 'person'
  principal: string
  role: string
  purpose: string
}

/** One current entry row of a subject. */
export interface CurrentEntryRow { owner: string, entry_id: string, version: number, list_type: string, list_code: string, domain: string, status: 'active' | 'suspended', updated_at: Date, data: unknown }

/** How every view of a current entry (the subject's entries, a check's summary) begins: its name and today's status. */
export interface EntryHead {
  owner: string
  entryId: string
  version: number
  listType: string
  listCode: string
  domain: string
  status: ShownEntryStatus
}

export function entryHead (r: CurrentEntryRow, today: string): EntryHead {
  return {
    owner: r.owner,
    entryId: r.entry_id,
    version: r.version,
    listType: r.list_type,
    listCode: r.list_code,
    domain: r.domain,
    status: shownStatus(r.status, r.data, today)
  }
}

/**
 * The current (not removed) entries of one subject, in (owner, entryId) order, and when each
 * platform last sent anything (coverage). Shared by the subject view and the check before deciding.
 */
export async function currentEntries (client: pg.PoolClient, subjectId: string, platforms: string[]): Promise<{
  rows: CurrentEntryRow[], coverage: Array<{ platform: string, lastReceivedAt: string | null }>
}> {
  const { rows } = await client.query<CurrentEntryRow>(
    `SELECT owner, entry_id, version, list_type, list_code, domain, status, updated_at, data
     FROM entries WHERE subject_id = $1 AND status <> 'removed' ORDER BY owner, entry_id`, [subjectId])
  // One index probe per platform (envelopes_iss_received): a GROUP BY would read every envelope of each.
  const cov = await client.query<{ iss: string, last: Date | null }>(
    'SELECT p AS iss, (SELECT max(received_at) FROM envelopes WHERE iss = p) AS last FROM unnest($1::text[]) AS p', [platforms])
  const last = new Map(cov.rows.map((r) => [r.iss, r.last?.toISOString() ?? null]))
  return { rows, coverage: platforms.map((p) => ({ platform: p, lastReceivedAt: last.get(p) ?? null })) }
}

/**
 * Every current (not removed) entry of one subject across lists and platforms, with the sources
 * the answer covers; apart, the entries naming the subject as a responsible person of another
 * (落实到人, 国发〔2016〕33号 (十四)) with the measures that reach it in that role. The lookup and
 * its query-log record are one transaction: no answer without its record.
 */
export async function subjectEntries (pool: pg.Pool, q: SubjectQuery, platforms: string[], registries?: Registries,
  at: Date = new Date()): Promise<SubjectEntriesV1> {
  return await inTransaction(pool, async (client) => {
    const { rows, coverage } = await currentEntries(client, q.subjectId, platforms)
    const through = await responsibleEntries(client, q.subjectId, q.kind)
    const masked = q.kind === 'person' ? maskIdNumber(q.subjectId) : q.subjectId
    const queryId = await recordQuery(client, {
      principal: q.principal,
      role: q.role,
      route: 'GET /v1/subjects/{id}/entries',
      subjectDigest: q.subjectDigest,
      subjectMasked: masked,
      purpose: q.purpose,
      resultCount: rows.length + through.length
    })
    const today = chinaToday(at)
    const shown = (r: CurrentEntryRow): SubjectEntriesV1['entries'][number] => ({
      ...entryHead(r, today),
      updatedAt: r.updated_at.toISOString(),
      entry: maskIdNumbersDeep(r.data)
    })
    return {
      subject: { id: masked, kind: q.kind },
      entries: rows.map(shown),
      asResponsiblePerson: through.map((r) => ({
        ...shown(r),
        through: r.through,
        personMeasures: personMeasureCodes(
          registries,
          r.list_code,
          ((r.data as { measures?: Array<{ code: string }> }).measures ?? []).map((m) => m.code),
          r.through.roles
        )
      })),
      flags: subjectFlags(
        rows.map((r) => ({ owner: r.owner, entryId: r.entry_id, listType: r.list_type, domain: r.domain }))
      ),
      coverage,
      queryId
    }
  })
}
