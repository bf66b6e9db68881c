import { createHash } from 'node:crypto'

/**
 * The values reconciliation compares, computed exactly as the ledger computes them in SQL
 * (src/ledger/migrations/006.do.reconciliation.sql, src/ledger/entry-writes.ts):
 * - content hash: SHA-256 (hex) of the item's PostgreSQL `jsonb` text;
 * - key hash: MD5 of `owner:entryId`, which only orders elements (a range is a hex prefix of it)
 *   and spreads them evenly; the fingerprints' strength rests on the element hash;
 * - element hash: SHA-256 of `owner:entryId\nversion\nstatus\ncontentHash`;
 * - a range's fingerprint: the count and two sums mod 2^62 of 62-bit slices of the element hashes.
 */

/** Whether an entry is live at its holder; a removed entry is not an element at all. */
export type ElementStatus = 'active' | 'suspended'

/** One entry as both sides compare it. */
export interface Element {
  entryId: string
  version: number
  status: ElementStatus
  contentHash: string
}

/** An element with what ranges and fingerprints need. */
export interface HashedElement extends Element {
  /** MD5 of `owner:entryId`, hex (32 digits). */
  keyHash: string
  /** The key hash's first two bytes (0..65535): the ledger's bucket. */
  bucket: number
  /**
   * The element hash's two 62-bit slices (x1 = bytes 0-7, x2 = bytes 8-15, top two bits cleared),
   * each as 31-bit halves in plain numbers: [x1 high, x1 low, x2 high, x2 low]. A replica sums a
   * million of them without BigInt.
   */
  h: [number, number, number, number]
}

export interface Fingerprint { n: number, s1: bigint, s2: bigint }

const MOD = 1n << 62n

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest()

/**
 * PostgreSQL's escaping of a JSON string in jsonb output (`"`, `\\`, \b \f \n \r \t, other
 * characters below U+0020 as \u00xx, everything else as is) is exactly JSON.stringify's for
 * well-formed text, which is all jsonb can hold (checked against PostgreSQL by a property test).
 */
const jsonbString = (s: string): string => JSON.stringify(s)

// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/

/** jsonb orders object keys by their length in bytes, then bytewise. */
function jsonbKeyOrder (a: string, b: string): number {
  if (ASCII.test(a) && ASCII.test(b)) return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0
  const ba = Buffer.from(a, 'utf8')
  const bb = Buffer.from(b, 'utf8')
  return ba.length !== bb.length ? ba.length - bb.length : Buffer.compare(ba, bb)
}

/**
 * A number as PostgreSQL's numeric prints it: plain decimal, no exponent. Exact for numbers whose
 * JSON text was JavaScript's own (the contract's numbers are integers); a platform writing
 * `1.50` would be printed `1.50` by PostgreSQL and `1.5` here.
 */
