import type pg from 'pg'
import type { EnvelopeKindV1 } from '../../contracts/envelope-v1.js'
import { GatewayError } from '../errors/gateway-error.js'
import { writeEntries } from './entry-writes.js'

export interface EnvelopeRecord {
  jti: string
  iss: string
  kind: EnvelopeKindV1
  digest: string
  jws: string
  items: unknown[]
  /** The payload's JSON text as signed. */
  payloadText: string
  receipt: string
  receivedAt: Date
  /** The relay (a peer gateway's JWS) that brought the envelope, when a peer did (issue 18). */
  relay?: string | undefined
}

export type CommitOutcome =
  | { outcome: 'accepted' }
  | { outcome: 'replay', receipt: string }

/**
 * Stores an accepted envelope in the caller's transaction: the raw JWS and its receipt, then its
 * entries and their history. The envelope row goes first so that two submissions of one (iss, jti)
 * serialise on its primary key: exactly one stores it, the other sees it (a replay, or
 * JTI_CONFLICT for other bytes). Message ids are the issuer's own: another issuer's message under
 * the same jti is no conflict.
 */
export async function storeEnvelope (client: pg.PoolClient, rec: EnvelopeRecord): Promise<CommitOutcome> {
  const inserted = await client.query(
    `INSERT INTO envelopes (jti, iss, kind, digest, jws, item_count, receipt, received_at, relay)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (iss, jti) DO NOTHING`,
    [rec.jti, rec.iss, rec.kind, rec.digest, rec.jws, rec.items.length, rec.receipt, rec.receivedAt, rec.relay ?? null])
  if (inserted.rowCount === 0) {
    const { rows } = await client.query<{ digest: string, receipt: string }>(
      'SELECT digest, receipt FROM envelopes WHERE iss = $1 AND jti = $2', [rec.iss, rec.jti])
    const prior = rows[0]
    if (prior === undefined) {
      throw new GatewayError('UNAVAILABLE', 'concurrent submission; try again', { retryable: true })
    }
    if (prior.digest !== rec.digest) {
      throw new GatewayError('JTI_CONFLICT', 'this jti was already used for a different envelope')
    }
    return { outcome: 'replay', receipt: prior.receipt }
  }
  if (rec.kind === 'list.upsert' || rec.kind === 'list.remove') {
    const items = rec.items as Array<{ entryId: string, version: number }>
    await writeEntries(client, rec.kind, rec.iss, rec, items, rec.payloadText, rec.receivedAt)
  }
  return { outcome: 'accepted' }
}

/** Looks up a prior envelope's digest and receipt (for replays once the cache has forgotten). */
export async function findEnvelope (
  pool: pg.Pool, iss: string, jti: string
): Promise<{ digest: string, receipt: string } | undefined> {
  const { rows } = await pool.query<{ digest: string, receipt: string }>('SELECT digest, receipt FROM envelopes WHERE iss = $1 AND jti = $2', [iss, jti])
  return rows[0]
}
