import type pg from 'pg'
import type { EnvelopeKindV1 } from '../../contracts/envelope-v1.js'
import type { FindingKindV1 } from '../../contracts/reconcile-v1.js'
import { GatewayError } from '../errors/gateway-error.js'
import { emitGatewayMessage } from '../ledger/gateway-messages.js'
import { inTransaction } from '../ledger/pool.js'
import type { GatewayKeys } from '../keys/signing-keys.js'
import { resendObjection, type ResentMessage, type ReviewItem } from './objection-resends.js'
import { healPeer, type RelayedAgain } from './heal-peer.js'

const MAX_ITEMS = 1000

interface FindingRow { kind: FindingKindV1, entry_id: string, replica_version: number | null }
interface OwnerRow {
  entry_id: string, version: number, status: string, list_code: string, data: unknown, removal: unknown
}

export interface HealResult {
  runId: string
  /** The messages the gateway issued for the heal. */
  jtis: string[]
  /** Items sent per kind, the resent objection messages' included. */
  items: Record<string, number>
  /** Platforms' own objection messages from the ledger, sent to the replica again (suspension mismatches). */
  resent: ResentMessage[]
  /** Suspension mismatches no real message can heal: for a person to review. */
  review: ReviewItem[]
  /** A run against a peer gateway: the publishers' own envelopes relayed to it again (heal-peer.ts). */
  relayed?: RelayedAgain[]
}

const today = (at: Date): string => at.toISOString().slice(0, 10)

/**
 * Heals what a run found, as ordinary tracked deliveries to the replica only, issued by the gateway
 * (emitGatewayMessage), with the owner's data as the ledger holds it now:
 * - missing, stale, content mismatch: the owner's current entry again (`list.upsert`; the same
 *   version restores content edited at the replica);
 * - extra, removed at the owner: the owner's removal again (`list.remove`);
 * - extra, never published by the owner: a `list.remove` one version above the replica's;
 *   held under another list: the owner's current entry or removal;
 * - suspension mismatch: the real objection messages from the ledger, as their issuers signed them
 *   (the opening of the open objection, or the owner's resolution of the last one: see
 *   objection-resends.ts); where the ledger has none, the finding is returned for review, never
 *   healed with an invented objection.
 * The approval is recorded in `admin_actions` (with what was resent and what is left for review);
 * a run is healed once.
 */
export async function healRun (
  pool: pg.Pool, keys: GatewayKeys, runId: string, principal: string, at = new Date(),
  peers: ReadonlySet<string> = new Set()
): Promise<HealResult> {
  if (!/^\d{1,18}$/.test(runId)) throw new GatewayError('NOT_FOUND', 'no such reconciliation run')
  return await inTransaction(pool, async (client) => {
    const { rows: runs } = await client.query<{
      owner: string, list_code: string, platform: string, status: string, healed_at: Date | null
    }>(
      'SELECT owner, list_code, platform, status, healed_at FROM reconciliation_runs WHERE id = $1 FOR UPDATE', [runId])
    const run = runs[0]
    if (run === undefined) throw new GatewayError('NOT_FOUND', 'no such reconciliation run')
    if (run.status !== 'done') throw new GatewayError('RUN_NOT_HEALABLE', `the run is ${run.status}`)
    if (run.healed_at !== null) throw new GatewayError('RUN_NOT_HEALABLE', 'the run was already healed; run a new reconciliation')
    const { rows: findings } = await client.query<FindingRow>(
      'SELECT kind, entry_id, replica_version FROM reconciliation_findings WHERE run_id = $1 ORDER BY seq', [runId])
    if (findings.length === 0) throw new GatewayError('RUN_NOT_HEALABLE', 'the run found nothing to heal')
    if (peers.has(run.platform)) {
      const { relayed, resent, review } = await healPeer(client, run.owner, run.platform, findings, at)
      const items: Record<string, number> = {}
      for (const m of [...relayed, ...resent]) items[m.kind] = (items[m.kind] ?? 0) + 1
      const healJtis = [...new Set([...relayed, ...resent].map((m) => m.jti))]
      await client.query('UPDATE reconciliation_runs SET healed_at = $2, heal_jtis = $3 WHERE id = $1', [runId, at, healJtis])
      await client.query('INSERT INTO admin_actions (principal, action, target, detail) VALUES ($1, $2, $3, $4)',
        [principal, 'reconciliation.heal', runId, { owner: run.owner, listCode: run.list_code, platform: run.platform, jtis: [], items, resent, review, relayed }])
      return { runId, jtis: [], items, resent, review, relayed }
    }
    const { rows: owned } = await client.query<OwnerRow>(
      'SELECT entry_id, version, status, list_code, data, removal FROM entries WHERE owner = $1 AND entry_id = ANY($2::text[])',
      [run.owner, findings.map((f) => f.entry_id)])
    const current = new Map(owned.map((r) => [r.entry_id, r]))
    const out = new Map<EnvelopeKindV1, unknown[]>()
    const add = (kind: EnvelopeKindV1, item: unknown): void => { out.set(kind, [...(out.get(kind) ?? []), item]) }
    const suspensions: OwnerRow[] = []
    const resend = (row: OwnerRow): void => {
      if (row.status === 'removed') add('list.remove', row.removal)
      else add('list.upsert', row.data)
    }
    for (const f of findings) {
      const row = current.get(f.entry_id)
      if (f.kind === 'suspension-mismatch' && row !== undefined) {
        suspensions.push(row)
      } else if (row !== undefined) {
        resend(row)
      } else {
        add('list.remove', {
          entryId: f.entry_id,
          owner: run.owner,
          version: (f.replica_version ?? 1) + 1,
          reason: 'other',
          basis: `Reconciliation run ${runId}: the owner never published this entry.`,
          effectiveOn: today(at)
        })
      }
    }
    const jtis: string[] = []
    const items: Record<string, number> = {}
    for (const [kind, list] of out) {
      items[kind] = list.length
      for (let i = 0; i < list.length; i += MAX_ITEMS) {
        jtis.push(
          await emitGatewayMessage(
            client, keys, { kind, items: list.slice(i, i + MAX_ITEMS), destinations: [run.platform] }, at
          )
        )
      }
    }
    const resent: ResentMessage[] = []
    const review: ReviewItem[] = []
    for (const row of suspensions) {
      const done = await resendObjection(client, run.owner, row.entry_id, row.status, run.platform, at)
      if ('review' in done) review.push(done.review)
      else resent.push(...done.resent.filter((m) => !resent.some((r) => r.iss === m.iss && r.jti === m.jti)))
    }
    for (const m of resent) items[m.kind] = (items[m.kind] ?? 0) + 1
    const healJtis = [...jtis, ...resent.map((m) => m.jti).filter((j) => !jtis.includes(j))]
    await client.query('UPDATE reconciliation_runs SET healed_at = $2, heal_jtis = $3 WHERE id = $1', [runId, at, healJtis])
    await client.query('INSERT INTO admin_actions (principal, action, target, detail) VALUES ($1, $2, $3, $4)',
      [principal, 'reconciliation.heal', runId, { owner: run.owner, listCode: run.list_code, platform: run.platform, jtis, items, resent, review }])
    return { runId, jtis, items, resent, review }
  })
}
