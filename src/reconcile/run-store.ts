import type pg from 'pg'
import { SHIELDED_REMOVAL_REASONS } from '../privacy/personal-fields.js'
import type { FindingV1, RunDetailV1, RunSummaryV1 } from '../../contracts/reconcile-v1.js'
import { storedErrorText } from '../privacy/stored-error-text.js'
import { inTransaction } from '../ledger/pool.js'

export type RunTrigger = 'api' | 'cli' | 'schedule' | 'demo' | 'bench'

/** At most this many findings are kept per run (counts stay exact beyond it). */
export const MAX_STORED_FINDINGS = 100_000

interface RunRow {
  id: string
  owner: string
  list_code: string
  platform: string
  trigger: string
  requested_by: string
  method: string | null
  status: RunSummaryV1['status']
  started_at: Date
  finished_at: Date | null
  counts: Record<string, number>
  stats: Record<string, number>
  error: string | null
  healed_at: Date | null
  heal_jtis: string[] | null
}

const summaryOf = (r: RunRow): RunSummaryV1 => ({
  id: r.id,
  owner: r.owner,
  listCode: r.list_code,
  platform: r.platform,
  trigger: r.trigger,
  requestedBy: r.requested_by,
  method: r.method,
  status: r.status,
  startedAt: r.started_at.toISOString(),
  finishedAt: r.finished_at?.toISOString() ?? null,
  counts: r.counts,
  stats: r.stats,
  error: r.error,
  healedAt: r.healed_at?.toISOString() ?? null,
  healJtis: r.heal_jtis
})

export async function openRun (
  pool: pg.Pool, scope: { owner: string, listCode: string, platform: string }, trigger: RunTrigger, requestedBy: string
): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO reconciliation_runs (owner, list_code, platform, trigger, requested_by, status, started_at)
     VALUES ($1, $2, $3, $4, $5, 'running', now()) RETURNING id`, [scope.owner, scope.listCode, scope.platform, trigger, requestedBy])
  return rows[0]?.id ?? ''
}

/** Closes a run: its status, counts per kind, figures, and its findings (most harmful first). */
export async function closeRun (pool: pg.Pool, id: string, outcome: {
  status: RunSummaryV1['status'], method: string | null, findings: FindingV1[], stats: Record<string, number>, error?: string
}): Promise<void> {
  const counts: Record<string, number> = {}
  for (const f of outcome.findings) counts[f.kind] = (counts[f.kind] ?? 0) + 1
  await inTransaction(pool, async (client) => {
    const kept = outcome.findings.slice(0, MAX_STORED_FINDINGS)
    for (let i = 0; i < kept.length; i += 2000) {
      const chunk = kept.slice(i, i + 2000)
      await client.query(`
        INSERT INTO reconciliation_findings (run_id, seq, kind, entry_id, owner_version, owner_status, replica_version, replica_status, cause, detail, subject_masked)
        SELECT $1, i + $2, f->>'kind', f->>'entryId', (f->>'ownerVersion')::int, f->>'ownerStatus', (f->>'replicaVersion')::int,
               f->>'replicaStatus', f->>'cause', f->>'detail', f->>'subject'
        FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS t(f, i)`, [id, i, JSON.stringify(chunk)])
    }
    await client.query(
      'UPDATE reconciliation_runs SET status = $2, method = $3, counts = $4, stats = $5, error = $6, finished_at = now() WHERE id = $1',
      [id, outcome.status, outcome.method, counts, { ...outcome.stats, findingsStored: kept.length },
        outcome.error === undefined ? null : storedErrorText(outcome.error)])
  })
}

export async function listRuns (
  db: pg.Pool, q: { owner?: string, listCode?: string, platform?: string, before?: string, limit: number }
): Promise<RunSummaryV1[]> {
  const { rows } = await db.query<RunRow>(
    `SELECT * FROM reconciliation_runs
     WHERE ($1::text IS NULL OR owner = $1) AND ($2::text IS NULL OR list_code = $2) AND ($3::text IS NULL OR platform = $3)
       AND ($4::bigint IS NULL OR id < $4)
     ORDER BY id DESC LIMIT $5`, [q.owner ?? null, q.listCode ?? null, q.platform ?? null, q.before ?? null, q.limit])
  return rows.map(summaryOf)
}

interface FindingRow {
  kind: FindingV1['kind']
  entry_id: string
  owner_version: number | null
  owner_status: string | null
  replica_version: number | null
  replica_status: string | null
  cause: FindingV1['cause']
  detail: string | null
  subject_masked: string | null
}

export async function readRun (
  db: pg.Pool, id: string, page: { offset: number, limit: number } = { offset: 0, limit: MAX_STORED_FINDINGS }
): Promise<RunDetailV1 | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined
  const { rows } = await db.query<RunRow>('SELECT * FROM reconciliation_runs WHERE id = $1', [id])
  const run = rows[0]
  if (run === undefined) return undefined
  // A finding about a person whose entry was removed since by repair, expiry or revocation no
  // longer shows the masked number (国办发〔2020〕49号 (十一); src/privacy/personal-fields.ts).
  const { rows: findings } = await db.query<FindingRow>(
    `SELECT f.kind, f.entry_id, f.owner_version, f.owner_status, f.replica_version, f.replica_status, f.cause, f.detail,
            CASE WHEN e.subject_type = 'person' AND e.status = 'removed' AND e.removal->>'reason' = ANY($4::text[]) THEN NULL ELSE f.subject_masked END AS subject_masked
     FROM reconciliation_findings f JOIN reconciliation_runs r ON r.id = f.run_id
     LEFT JOIN entries e ON e.owner = r.owner AND e.entry_id = f.entry_id
     WHERE f.run_id = $1 ORDER BY f.seq LIMIT $2 OFFSET $3`, [id, page.limit, page.offset, SHIELDED_REMOVAL_REASONS])
  const { rows: total } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM reconciliation_findings WHERE run_id = $1', [id])
  return {
    run: summaryOf(run),
    findingsTotal: total[0]?.n ?? 0,
    findings: findings.map((f) => ({
      kind: f.kind,
      entryId: f.entry_id,
      ownerVersion: f.owner_version,
      ownerStatus: f.owner_status,
      replicaVersion: f.replica_version,
      replicaStatus: f.replica_status,
      cause: f.cause,
      detail: f.detail,
      subject: f.subject_masked
    }))
  }
}
