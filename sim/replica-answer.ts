import type { ReconcileAnswerV1, WireElementV1 } from '../contracts/reconcile-v1.js'
import { addFingerprint, emptyFingerprint, fingerprintOf, fingerprintText, HEX, KEY_HEX, toFingerprint, type Fingerprint, type HashedElement } from '../src/reconcile/element-hash.js'

export const toWire = (e: HashedElement): WireElementV1 => [e.entryId, e.version, e.status, e.contentHash]

const BUCKETS = 65536
const BUCKET_HEX = 4
const EXACT = 1 << 22 // elements whose halves plain numbers sum exactly (2^22 · 2^31 < 2^53)

const bucketRange = (prefix: string): [number, number] =>
  [parseInt(prefix.padEnd(BUCKET_HEX, '0').slice(0, BUCKET_HEX), 16), parseInt(prefix.padEnd(BUCKET_HEX, 'f').slice(0, BUCKET_HEX), 16)]

/**
 * The platform's side of a `reconcile.query`, for a replica holding `elements` of one list. One
 * pass adds every element into its bucket (the first four hex digits of its key hash, as the
 * ledger does) in plain-number sums; ranges of up to four digits and their sub-ranges are summed
 * from the buckets, and a second pass collects elements only for the buckets that must be listed
 * or split finer. A range whose fingerprint equals the gateway's is a match; otherwise the
 * platform sends its elements there if they are few, or the fingerprints of the 16 sub-ranges.
 */
export function answerQuery (
  elements: Iterable<HashedElement>, ranges: ReadonlyArray<readonly [string, string]>, maxElements: number
): ReconcileAnswerV1 {
  const all = Array.isArray(elements) ? elements as HashedElement[] : [...elements]
  const sums = new Float64Array(BUCKETS * 5)
  const bucket = new Int32Array(all.length)
  for (let i = 0; i < all.length; i++) {
    const e = all[i] as HashedElement
    const b = e.bucket
    bucket[i] = b
    const o = b * 5
    sums[o] = (sums[o] ?? 0) + 1
    sums[o + 1] = (sums[o + 1] ?? 0) + e.h[0]
    sums[o + 2] = (sums[o + 2] ?? 0) + e.h[1]
    sums[o + 3] = (sums[o + 3] ?? 0) + e.h[2]
    sums[o + 4] = (sums[o + 4] ?? 0) + e.h[3]
  }
  const sumBuckets = (lo: number, hi: number): Fingerprint => {
    const fp = emptyFingerprint()
    let s = { n: 0, a: 0, b: 0, c: 0, d: 0 }
    for (let b = lo; b <= hi; b++) {
      const o = b * 5
      const n = sums[o] ?? 0
      if (n === 0) continue
      if (s.n + n > EXACT) { addFingerprint(fp, toFingerprint(s)); s = { n: 0, a: 0, b: 0, c: 0, d: 0 } }
      s.n += n; s.a += sums[o + 1] ?? 0; s.b += sums[o + 2] ?? 0; s.c += sums[o + 3] ?? 0; s.d += sums[o + 4] ?? 0
    }
    addFingerprint(fp, toFingerprint(s))
    return fp
  }

  const answer: ReconcileAnswerV1 = { match: [], elements: {}, children: {} }
  // Ranges that need their members: to list them, or to split a range narrower than a bucket.
  const needMembers: string[] = []
  for (const [prefix, theirs] of ranges) {
    if (prefix.length <= BUCKET_HEX) {
      const [lo, hi] = bucketRange(prefix)
      const fp = sumBuckets(lo, hi)
      if (fingerprintText(fp) === theirs) answer.match.push(prefix)
      else if (fp.n <= maxElements || prefix.length === BUCKET_HEX) needMembers.push(prefix)
      else {
        const step = (hi - lo + 1) / 16
        answer.children[prefix] = [...HEX].map((_, i) => {
          const c = sumBuckets(lo + i * step, lo + (i + 1) * step - 1)
          return [c.n, fingerprintText(c)]
        })
      }
    } else {
      needMembers.push(prefix)
    }
  }
  if (needMembers.length > 0) {
    const wanted = new Uint8Array(BUCKETS)
    for (const p of needMembers) { const [lo, hi] = bucketRange(p); for (let b = lo; b <= hi; b++) wanted[b] = 1 }
    const byBucket = new Map<number, HashedElement[]>()
    for (let i = 0; i < all.length; i++) {
      const b = bucket[i] ?? 0
      if (wanted[b] !== 1) continue
      const list = byBucket.get(b)
      if (list === undefined) byBucket.set(b, [all[i] as HashedElement]); else list.push(all[i] as HashedElement)
    }
    const theirsOf = new Map(ranges.map(([p, fp]) => [p, fp]))
    for (const prefix of needMembers) {
      const [lo, hi] = bucketRange(prefix)
      const members: HashedElement[] = []
      for (let b = lo; b <= hi; b++) {
        for (
          const e of byBucket.get(b) ?? []
        ) if (e.keyHash.startsWith(prefix)) members.push(e)
      }
      const fp = fingerprintOf(members)
      if (fingerprintText(fp) === theirsOf.get(prefix)) answer.match.push(prefix)
      else if (members.length <= maxElements || prefix.length >= KEY_HEX) answer.elements[prefix] = members.map(toWire)
      else {
        const children: HashedElement[][] = Array.from({ length: 16 }, () => [])
        for (const e of members) children[HEX.indexOf(e.keyHash.charAt(prefix.length))]?.push(e)
        answer.children[prefix] = children.map((c) => [c.length, fingerprintText(fingerprintOf(c))])
      }
    }
  }
  return answer
}
