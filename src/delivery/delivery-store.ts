import type pg from 'pg'
import type { Delivery, DeliveryReceipt } from '../../adapters/types.js'
import type { EnvelopeKindV1 } from '../../contracts/envelope-v1.js'
import { inTransaction } from '../ledger/pool.js'

/** A delivery as a worker starts an attempt on it. */
export interface StartedAttempt {
  delivery: Delivery
  attempt: number
  attemptId: string
}

const LIST_KINDS: ReadonlySet<string> = new Set(['list.upsert', 'list.remove'])

function payloadItems (jws: string): unknown[] {
  const payload = jws.trim().startsWith('{') ? (JSON.parse(jws) as { payload: string }).payload : jws.trim().split('.')[1] ?? ''
  return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { items: unknown[] }).items
}

/**
 * Starts an attempt: marks the delivery `delivering`, counts the attempt and records it. Returns
 * undefined when there is nothing to do (already delivered or dead: a duplicate job is harmless).
 */
export async function startAttempt (pool: pg.Pool, deliveryId: string): Promise<StartedAttempt | undefined> {
  return await inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: string, jti: string, destination: string, status: string, attempts: number, kind: EnvelopeKindV1, iss: string, digest: string, jws: string, received_at: Date }>(
      `SELECT d.id, d.jti, d.destination, d.status, d.attempts, e.kind, e.iss, e.digest, e.jws, e.received_at
       FROM deliveries d JOIN envelopes e USING (jti) WHERE d.id = $1 FOR UPDATE OF d`, [deliveryId])
    const row = rows[0]
    if (row === undefined || row.status === 'delivered' || row.status === 'dead') return undefined
    const attempt = row.attempts + 1
    await client.query("UPDATE deliveries SET status = 'delivering', attempts = $2, updated_at = now() WHERE id = $1", [deliveryId, attempt])
    const a = await client.query<{ id: string }>(
      'INSERT INTO delivery_attempts (delivery_id, attempt, started_at) VALUES ($1, $2, now()) RETURNING id', [deliveryId, attempt])
    return {
      attempt,
      attemptId: a.rows[0]?.id ?? '',
      delivery: {
        deliveryId: row.id,
        jti: row.jti,
        kind: row.kind,
        origin: row.iss,
        originDigest: row.digest,
        destination: row.destination,
        items: payloadItems(row.jws),
        receivedAt: row.received_at.toISOString()
      }
    }
  })
}

/**
 * Drops list items the destination is known to hold in a newer version: a retried v1 must never
 * overwrite a delivered v2. The same version is sent again (a resend, a crash): destinations
 * treat it as a duplicate.
 */
export async function dropSuperseded (pool: pg.Pool, d: Delivery): Promise<Delivery> {
  if (!LIST_KINDS.has(d.kind)) return d
  const items = d.items as Array<{ entryId: string, version: number }>
  const { rows } = await pool.query<{ entry_id: string, version: number }>(
    'SELECT entry_id, version FROM replica_versions WHERE destination = $1 AND owner = $2 AND entry_id = ANY($3::text[])',
    [d.destination, d.origin, items.map((i) => i.entryId)])
  if (rows.length === 0) return d
  const held = new Map(rows.map((r) => [r.entry_id, r.version]))
  return { ...d, items: items.filter((i) => (held.get(i.entryId) ?? 0) <= i.version) }
}

/** Records a confirmed delivery: status, receipt, the attempt's evidence, what the replica now holds. */
export async function recordDelivered (pool: pg.Pool, started: StartedAttempt, delivered: Delivery, receipt: DeliveryReceipt | undefined): Promise<void> {
  await inTransaction(pool, async (client) => {
    const outcome = receipt === undefined ? 'superseded' : 'delivered'
    await client.query(
      `UPDATE deliveries SET status = 'delivered', last_error = NULL, receipt = $2, delivered_at = now(), updated_at = now()
       WHERE id = $1`, [started.delivery.deliveryId, receipt === undefined ? { superseded: true } : receipt.evidence])
    await client.query(
      'UPDATE delivery_attempts SET finished_at = now(), outcome = $2, sent_digest = $3, receipt = $4 WHERE id = $1',
      [started.attemptId, outcome, receipt?.sentDigest ?? null, receipt?.evidence ?? null])
    if (LIST_KINDS.has(delivered.kind) && delivered.items.length > 0) {
      await client.query(
        `INSERT INTO replica_versions (destination, owner, entry_id, version, confirmed_at)
         SELECT $1, $2, x->>'entryId', (x->>'version')::int, now() FROM jsonb_array_elements($3::jsonb) AS x
         ON CONFLICT (destination, owner, entry_id) DO UPDATE
           SET version = GREATEST(replica_versions.version, EXCLUDED.version), confirmed_at = EXCLUDED.confirmed_at`,
        [delivered.destination, delivered.origin, JSON.stringify(delivered.items)])
    }
  })
}

/** Records a failed attempt; `final` makes the delivery dead, otherwise it is retrying. */
export async function recordFailed (pool: pg.Pool, started: StartedAttempt, error: string, final: boolean): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('UPDATE deliveries SET status = $2, last_error = $3, updated_at = now() WHERE id = $1',
      [started.delivery.deliveryId, final ? 'dead' : 'retrying', error.slice(0, 1000)])
    await client.query("UPDATE delivery_attempts SET finished_at = now(), outcome = 'failed', error = $2 WHERE id = $1",
      [started.attemptId, error.slice(0, 1000)])
  })
}
