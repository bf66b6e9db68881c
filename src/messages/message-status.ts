import type pg from 'pg'
import type { MessageStatusV1 } from '../../contracts/message-status-v1.js'
import type { EnvelopeKindV1 } from '../../contracts/envelope-v1.js'
import { GatewayError } from '../errors/gateway-error.js'
import { openRefusals } from '../delivery/item-refusals.js'

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString())

/** Where message (`iss`, `jti`) stands for each of its destinations; undefined when there is no such message. */
export async function messageStatus (pool: pg.Pool, iss: string, jti: string): Promise<MessageStatusV1 | undefined> {
  const env = await pool.query<{
    jti: string, iss: string, kind: EnvelopeKindV1, digest: string, received_at: Date, item_count: number
  }>(
    'SELECT jti, iss, kind, digest, received_at, item_count FROM envelopes WHERE iss = $1 AND jti = $2', [iss, jti])
  const e = env.rows[0]
  if (e === undefined) return undefined
  const d = await pool.query<{
    id: string
    destination: string
    status: MessageStatusV1['destinations'][number]['status']
    attempts: number,
    last_error: string | null
    last_error_code: string | null
    created_at: Date
    updated_at: Date
    delivered_at: Date | null
    receipt: unknown
  }>(
    `SELECT id, destination, status, attempts, last_error, last_error_code, created_at, updated_at, delivered_at, receipt
     FROM deliveries WHERE iss = $1 AND jti = $2 ORDER BY destination`, [iss, jti])
  const refusals = await openRefusals(pool, d.rows.map((r) => r.id))
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
      lastErrorCode: r.last_error_code,
      createdAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
      deliveredAt: iso(r.delivered_at),
      receipt: r.receipt,
      refusedItems: refusals.filter((x) => x.deliveryId === r.id).map((x) => ({
        index: x.index,
        owner: x.entryOwner,
        entryId: x.entryId,
        code: x.code,
        reason: x.reason,
        refusedAt: x.refusedAt.toISOString()
      }))
    }))
  }
}

/**
 * Which message a `jti` names for a caller, now that ids are per issuer (two platforms may use one
 * jti): the one of `issuer` when given; else, for a platform, its own message under that jti, or
 * the only one it may see (sent to it); for an admin role, the only one. NOT_FOUND when the caller
 * may see none (a platform is never told that a message it may not see exists); BAD_REQUEST naming
 * the issuers when several are visible and `issuer` was not given.
 */
export async function findMessage (
  pool: pg.Pool, jti: string, opts: { issuer?: string | undefined, platform: string | undefined }
): Promise<MessageStatusV1> {
  const { platform, issuer } = opts
  const issuers = issuer !== undefined
    ? [issuer]
    : (await pool.query<{ iss: string }>('SELECT iss FROM envelopes WHERE jti = $1 ORDER BY received_at, iss', [jti])).rows.map((r) => r.iss)
  if (issuer === undefined && platform !== undefined && issuers.includes(platform)) {
    return await messageStatus(pool, platform, jti) as MessageStatusV1
  }
  const visible: MessageStatusV1[] = []
  for (const iss of issuers) {
    const status = await messageStatus(pool, iss, jti)
    if (
      status !== undefined && (
        platform === undefined || status.iss === platform || status.destinations.some((d) => d.platform === platform)
      )
    ) visible.push(status)
  }
  const [only, ...more] = visible
  if (only === undefined) throw new GatewayError('NOT_FOUND', 'no such message')
  if (more.length > 0) {
    throw new GatewayError('BAD_REQUEST', `messages of ${visible.map((s) => s.iss).join(', ')} share this jti: name one with ?issuer=`)
  }
  return only
}
