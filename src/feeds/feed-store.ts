import type pg from 'pg'
import type { Delivery } from '../../adapters/types.js'
import { ENVELOPE_TYP, GATEWAY_ID, MAX_LIFETIME_SECONDS, type EnvelopeKindV1 } from '../../contracts/envelope-v1.js'
import type { GatewayKeys } from '../keys/signing-keys.js'
import { inTransaction } from '../ledger/pool.js'
import { dropSuperseded, nothingSentEvidence } from '../delivery/delivery-store.js'
import type { MessageItems } from '../delivery/message-items.js'
import { scopeEvidence, type ScopedDelivery } from '../delivery/share-scope.js'

/** One offered delivery: `cursor` orders the feed; `jws` is signed by the gateway like a push. */
export interface FeedItem {
  cursor: string
  deliveryId: string
  jti: string
  kind: EnvelopeKindV1
  origin: string
  jws: string
}

/**
 * The next page of a pull platform's feed: deliveries after `after` not yet acknowledged, and any
 * offered earlier but still unacknowledged after `redeliverMs` (offered again). Each offer counts
 * as an attempt and is recorded. `shape` applies the platform's share scope: what it kept back is
 * recorded on the offer (and becomes part of the receipt at the acknowledgement); a delivery left
 * with nothing to send because of it is not offered but recorded delivered with that evidence.
 */
export async function readFeed (
  pool: pg.Pool, messageItems: MessageItems, keys: GatewayKeys, platform: string, after: string, limit: number,
  redeliverMs: number,
  shape: (d: Delivery) => ScopedDelivery = (d) => ({ delivery: d, withheld: [], withheldFields: [] })
): Promise<{ items: FeedItem[], next: string }> {
  const offered = await inTransaction(pool, async (client) => {
    const { rows } = await client.query<{
      id: string, jti: string, kind: EnvelopeKindV1, iss: string, digest: string, received_at: Date
    }>(
      `SELECT d.id, d.jti, e.kind, e.iss, e.digest, e.received_at
       FROM deliveries d JOIN envelopes e USING (iss, jti)
       WHERE d.destination = $1 AND d.enqueued_at IS NOT NULL AND d.status IN ('queued', 'delivering', 'retrying')
         AND (d.id > $2 OR (d.status = 'delivering' AND d.updated_at < now() - make_interval(secs => $4::double precision / 1000)))
       ORDER BY d.id LIMIT $3 FOR UPDATE OF d SKIP LOCKED`, [platform, after, limit, redeliverMs])
    if (rows.length > 0) {
      const ids = rows.map((r) => r.id)
      await client.query('UPDATE deliveries SET status = \'delivering\', attempts = attempts + 1, updated_at = now() WHERE id = ANY($1::bigint[])', [ids])
      await client.query(
        `INSERT INTO delivery_attempts (delivery_id, attempt, started_at)
         SELECT id, attempts, now() FROM deliveries WHERE id = ANY($1::bigint[])`, [ids])
    }
    return rows
  })
  const items: FeedItem[] = []
  for (const r of offered) {
    const scoped = shape(await dropSuperseded(pool, {
      deliveryId: r.id,
      jti: r.jti,
      kind: r.kind,
      origin: r.iss,
      originDigest: r.digest,
      destination: platform,
      items: await messageItems.of(pool, r.iss, r.jti),
      receivedAt: r.received_at.toISOString(),
      resends: 0
    }))
    const d = scoped.delivery
    const kept = scopeEvidence(scoped)
    if (kept.withheld !== undefined || kept.withheldFields !== undefined) {
      if (d.items.length === 0) { await recordWithheldWhole(pool, r.id, nothingSentEvidence(kept)); continue }
      await pool.query('UPDATE delivery_attempts SET receipt = $2 WHERE id = (SELECT max(id) FROM delivery_attempts WHERE delivery_id = $1)', [r.id, kept])
    }
    const iat = Math.floor(Date.now() / 1000)
    const jws = await keys.sign({
      iss: GATEWAY_ID,
      aud: platform,
      jti: r.jti,
      iat,
      exp: iat + MAX_LIFETIME_SECONDS,
      kind: r.kind,
      items: d.items,
      origin: r.iss,
      originDigest: r.digest,
      deliveryId: r.id
    }, ENVELOPE_TYP)
    items.push({ cursor: r.id, deliveryId: r.id, jti: r.jti, kind: r.kind, origin: r.iss, jws })
  }
  const next = offered.reduce((max, r) => (BigInt(r.id) > BigInt(max) ? r.id : max), after)
  return { items, next }
}

