import { isAscii } from 'node:buffer'
import { createHash } from 'node:crypto'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { FlattenedJwsV1 } from '../../contracts/envelope-v1.js'
import { GatewayError } from '../errors/gateway-error.js'
import type { JsonShapeLimits } from '../../adapters/types.js'
import { jsonShapeProblem } from '../native/native-body-limits.js'

/** The three parts of a JWS, whichever serialisation it came in. */
export interface JwsParts {
  protected: string
  payload: string
  signature: string
}

/** The parts, and the whole body as text (decoded once: the ledger keeps it as evidence). */
export interface ParsedJws extends JwsParts {
  text: string
}

export type JwsSerialisation = 'compact' | 'flattened'

const B64URL = /^[A-Za-z0-9_-]+$/

/**
 * Shapes checked in one bounded pass before a JSON.parse of anything not yet authenticated, so a
 * body built to make the parser slow (a million tiny values, deep nesting) is refused in time
 * proportional to its size and small, and the event loop stays free. A flattened JWS is one object
 * of three strings; a protected header is a few members; a payload is at most 1,000 items of a
 * few hundred values each, no string in any contract near 64 KiB.
 */
const FLATTENED_SHAPE: JsonShapeLimits = { maxDepth: 1, maxValues: 8, maxStringBytes: Number.MAX_SAFE_INTEGER }
const HEADER_SHAPE: JsonShapeLimits = { maxDepth: 2, maxValues: 32, maxStringBytes: 4096 }
const PAYLOAD_SHAPE: JsonShapeLimits = { maxDepth: 16, maxValues: 500_000, maxStringBytes: 65_536 }

function refuseBadShape (bytes: Uint8Array, limits: JsonShapeLimits, what: string): void {
  const problem = jsonShapeProblem(bytes, limits)
  if (problem !== undefined) throw new GatewayError('ENVELOPE_MALFORMED', `${what} is not the shape of a JWS envelope (${problem})`)
}
const flattenedCheck = TypeCompiler.Compile(FlattenedJwsV1)

/**
 * SHA-256 of the exact bytes received, base64url: what replay checks compare and the ledger keeps;
 * a receipt's digest too, unless the deployment's proofHash is SM3 (see ingest-service.ts).
 */
export function digestOf (bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('base64url')
}

/** Splits a received body into JWS parts; anything that is not a well-formed JWS is ENVELOPE_MALFORMED. */
export function parseJws (body: Buffer, serialisation: JwsSerialisation): ParsedJws {
  // A JWS is ASCII, and ASCII decodes alike as UTF-8 or ASCII; Node decodes a large ASCII body
  // without the UTF-8 pass (~5 ms for a bulk envelope's 1.6 MB). Anything else is decoded as UTF-8.
  const whole = isAscii(body) ? body.toString('ascii') : body.toString('utf8')
  const text = whole.trim()
  if (serialisation === 'compact') {
    const parts = text.split('.')
    if (parts.length !== 3) throw new GatewayError('ENVELOPE_MALFORMED', 'a compact JWS has three dot-separated parts')
    const [p, pl, s] = parts as [string, string, string]
    // An empty signature is let through here so that an unsecured JWS (alg none) is refused as
    // ALG_NOT_ALLOWED by the header check, not as a parse error.
    if (!B64URL.test(p) || !B64URL.test(pl) || !(s === '' || B64URL.test(s))) {
      throw new GatewayError('ENVELOPE_MALFORMED', 'JWS parts must be non-empty base64url (an unencoded or detached payload is not accepted)')
    }
    return { protected: p, payload: pl, signature: s, text: whole }
  }
  refuseBadShape(body, FLATTENED_SHAPE, 'the flattened JWS')
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new GatewayError('ENVELOPE_MALFORMED', 'body is not JSON')
  }
  if (!flattenedCheck.Check(json)) {
    throw new GatewayError('ENVELOPE_MALFORMED', 'a flattened JWS is an object with exactly protected, payload and signature (no unprotected header)')
  }
  for (const part of [json.protected, json.payload, json.signature]) {
    if (!B64URL.test(part)) throw new GatewayError('ENVELOPE_MALFORMED', 'JWS parts must be base64url')
  }
  return { protected: json.protected, payload: json.payload, signature: json.signature, text: whole }
}

/** Decodes a base64url JSON object, or throws ENVELOPE_MALFORMED naming `what`. */
export function decodeJsonPart (part: string, what: string): Record<string, unknown> {
  const bytes = Buffer.from(part, 'base64url')
  refuseBadShape(bytes, HEADER_SHAPE, what)
  return decodeJsonText(bytes.toString('utf8'), what)
}

/** Decodes an envelope's payload (base64url JSON), refusing a shape no envelope has before parsing it. */
export function decodePayloadPart (part: string): { text: string, value: Record<string, unknown> } {
  const bytes = Buffer.from(part, 'base64url')
  refuseBadShape(bytes, PAYLOAD_SHAPE, 'payload')
  const text = bytes.toString('utf8')
  return { text, value: decodeJsonText(text, 'payload') }
}

/** Parses JSON text that must be an object, or throws ENVELOPE_MALFORMED naming `what`. */
export function decodeJsonText (text: string, what: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new GatewayError('ENVELOPE_MALFORMED', `${what} is not base64url-encoded JSON`)
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new GatewayError('ENVELOPE_MALFORMED', `${what} is not a JSON object`)
  }
  return value as Record<string, unknown>
}
