import type { FastifyBaseLogger } from 'fastify'
import type pg from 'pg'
import type { ListRemoveItemV1 } from '../../contracts/list-remove-item-v1.js'
import { inTransaction } from '../ledger/pool.js'
import { chinaToday } from './case-deadlines.js'
import { afterRemoval } from './after-removal.js'
import { removeOnBehalf } from './remove-on-behalf.js'
import type { WorkflowDeps } from './workflow-deps.js'

const BATCH = 500

/**
 * Removes every current entry whose `validUntil` has passed (China Standard Time; the listing's
 * 联合惩戒期限, 国发〔2016〕33号 (二十一), is over, and copies keep the identifying department's
 * 期限, 国办发〔2020〕49号 (五)): the gateway
 * issues a `list.remove` with reason `expiry` on the owner's behalf, a new version delivered to
 * every platform, the owner included (it learns the new version from the gateway, not from a
 * VERSION_CONFLICT), and tracked until each has confirmed it; the entry's live cases are
 * withdrawn. Rows are locked with SKIP LOCKED, so two gateways never remove one entry twice, and
 * an owner's concurrent update simply wins or loses on its version. Returns how many were removed.
 */
export async function sweepExpired (
  pool: pg.Pool, deps: WorkflowDeps, at: Date = new Date(), log?: FastifyBaseLogger
): Promise<number> {
  const today = chinaToday(at)
  let removed = 0
  for (;;) {
    const n = await inTransaction(pool, async (client) => {
      const { rows } = await client.query<{ owner: string, entry_id: string, version: number, valid_until: string }>(
        `SELECT owner, entry_id, version, data->>'validUntil' AS valid_until FROM entries
         WHERE status <> 'removed' AND data ? 'validUntil' AND data->>'validUntil' < $1
         ORDER BY owner, entry_id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`, [today])
      const byOwner = new Map<string, ListRemoveItemV1[]>()
      for (const r of rows) {
        const items = byOwner.get(r.owner) ?? []
        items.push({ entryId: r.entry_id, owner: r.owner, version: r.version + 1, reason: 'expiry', basis: `validity ended on ${r.valid_until} (validUntil)`, effectiveOn: today })
        byOwner.set(r.owner, items)
      }
      for (const [owner, items] of byOwner) {
        const jti = await removeOnBehalf(client, deps, owner, items, at)
        await afterRemoval(client, deps, owner, items, jti, at)
        log?.info({ platform: owner, jti, entries: items.length }, 'expired entries removed')
      }
      return rows.length
    })
    removed += n
    if (n < BATCH) return removed
  }
}