/** A delivery the share scope left with nothing to send: delivered, nothing offered, the evidence kept. */
async function recordWithheldWhole (
  pool: pg.Pool, deliveryId: string, evidence: Record<string, unknown>
): Promise<void> {
  await pool.query(
    `WITH d AS (
       UPDATE deliveries SET status = 'delivered', last_error = NULL, last_error_code = NULL, receipt = $2, delivered_at = now(), updated_at = now() WHERE id = $1
     )
     UPDATE delivery_attempts SET finished_at = now(), outcome = 'superseded', receipt = $2
     WHERE id = (SELECT max(id) FROM delivery_attempts WHERE delivery_id = $1)`, [deliveryId, evidence])
}

export interface Ack { deliveryId: string, jti: string }

/**
 * Records a pull platform's acknowledgements: each names a delivery offered to it and its jti.
 * Acknowledged deliveries are delivered (the ack kept as the receipt, the replica's versions
 * remembered); an ack of something already delivered is harmless; anything else is reported back.
 */
export async function acknowledge (
  pool: pg.Pool, messageItems: MessageItems, platform: string, acks: Ack[]
): Promise<{ acknowledged: string[], unknown: string[] }> {
  return await inTransaction(pool, async (client) => {
    const acknowledged: string[] = []
    const unknown: string[] = []
    for (const ack of acks) {
      // `offered`: what the share scope kept back from the offer acknowledged (recorded by readFeed).
      const { rows } = await client.query<{
        id: string, status: string, iss: string, kind: string, offered: Record<string, unknown> | null
      }>(
        `SELECT d.id, d.status, e.iss, e.kind,
           (SELECT a.receipt FROM delivery_attempts a WHERE a.delivery_id = d.id ORDER BY a.id DESC LIMIT 1) AS offered
         FROM deliveries d JOIN envelopes e USING (iss, jti)
         WHERE d.id = $1 AND d.destination = $2 AND d.jti = $3 FOR UPDATE OF d`, [ack.deliveryId, platform, ack.jti])
      const row = rows[0]
      if (row === undefined) { unknown.push(ack.deliveryId); continue }
      acknowledged.push(row.id)
      if (row.status === 'delivered') continue
      const evidence = { ...(row.offered ?? {}), ack: true, jti: ack.jti, at: new Date().toISOString() }
      await client.query(
        'UPDATE deliveries SET status = \'delivered\', last_error = NULL, last_error_code = NULL, receipt = $2, delivered_at = now(), updated_at = now() WHERE id = $1',
        [row.id, evidence])
      await client.query(
        `UPDATE delivery_attempts SET finished_at = now(), outcome = 'delivered', receipt = $2
         WHERE id = (SELECT max(id) FROM delivery_attempts WHERE delivery_id = $1)`, [row.id, evidence])
      if (row.kind === 'list.upsert' || row.kind === 'list.remove') {
        await client.query(
          `INSERT INTO replica_versions (destination, owner, entry_id, version, confirmed_at)
           SELECT $1, coalesce(x->>'owner', $2), x->>'entryId', (x->>'version')::int, now() FROM jsonb_array_elements($3::jsonb) AS x
           ON CONFLICT (destination, owner, entry_id) DO UPDATE
             SET version = GREATEST(replica_versions.version, EXCLUDED.version), confirmed_at = EXCLUDED.confirmed_at`,
          [platform, row.iss, JSON.stringify(await messageItems.of(client, row.iss, ack.jti))])
      }
    }
    return { acknowledged, unknown }
  })
}
