import type pg from 'pg'
import type { ProofHash } from '../canonical/proof-hash.js'
import { inTransaction } from '../ledger/pool.js'
import { leafBytes, leafOfHistory, type HistoryRow } from './change-leaf.js'
import { insertNodes, loadNodes, lockLog, lookupIn } from './log-store.js'
import { leafHash, nodesCompletedBy, perfectNodesOf, rangeHash, type NodeId } from './merkle-tree.js'

/**
 * The list (so the log) of the entry_history row `h`, NULL if none can be told (the sequencer's
 * `unlisted`). A removal item carries no list code: its list is the one of the entry's latest
 * earlier upsert.
 */
export const HISTORY_LIST_CODE = `coalesce(h.data->>'listCode',
                (SELECT p.data->>'listCode' FROM entry_history p
                 WHERE p.owner = h.owner AND p.entry_id = h.entry_id AND p.version < h.version AND p.action = 'upsert'
                 ORDER BY p.version DESC LIMIT 1),
                (SELECT e.list_code FROM entries e WHERE e.owner = h.owner AND e.entry_id = h.entry_id))`

/** The default number of rows a sequencer appends per transaction. */
export const SEQUENCER_BATCH_SIZE = 2000

// `h.jti = ANY` lets the planner use entry_history_jti: the row-value IN alone was a hash semi-join over a sequential
// scan of the whole history, a cost that grew with the ledger (18 ms a batch at 20,000 rows, in bench:pipeline).
const PENDING = `
SELECT h.id, h.owner, h.entry_id, h.version, h.action, h.status, h.jti, h.data, h.recorded_at, h.salt, h.leaf_data_hash,
       ${HISTORY_LIST_CODE} AS list_code
FROM entry_history h
WHERE h.jti = ANY($2::text[]) AND (h.iss, h.jti) IN (SELECT * FROM unnest($1::text[], $2::text[]))
  AND NOT EXISTS (SELECT 1 FROM transparency_leaves l WHERE l.history_id = h.id)
ORDER BY h.id`

type PendingRow = HistoryRow & { id: string }

/**
 * Appends committed entry_history rows to their lists' logs, in id order, about `batchSize` rows
 * per transaction. Each envelope is queued (transparency_pending) by a trigger in the transaction
 * that wrote it and its history rows, and leaves the queue in the transaction that appends those
 * rows, so a crash repeats a batch whole or not at all, and a row can be a leaf only once (unique
 * history_id). Gateways running side by side take turns: one sequencer per ledger schema
 * at a time (an advisory lock), and each log's head row is locked while it grows.
 */
export class Sequencer {
  /** `newLogHash`: the hash a log created by this sequencer gets (the deployment's proofHash); a log keeps its own. */
  constructor (
    private readonly pool: pg.Pool, private readonly batchSize = SEQUENCER_BATCH_SIZE, private readonly newLogHash: ProofHash = 'SHA-256'
  ) {}

  /**
   * Sequences everything pending; returns how many leaves were appended. A scheduled run leaves
   * the work to another gateway already at it (0); with `wait` (on demand) it waits its turn.
   */
  async drain (wait = false): Promise<number> {
    let total = 0
    for (;;) {
      const r = await this.batch(wait)
      total += r.leaves
      if (r.locked || r.statements === 0) return total
    }
  }

  /** One batch: how many queued envelopes it took and leaves it appended; `locked` when another sequencer holds the
   * lock and `wait` is false. */
  async batch (wait = false): Promise<{ locked: boolean, statements: number, leaves: number }> {
    return await inTransaction(this.pool, async (client) => {
      const key = "hashtext(current_schema() || ':transparency-sequencer')"
      if (wait) {
        await client.query(`SELECT pg_advisory_xact_lock(${key})`)
      } else {
        const { rows: [lock] } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(${key}) AS ok`)
        if (lock?.ok !== true) return { locked: true, statements: 0, leaves: 0 }
      }
      // Whole envelopes, oldest first, up to about batchSize items (at least one envelope).
      const { rows: queued } = await client.query<{ id: string, iss: string, jti: string, n: number | null }>(
        'SELECT q.id, q.iss, q.jti, e.item_count AS n FROM transparency_pending q LEFT JOIN envelopes e USING (iss, jti) ORDER BY q.id LIMIT $1', [this.batchSize])
      const take: typeof queued = []
      let count = 0
      for (const q of queued) {
        if (take.length > 0 && count + (q.n ?? 0) > this.batchSize) break
        take.push(q)
        count += q.n ?? 0
      }
      if (take.length === 0) return { locked: false, statements: 0, leaves: 0 }
      const { rows } = await client.query<PendingRow>(PENDING, [take.map((q) => q.iss), take.map((q) => q.jti)])
      const byLog = new Map<string, PendingRow[]>()
      for (const r of rows) {
        const key = JSON.stringify([r.owner, r.list_code ?? 'unlisted'])
        const list = byLog.get(key) ?? []
        list.push({ ...r, list_code: r.list_code ?? 'unlisted' })
        byLog.set(key, list)
      }
      for (const changes of byLog.values()) await this.append(client, changes)
      await client.query('DELETE FROM transparency_pending WHERE id = ANY($1::bigint[])', [take.map((q) => q.id)])
      return { locked: false, statements: take.length, leaves: rows.length }
    })
  }

  private async append (client: pg.PoolClient, changes: PendingRow[]): Promise<void> {
    const first = changes[0] as PendingRow
    const head = await lockLog(client, first.owner, first.list_code, this.newLogHash)
    // The compact range of the current tree: every left sibling an append can need.
    const nodes = head.size === 0
      ? new Map<string, Uint8Array>()
      : await loadNodes(
        client, head.id, perfectNodesOf([0, head.size])
      ) as Map<string, Uint8Array>
    const lookup = lookupIn(nodes, head.id)
    const leaves: Array<{ index: number, historyId: string, hash: Uint8Array }> = []
    const inner: Array<NodeId & { hash: Uint8Array }> = []
    let size = head.size
    for (const change of changes) {
      const hash = leafHash(leafBytes(leafOfHistory(change, head.hash)), head.hash)
      for (const n of nodesCompletedBy(size, hash, lookup, head.hash)) {
        nodes.set(`${n.level}:${n.index}`, n.hash)
        if (n.level === 0) leaves.push({ index: n.index, historyId: change.id, hash: n.hash })
        else inner.push(n)
      }
      size += 1
    }
    await insertNodes(client, head.id, leaves, inner)
    const root = Buffer.from(rangeHash([0, size], lookup, head.hash))
    await client.query('UPDATE transparency_logs SET size = $2, root_hash = $3, updated_at = now() WHERE id = $1', [head.id, size, root])
  }
}
