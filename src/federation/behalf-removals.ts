import type { FastifyInstance } from 'fastify'
import type { ListRemoveItemV1 } from '../../contracts/list-remove-item-v1.js'
import { RECEIPT_TYP, type ReceiptClaimsV1 } from '../../contracts/receipt-v1.js'
import { removeOnBehalf } from '../coordination/remove-on-behalf.js'
import { workflowDeps } from '../coordination/workflow-deps.js'
import { receiptDigest } from '../envelopes/ingest-service.js'
import { inTransaction } from '../ledger/pool.js'
import type { VerifiedRelay } from './verify-relay.js'

/**
 * What the receiving gateway answers a peer's removal on behalf: its receipt, what it removed, and
 * the entries it does not hold at all (`owner/entryId`), which had nothing to remove.
 */
export interface BehalfOutcome { jti: string, receipt: string, removed: string[], unheld: string[] }

/**
 * A peer gateway's removal of its origins' entries on their behalf (issue 18; verify-relay.ts checks
 * that it is one): an objection resolved as revoked, a granted repair or an expiry there. This gateway
 * makes the same removal itself (removeOnBehalf: its own `list.remove`, signed with its key, to its
 * platforms), for each entry it holds in force at an older version; one already removed (by the
 * owner's own removal, or derived here from the same objection or expiry) or at that version is left
 * as it is, so the relay is idempotent and never a VERSION_CONFLICT; one not held at all has nothing
 * in force to remove (the peer relays in acceptance order: its publication never came) and is named
 * in `unheld` for the log. The receipt names the peer's envelope and the relay, as for any relayed message.
 */
export async function applyBehalfRemoval (
  app: FastifyInstance, verified: VerifiedRelay, received: Uint8Array
): Promise<BehalfOutcome> {
  const { original, claims } = verified
  const items = original.claims.items as ListRemoveItemV1[]
  const at = new Date()
  const unheld: string[] = []
  const removed = await inTransaction(app.pg, async (client) => {
    const done: string[] = []
    unheld.length = 0
    for (const owner of [...new Set(items.map((i) => i.owner))]) {
      const mine = items.filter((i) => i.owner === owner)
      const { rows } = await client.query<{ entry_id: string, version: number, status: string }>(
        'SELECT entry_id, version, status FROM entries WHERE owner = $1 AND entry_id = ANY($2::text[]) FOR UPDATE',
        [owner, mine.map((i) => i.entryId)])
      const held = new Map(rows.map((r) => [r.entry_id, r]))
      unheld.push(...mine.filter((i) => !held.has(i.entryId)).map((i) => `${owner}/${i.entryId}`))
      const due = mine.filter((i) => {
        const row = held.get(i.entryId)
        return row !== undefined && row.status !== 'removed' && row.version < i.version
      })
      if (due.length === 0) continue
      await removeOnBehalf(client, workflowDeps(app), owner, due, at)
      done.push(...due.map((i) => `${owner}/${i.entryId}`))
    }
    return done
  })
  const receiptClaims: ReceiptClaimsV1 = {
    jti: original.claims.jti,
    iss: original.claims.iss,
    ...receiptDigest({ digest: original.digest, received }, app.config.settings.proofHash),
    receivedAt: at.toISOString(),
    items: items.length,
    relay: { iss: claims.iss, jti: claims.jti, via: claims.via }
  }
  return { jti: original.claims.jti, receipt: await app.gatewayKeys.sign(receiptClaims, RECEIPT_TYP), removed, unheld }
}
