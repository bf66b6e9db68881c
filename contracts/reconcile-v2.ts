/**
 * Range reconciliation, version 2 (adapters/README.md, "Reconciliation, version 2"): a binary body,
 * both parties splitting ranges (two levels per round trip), short fingerprints made safe by a
 * whole-list check, and element details sent only for the elements that differ.
 *
 * Every integer is big-endian. A prefix is its length in hex digits (u8, 0..32) and its digits
 * packed two to a byte (the last half byte 0 when the length is odd). A fingerprint is sent as the
 * first `fingerprintBytes(depth)` bytes of its digest (element-hash.ts `fingerprintDigest`); an
 * element as the first 31 bits of its element hash (u32, `elementTag`).
 */

/** The `typ` of the JWS in the request's `yrd-reconcile-signature` header. */
export const RECONCILE_V2_TYP = 'yrd-reconcile-v2+jwt'
/** The request's and answer's content type. */
export const RECONCILE_V2_MEDIA = 'application/vnd.yrd.reconcile.v2'
/** The header carrying the gateway's JWS over the body's SHA-256 (claim `digest`, base64url). */
export const RECONCILE_V2_SIGNATURE_HEADER = 'yrd-reconcile-signature'
/** A party lists its elements (as tags) in a range where it holds at most this many. */
export const LEAF_ELEMENTS = 16

/** Bytes of a range's fingerprint on the wire, by the range's prefix length: 8 near the top, 4 below. */
export const fingerprintBytes = (prefixLength: number): number => prefixLength <= 2 ? 8 : 4

export type RecordV2 =
  /** Sender's fingerprints of the 16 sub-ranges of `prefix`: "where yours differ, go one level down". */
  | { type: 'children', prefix: string, fingerprints: Buffer[] }
  /** Sender's elements in `prefix` as tags (the gateway: "send me yours that differ"). */
  | { type: 'tags', prefix: string, tags: number[] }
  /** Gateway: "send the details of your elements in `prefix` with these tags". */
  | { type: 'needs', prefix: string, tags: number[] }
  /** Replica: its elements in `prefix` the gateway lacks or asked for; the indexes of the gateway's tags it lacks. */
  | { type: 'details', prefix: string, details: DetailV2[], lacking: number[] }

export interface DetailV2 { entryId: string, version: number, status: 'active' | 'suspended', contentHash: string }

/** The replica's whole-list fingerprint, first in every answer: the gateway's check at the end of a run. */
export interface WholeListV2 { n: number, s1: bigint, s2: bigint }

/** A replica's answer to one round trip. */
export interface AnswerV2 { whole: WholeListV2, records: RecordV2[] }

const TYPE = { children: 1, tags: 2, needs: 3, details: 4 } as const
const STATUS = ['active', 'suspended'] as const

class Writer {
  private buf = Buffer.alloc(1024)
  length = 0
  private room (n: number): void {
    if (this.length + n <= this.buf.length) return
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n))
    this.buf.copy(next, 0, 0, this.length)
    this.buf = next
  }

  u8 (v: number): void { this.room(1); this.buf.writeUInt8(v, this.length); this.length += 1 }
  u16 (v: number): void { this.room(2); this.buf.writeUInt16BE(v, this.length); this.length += 2 }
  u32 (v: number): void { this.room(4); this.buf.writeUInt32BE(v, this.length); this.length += 4 }
  u64 (v: bigint): void { this.room(8); this.buf.writeBigUInt64BE(v, this.length); this.length += 8 }
  bytes (b: Uint8Array): void { this.room(b.length); this.buf.set(b, this.length); this.length += b.length }
  prefix (p: string): void {
    this.u8(p.length)
    this.bytes(Buffer.from(p.length % 2 === 0 ? p : `${p}0`, 'hex'))
  }

  done (): Buffer { return this.buf.subarray(0, this.length) }
}

export class WireError extends Error {}

class Reader {
  private at = 0
  constructor (private readonly buf: Buffer) {}
  get done (): boolean { return this.at >= this.buf.length }
  private take (n: number): number {
    if (this.at + n > this.buf.length) throw new WireError('body ends inside a record')
    const at = this.at
    this.at += n
    return at
  }