function numericText (n: number): string {
  const s = String(n)
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s)
  if (m === null) return s
  const [, sign = '', lead = '', frac = '', expText = '0'] = m
  const exp = Number(expText)
  const digits = lead + frac
  if (exp >= 0) return sign + (digits.length <= exp + 1 ? digits.padEnd(exp + 1, '0') : `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`)
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`
}

/** The text PostgreSQL prints for a value stored as `jsonb` (`value::text`). */
export function jsonbText (value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return jsonbString(value)
  if (typeof value === 'number') return Number.isFinite(value) ? numericText(value) : 'null'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (Array.isArray(value)) return '[' + value.map((v) => jsonbText(v === undefined ? null : v)).join(', ') + ']'
  if (typeof value === 'object') {
    const keys = Object.keys(value).filter(
      (k) => (value as Record<string, unknown>)[k] !== undefined
    ).sort(jsonbKeyOrder)
    return '{' + keys.map((k) => `${jsonbString(k)}: ${jsonbText((value as Record<string, unknown>)[k])}`).join(', ') + '}'
  }
  return 'null'
}

/** The ledger's `content_hash` of an item. */
export const contentHashOf = (item: unknown): string => createHash('sha256').update(jsonbText(item), 'utf8').digest('hex')

export const keyHashOf = (owner: string, entryId: string): string => createHash('md5').update(`${owner}:${entryId}`, 'utf8').digest('hex')

/** The length of a key hash in hex digits: a range this narrow holds one key. */
export const KEY_HEX = 32

export function hashElement (owner: string, e: Element, keyHash = keyHashOf(owner, e.entryId)): HashedElement {
  const h = sha256(`${owner}:${e.entryId}\n${e.version}\n${e.status}\n${e.contentHash}`)
  const a = h.readUInt32BE(0) & 0x3fffffff
  const b = h.readUInt32BE(4)
  const c = h.readUInt32BE(8) & 0x3fffffff
  const d = h.readUInt32BE(12)
  return {
    entryId: e.entryId,
    version: e.version,
    status: e.status,
    contentHash: e.contentHash,
    keyHash,
    bucket: parseInt(keyHash.slice(0, 4), 16),
    h: [a * 2 + (b >>> 31), b & 0x7fffffff, c * 2 + (d >>> 31), d & 0x7fffffff]
  }
}

const MASK31 = (1n << 31n) - 1n

/** The 31-bit halves of the slices x1 and x2 as the ledger stores them (bigint). */
export function halvesOf (x1: bigint, x2: bigint): HashedElement['h'] {
  return [Number(x1 >> 31n), Number(x1 & MASK31), Number(x2 >> 31n), Number(x2 & MASK31)]
}

const sliceOf = (hi: number, lo: number): bigint => (BigInt(hi) << 31n) + BigInt(lo)

/**
 * A fingerprint summed in plain numbers: each half stays exact up to 2^53, i.e. for up to 2^22
 * (4 million) elements per accumulator; `toFingerprint` folds it back mod 2^62.
 */
export interface FastSum { n: number, a: number, b: number, c: number, d: number }

export const emptySum = (): FastSum => ({ n: 0, a: 0, b: 0, c: 0, d: 0 })

export function addToSum (s: FastSum, e: HashedElement): void {
  s.n += 1
  s.a += e.h[0]
  s.b += e.h[1]
  s.c += e.h[2]
  s.d += e.h[3]
}

export const toFingerprint = (s: FastSum): Fingerprint => ({
  n: s.n,
  s1: ((BigInt(s.a) << 31n) + BigInt(s.b)) % MOD,
  s2: ((BigInt(s.c) << 31n) + BigInt(s.d)) % MOD
})

const MAX_FAST_SUM = 1 << 22

/** The fingerprint of a set of elements (number sums, folded every 4 million elements). */
export function fingerprintOf (elements: Iterable<HashedElement>): Fingerprint {
  const fp = emptyFingerprint()
  let s = emptySum()
  for (const e of elements) {
    addToSum(s, e)
    if (s.n === MAX_FAST_SUM) { addFingerprint(fp, toFingerprint(s)); s = emptySum() }
  }
  addFingerprint(fp, toFingerprint(s))
  return fp
}

export const emptyFingerprint = (): Fingerprint => ({ n: 0, s1: 0n, s2: 0n })

export function addElement (fp: Fingerprint, e: HashedElement): void {
  fp.n += 1
  fp.s1 = (fp.s1 + sliceOf(e.h[0], e.h[1])) % MOD
  fp.s2 = (fp.s2 + sliceOf(e.h[2], e.h[3])) % MOD
}

export function addFingerprint (fp: Fingerprint, o: Fingerprint): void {
  fp.n += o.n
  fp.s1 = (fp.s1 + o.s1) % MOD
  fp.s2 = (fp.s2 + o.s2) % MOD
}

/** The digest a fingerprint is sent as (v1: its first 16 bytes; v2: its first 8 or 4); the count is inside it. */
export const fingerprintDigest = (fp: Fingerprint): Buffer => sha256(`${fp.n}:${fp.s1.toString(16)}:${fp.s2.toString(16)}`)

/** The 128-bit wire form of a fingerprint (base64url, 22 characters); the count is inside it. */
export const fingerprintText = (fp: Fingerprint): string => fingerprintDigest(fp).subarray(0, 16).toString('base64url')

export const HEX = '0123456789abcdef'
