import type pg from 'pg'
import type { MessageStatusV1 } from '../../contracts/message-status-v1.js'
import type { EnvelopeKindV1 } from '../../contracts/envelope-v1.js'

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString())

/** Where one message stands for each of its destinations; undefined when the jti is unknown. */
export async function messageStatus (pool: pg.Pool, jti: string): Promise<MessageStatusV1 | undefined> {
  const env = await pool.query<{ jti: string, iss: string, kind: EnvelopeKindV1, digest: string, received_at: Date, item_count: number }>(
    'SELECT jti, iss, kind, digest, received_at, item_count FROM envelopes WHERE jti = $1', [jti])
  const e = env.rows[0]
  if (e === undefined) return undefined
  const d = await pool.query<{ id: string, destination: string, status: MessageStatusV1['destinations'][number]['status'], attempts: number, last_error: string | null, created_at: Date, updated_at: Date, delivered_at: Date | null, receipt: unknown }>(
    `SELECT id, destination, status, attempts, last_error, created_at, updated_at, delivered_at, receipt
     FROM deliveries WHERE jti = $1 ORDER BY destination`, [jti])
  return {
    jti: e.jti,
    iss: e.iss,
    kind: e.kind,
    digest: e.digest,
    receivedAt: e.received_at.toISOString(),
    items: e.item_count,
    destinations: d.rows.map((r) => ({
      deliveryId: r.id,
      platform: r.destination,
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
      deliveredAt: iso(r.delivered_at),
      receipt: r.receipt
    }))
  }
}
