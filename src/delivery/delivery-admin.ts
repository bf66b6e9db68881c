import type pg from 'pg'
import { GatewayError } from '../errors/gateway-error.js'
import { inTransaction } from '../ledger/pool.js'
import { recordAdminAction } from '../audit/admin-action-log.js'
import { OUTBOX_CHANNEL } from '../ledger/outbox-channel.js'

/**
 * Resends a delivery (dead, partial, or delivered when a replica must get it again): back to
 * `queued` with its attempts reset and a new queue job; the earlier attempts stay in the evidence
 * trail, and the action is recorded with who took it. A partial delivery sends its refused items
 * alone (startAttempt loads its open refusals); the items the destination applied stay delivered.
 */
export async function resendDelivery (
  pool: pg.Pool, deliveryId: string, principal: string
): Promise<{ id: string, status: string }> {
  if (!/^\d{1,18}$/.test(deliveryId)) throw new GatewayError('NOT_FOUND', 'no such delivery')
  return await inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ status: string }>('SELECT status FROM deliveries WHERE id = $1 FOR UPDATE', [deliveryId])
    const row = rows[0]
    if (row === undefined) throw new GatewayError('NOT_FOUND', 'no such delivery')
    if (row.status !== 'dead' && row.status !== 'delivered' && row.status !== 'partial') {
      throw new GatewayError('DELIVERY_IN_PROGRESS', `the delivery is ${row.status}; only dead, partial or delivered deliveries are resent`)
    }
    await requeueDelivery(client, deliveryId)
    await recordAdminAction(client, { principal, action: 'delivery.resend', target: deliveryId, detail: { previousStatus: row.status } })
    return { id: deliveryId, status: 'queued' }
  })
}

/**
 * Puts a dead, partial or delivered delivery (locked by the caller) back in the outbox, in the
 * caller's transaction: the same stored message (`envelopes.jws`), its attempts reset, earlier
 * attempts kept (a partial one sends its open refusals alone).
 */
export async function requeueDelivery (client: pg.PoolClient, deliveryId: string): Promise<void> {
  await client.query(
    `UPDATE deliveries SET status = 'queued', attempts = 0, last_error = NULL, last_error_code = NULL, delivered_at = NULL, receipt = NULL,
       enqueued_at = NULL, enqueue_seq = enqueue_seq + 1, resends = resends + 1, updated_at = now() WHERE id = $1`, [deliveryId])
  await client.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`)
}
