import { createHash } from 'node:crypto'

/**
 * An envelope whose payload had personal fields erased (国办发〔2020〕49号 (十一): 屏蔽或删除). The
 * issuer's signature covers the original payload, so the JWS cannot be edited in place: the
 * stored form keeps the protected header, the signature and the SHA-256 of the original payload
 * segment (with the issuer's own copy of the payload, the signature can still be checked, and the
 * envelope's `digest` and the gateway's receipt still name the exact bytes received), and the
 * payload itself with the erased items' personal fields removed, for the deliveries and
 * acknowledgements that read items from it.
 */
export interface ShieldedEnvelope {
  shielded: {
    /** When the payload was last shielded. */
    at: string
    protected: string
    signature: string
    /** base64url SHA-256 of the original payload segment as signed. */
    payloadSha256: string
    payload: { items: unknown[], [claim: string]: unknown }
  }
}

interface Parts { protected: string, payload: string, signature: string }

function partsOf (jws: string): Parts | ShieldedEnvelope {
  const text = jws.trim()
  if (text.startsWith('{')) {
    const json = JSON.parse(text) as Partial<Parts> & Partial<ShieldedEnvelope>
    if (json.shielded !== undefined) return json as ShieldedEnvelope
    return { protected: json.protected ?? '', payload: json.payload ?? '', signature: json.signature ?? '' }
  }
  const [p = '', payload = '', signature = ''] = text.split('.')
  return { protected: p, payload, signature }
}

const decode = (segment: string): { items: unknown[], [claim: string]: unknown } =>
  JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as { items: unknown[] }

/** The payload of a stored envelope: compact, flattened JSON, or shielded. */
export function storedPayload (jws: string): { items: unknown[], [claim: string]: unknown } {
  const parts = partsOf(jws)
  return 'shielded' in parts ? parts.shielded.payload : decode(parts.payload)
}

/**
 * The stored envelope with `erase` applied to every item (erase returns an item unchanged when it
 * is not to be erased). A shielded envelope is shielded again over its shielded payload.
 */
export function shieldEnvelope (jws: string, erase: (item: unknown) => unknown, at: Date): string {
  const parts = partsOf(jws)
  const base = 'shielded' in parts
    ? parts.shielded
    : { protected: parts.protected, signature: parts.signature, payloadSha256: createHash('sha256').update(parts.payload, 'ascii').digest('base64url'), payload: decode(parts.payload) }
  const shielded: ShieldedEnvelope = {
    shielded: { ...base, at: at.toISOString(), payload: { ...base.payload, items: base.payload.items.map(erase) } }
  }
  return JSON.stringify(shielded)
}
