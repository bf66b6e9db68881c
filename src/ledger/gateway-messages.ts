import { createHash, randomUUID } from 'node:crypto'
import type pg from 'pg'
import { ENVELOPE_TYP, GATEWAY_ID, MAX_LIFETIME_SECONDS, type EnvelopeKindV1 } from '../../contracts/envelope-v1.js'
import type { GatewayKeys } from '../keys/signing-keys.js'
import { OUTBOX_CHANNEL } from './outbox-channel.js'

/**
 * One outbox row per destination for message (`iss`, `jti`), in the caller's transaction, and a
 * NOTIFY that wakes the outbox relay as soon as it commits (never for one that rolls back).
 * `notify: false` when the caller sends the NOTIFY itself ({@link notifyOutbox}), once for a
 * transaction that writes many messages. `traceparent`: the W3C trace context the message arrived
 * with, carried to each delivery's outbound request.
 */
export async function insertOutbox (
  client: pg.PoolClient, iss: string, jti: string, destinations: string[], at: Date, notify = true,
  traceparent: string | null = null
): Promise<void> {
  if (destinations.length === 0) return
  await client.query(
    `INSERT INTO deliveries (iss, jti, destination, created_at, updated_at, traceparent)
     SELECT $4, $1, d, $3, $3, $5 FROM unnest($2::text[]) AS d`,
    [jti, destinations, at, iss, traceparent])
  if (notify) await notifyOutbox(client)
}

/** Wakes the outbox relay when the caller's transaction commits. */
export async function notifyOutbox (client: pg.PoolClient): Promise<void> {
  await client.query('SELECT pg_notify($1, \'\')', [OUTBOX_CHANNEL])
}

/** A message the gateway issues itself: a reminder, a remediation notice, a heal, an expiry. */
export interface GatewayMessage {
  kind: EnvelopeKindV1
  items: unknown[]
  /** Platforms to deliver to: one outbox row each. */
  destinations: string[]
  /** Message id; default `YRD-<uuid>`. */
  jti?: string
}

/**
 * Writes an envelope issued by the gateway itself (iss `YRD`, signed with the gateway's key, so the
 * ledger keeps the same kind of evidence as for a platform's envelope) and one outbox row per
 * destination, inside the caller's transaction; the ordinary delivery pipeline (queues, retries,
 * dead and resend, `GET /v1/messages/{jti}`) then delivers it. Returns the jti.
 */
export async function emitGatewayMessage (
  client: pg.PoolClient, keys: GatewayKeys, msg: GatewayMessage, at: Date = new Date()
): Promise<string> {
  const jti = msg.jti ?? `${GATEWAY_ID}-${randomUUID()}`
  const iat = Math.floor(at.getTime() / 1000)
  const jws = await keys.sign(
    { iss: GATEWAY_ID, aud: GATEWAY_ID, jti, iat, exp: iat + MAX_LIFETIME_SECONDS, kind: msg.kind, items: msg.items },
    ENVELOPE_TYP
  )
  const digest = createHash('sha256').update(jws).digest('base64url')
  // The gateway's own message is its own receipt: the signed JWS is the statement of what it sent.
  await client.query(
    `INSERT INTO envelopes (jti, iss, kind, digest, jws, item_count, receipt, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $5, $7)`,
    [jti, GATEWAY_ID, msg.kind, digest, jws, msg.items.length, at])
  await insertOutbox(client, GATEWAY_ID, jti, msg.destinations, at)
  return jti
}