  u8 (): number { return this.buf.readUInt8(this.take(1)) }
  u16 (): number { return this.buf.readUInt16BE(this.take(2)) }
  u32 (): number { return this.buf.readUInt32BE(this.take(4)) }
  u64 (): bigint { return this.buf.readBigUInt64BE(this.take(8)) }
  bytes (n: number): Buffer { const at = this.take(n); return this.buf.subarray(at, at + n) }
  prefix (): string {
    const n = this.u8()
    if (n > 32) throw new WireError(`prefix of ${n} hex digits`)
    return this.bytes(Math.ceil(n / 2)).toString('hex').slice(0, n)
  }

  count (max: number): number {
    const n = this.u32()
    if (n > max) throw new WireError(`count ${n} over ${max}`)
    return n
  }
}

function writeRecord (w: Writer, r: RecordV2): void {
  w.u8(TYPE[r.type])
  w.prefix(r.prefix)
  if (r.type === 'children') {
    const size = fingerprintBytes(r.prefix.length + 1)
    if (r.fingerprints.length !== 16) throw new RangeError('children take 16 fingerprints')
    for (const f of r.fingerprints) w.bytes(f.subarray(0, size))
  } else if (r.type === 'tags' || r.type === 'needs') {
    w.u32(r.tags.length)
    for (const t of r.tags) w.u32(t)
  } else {
    w.u32(r.details.length)
    for (const d of r.details) {
      const id = Buffer.from(d.entryId, 'utf8')
      w.u16(id.length)
      w.bytes(id)
      w.u32(d.version)
      w.u8(STATUS.indexOf(d.status))
      w.bytes(Buffer.from(d.contentHash, 'hex'))
    }
    w.u32(r.lacking.length)
    for (const i of r.lacking) w.u32(i)
  }
}

function readRecord (r: Reader, limit: number): RecordV2 {
  const type = r.u8()
  const prefix = r.prefix()
  if (type === TYPE.children) {
    if (prefix.length >= 32) throw new WireError('a full key has no sub-ranges')
    const size = fingerprintBytes(prefix.length + 1)
    return { type: 'children', prefix, fingerprints: Array.from({ length: 16 }, () => r.bytes(size)) }
  }
  if (type === TYPE.tags || type === TYPE.needs) {
    const n = r.count(limit)
    const tags = Array.from({ length: n }, () => r.u32())
    return type === TYPE.tags ? { type: 'tags', prefix, tags } : { type: 'needs', prefix, tags }
  }
  if (type === TYPE.details) {
    const n = r.count(limit)
    const details: DetailV2[] = []
    for (let i = 0; i < n; i++) {
      const entryId = r.bytes(r.u16()).toString('utf8')
      const version = r.u32()
      const status = STATUS[r.u8()]
      if (status === undefined) throw new WireError('unknown element status')
      details.push({ entryId, version, status, contentHash: r.bytes(32).toString('hex') })
    }
    const lacking = Array.from({ length: r.count(limit) }, () => r.u32())
    return { type: 'details', prefix, details, lacking }
  }
  throw new WireError(`unknown record type ${type}`)
}

/** The gateway's request body: its records. */
export function encodeRequestV2 (records: readonly RecordV2[]): Buffer {
  const w = new Writer()
  for (const r of records) writeRecord(w, r)
  return w.done()
}

/** A request body's records; a `details` record is the replica's and is refused here. */
export function decodeRequestV2 (body: Buffer, limit = 1_000_000): RecordV2[] {
  const r = new Reader(body)
  const out: RecordV2[] = []
  while (!r.done) {
    const rec = readRecord(r, limit)
    if (rec.type === 'details') throw new WireError('details are sent by the replica only')
    out.push(rec)
  }
  return out
}

/** The replica's answer: its whole-list fingerprint, then its records. */
export function encodeAnswerV2 (whole: WholeListV2, records: readonly RecordV2[]): Buffer {
  const w = new Writer()
  w.u64(BigInt(whole.n))
  w.u64(whole.s1)
  w.u64(whole.s2)
  for (const r of records) writeRecord(w, r)
  return w.done()
}

export function decodeAnswerV2 (body: Buffer, limit = 10_000_000): AnswerV2 {
  const r = new Reader(body)
  const whole = { n: Number(r.u64()), s1: r.u64(), s2: r.u64() }
  const records: RecordV2[] = []
  while (!r.done) {
    const rec = readRecord(r, limit)
    if (rec.type === 'needs') throw new WireError('needs are sent by the gateway only')
    records.push(rec)
  }
  return { whole, records }
}
