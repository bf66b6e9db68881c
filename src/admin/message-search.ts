import type pg from 'pg'
import type { MessageDetailV1, MessageSearchV1 } from '../../contracts/admin-v1.js'
import { scrubIdNumbers } from '../identifiers/mask.js'
import { maskIdNumbersDeep } from '../privacy/mask-entry.js'
import { findMessage } from '../messages/message-status.js'

export interface MessageQuery {
  /** A jti or the start of one. */
  q?: string
  origin?: string
  destination?: string
  status?: string
  kind?: string
  before?: string
  limit: number
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString())
/** Free text from platforms (errors, receipts) is scrubbed of anything shaped like an identity number. */
const scrub = (v: string | null): string | null => (v === null ? null : scrubIdNumbers(v))
const scrubDeep = (v: unknown): unknown => v === null || v === undefined
  ? null
  : JSON.parse(
    scrubIdNumbers(JSON.stringify(maskIdNumbersDeep(v)))
  )

/** Messages newest first, by jti prefix, origin, kind, and destination and status of a delivery. */
export async function searchMessages (pool: pg.Pool, q: MessageQuery): Promise<MessageSearchV1> {
  const { rows } = await pool.query<{
    jti: string,
    iss: string,
    kind: string,
    item_count: number,
    received_at: Date,
    statuses: Record<string, number> | null
  }>(
    `SELECT e.jti, e.iss, e.kind, e.item_count, e.received_at,
            (SELECT jsonb_object_agg(s.status, s.n) FROM (SELECT status, count(*)::int AS n FROM deliveries WHERE iss = e.iss AND jti = e.jti GROUP BY status) s) AS statuses
     FROM envelopes e
     WHERE ($1::text IS NULL OR starts_with(e.jti, $1)) AND ($2::text IS NULL OR e.iss = $2) AND ($3::text IS NULL OR e.kind = $3)
       AND ($4::timestamptz IS NULL OR e.received_at < $4)
       AND ($5::text IS NULL AND $6::text IS NULL OR EXISTS (
             SELECT 1 FROM deliveries d WHERE d.iss = e.iss AND d.jti = e.jti AND ($5::text IS NULL OR d.destination = $5) AND ($6::text IS NULL OR d.status = $6)))
     ORDER BY e.received_at DESC LIMIT $7`,
    [q.q ?? null, q.origin ?? null, q.kind ?? null, q.before ?? null, q.destination ?? null, q.status ?? null, q.limit])
  return {
    messages: rows.map((r) => ({
      jti: r.jti,
      iss: r.iss,
      kind: r.kind,
      items: r.item_count,
      receivedAt: r.received_at.toISOString(),
      statuses: r.statuses ?? {}
    })),
    nextBefore: rows.length === q.limit ? rows[rows.length - 1]?.received_at.toISOString() ?? null : null
  }
}

/**
 * GET /v1/messages/{jti}'s answer plus, per destination, its resends and every attempt; `issuer`
 * names the message when several issuers used the jti (NOT_FOUND / BAD_REQUEST as findMessage).
 */
export async function messageDetail (pool: pg.Pool, jti: string, issuer?: string): Promise<MessageDetailV1> {
  const status = await findMessage(pool, jti, { issuer, platform: undefined })
  const { rows } = await pool.query<{
    delivery_id: string,
    attempt: number,
    started_at: Date,
    finished_at: Date | null,
    outcome: string | null,
    error: string | null,
    receipt: unknown
  }>(
    `SELECT a.delivery_id, a.attempt, a.started_at, a.finished_at, a.outcome, a.error, a.receipt
     FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.iss = $1 AND d.jti = $2 ORDER BY a.id`, [status.iss, jti])
  const { rows: resends } = await pool.query<{ id: string, resends: number }>('SELECT id, resends FROM deliveries WHERE iss = $1 AND jti = $2', [status.iss, jti])
  return {
    ...status,
    destinations: status.destinations.map((d) => ({
      ...d,
      lastError: scrub(d.lastError),
      receipt: scrubDeep(d.receipt),
      resends: resends.find((r) => r.id === d.deliveryId)?.resends ?? 0,
      attemptLog: rows.filter((a) => a.delivery_id === d.deliveryId).map((a) => ({
        attempt: a.attempt,
        startedAt: a.started_at.toISOString(),
        finishedAt: iso(
          a.finished_at
        ),
        outcome: a.outcome,
        error: scrub(a.error),
        receipt: scrubDeep(a.receipt)
      }))
    }))
  }
}
