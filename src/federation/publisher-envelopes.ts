import type pg from 'pg'
import type { PublisherEnvelope, PublisherEnvelopes } from '../../adapters/types.js'
import { ATTESTED_TYP } from '../native/attest-native.js'

interface Row { jws: string, relay: string | null }

const decoded = (segment: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>

/**
 * The compact form of a stored envelope: compact as received, or the flattened JSON's three members
 * joined (the signature covers the protected header and the payload alone, so nothing signed is lost).
 * Undefined for a shielded envelope (personal fields erased by repair: the original is gone).
 */
function compactOf (stored: string): string | undefined {
  const text = stored.trim()
  if (!text.startsWith('{')) return text
  const json = JSON.parse(text) as { shielded?: unknown, protected?: string, payload?: string, signature?: string }
  if (json.shielded !== undefined) return undefined
  const { protected: head, payload, signature } = json
  return head === undefined || payload === undefined || signature === undefined ? undefined : `${head}.${payload}.${signature}`
}

/** The path a stored relay names (the ledger keeps it only after verifying it: docs/federation.md). */
function viaOf (relay: string | null): string[] {
  if (relay === null) return []
  const via = decoded(relay.split('.')[1] ?? '').via
  return Array.isArray(via) ? via.map(String) : []
}

/** The publisher's envelope of one message as the ledger keeps it, with the path it came by. */
export function publisherEnvelopeOf (row: Row): PublisherEnvelope | undefined {
  const jws = compactOf(row.jws)
  if (jws === undefined) return undefined
  const typ = decoded(jws.split('.')[0] ?? '').typ
  return { jws, via: viaOf(row.relay), attested: typ === ATTESTED_TYP }
}

/** Reads publishers' envelopes from the ledger (AdapterContext.publisherEnvelope). */
export function publisherEnvelopes (pool: pg.Pool): PublisherEnvelopes {
  return async (iss, jti) => {
    const { rows } = await pool.query<Row>('SELECT jws, relay FROM envelopes WHERE iss = $1 AND jti = $2', [iss, jti])
    const row = rows[0]
    return row === undefined ? undefined : publisherEnvelopeOf(row)
  }
}
