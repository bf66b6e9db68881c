import { hasherOf, type ProofHash } from './proof-hash.js'

/** Where in the value a non-JSON member was met, innermost segment last. */
class NotJson extends TypeError {
  readonly path: string[] = []
}

function write (value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number') {
    // JSON.stringify would write null: a digest over that would silently stand for a different value.
    if (!Number.isFinite(value)) throw new NotJson(`${String(value)} is not a JSON number`)
    return JSON.stringify(value)
  }
  if (typeof value !== 'object') throw new NotJson(`${typeof value} is not a JSON value`)
  // JSON.stringify would call toJSON (a Date becomes a string) where a walk of the members would not:
  // refused, so the caller decides how such a value is written.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'an object'
    throw new NotJson(`${name} (it has toJSON) is not a JSON value: convert it first`)
  }
  // Plain loops and concatenation: this runs for every change the transparency sequencer appends.
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) {
      try {
        out += (i === 0 ? '' : ',') + write(value[i])
      } catch (err) {
        if (err instanceof NotJson) err.path.unshift(String(i))
        throw err
      }
    }
    return out + ']'
  }
  const obj = value as Record<string, unknown>
  // Array.prototype.sort without a comparator orders by UTF-16 code units, as RFC 8785 §3.2.3 asks.
  const keys = Object.keys(obj).sort()
  let out = '{'
  for (const k of keys) {
    const member = obj[k]
    // Left out, as JSON.stringify leaves it out: an optional field not set.
    if (member === undefined) continue
    try {
      out += (out.length === 1 ? '' : ',') + JSON.stringify(k) + ':' + write(member)
    } catch (err) {
      if (err instanceof NotJson) err.path.unshift(k)
      throw err
    }
  }
  return out + '}'
}

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): object members sorted by their names' UTF-16 code
 * units, no whitespace, strings and numbers written as ECMAScript's JSON.stringify writes them
 * (which RFC 8785 adopts). The same value gives the same text whatever order its members were built
 * or parsed in, so a platform recomputes a digest from what it received.
 *
 * Members whose value is `undefined` are left out; anything else that is not a JSON value (NaN,
 * ±Infinity, a bigint, a function, an object with `toJSON` such as a Date, `undefined` in an array or
 * as the value itself) throws a TypeError naming where it was met (`/items/0/amount`).
 */
export function canonicalJson (value: unknown): string {
  try {
    return write(value)
  } catch (err) {
    if (!(err instanceof NotJson)) throw err
    const at = err.path.map((s) => s.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')
    throw new TypeError(`canonical JSON (RFC 8785): ${err.message} at /${at}`)
  }
}

/** SHA-256, or `alg` (base64url), of the canonical JSON of `value`. */
export const canonicalDigest = (value: unknown, alg: ProofHash = 'SHA-256'): string =>
  hasherOf(alg).update(canonicalJson(value), 'utf8').digest('base64url')
