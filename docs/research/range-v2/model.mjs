// A byte and round-trip model of range reconciliation (issue 17 item 2), to choose the v2 encoding before
// building it. Not gateway code. Usage: node docs/research/range-v2/model.mjs
//
// Elements have uniform random 64-bit key hashes; a range is a hex prefix (16 children each), holding
// n / 16^depth elements. Differences sit at random keys; a range "differs" when it holds one. v1 follows
// src/reconcile/range-reconcile.ts and sim/replica-answer.ts with the JSON sizes of adapters/README.md; it is
// checked against bench:reconcile's measured figures at 1M. v2 is the proposal in README.md beside this file.
import { randomBytes } from 'node:crypto'

function diffPrefixes (d, depth) {
  // The distinct prefixes of length 1..depth that hold a difference, per length.
  const keys = Array.from({ length: d }, () => randomBytes(8).toString('hex'))
  return Array.from({ length: depth + 1 }, (_, k) => new Set(keys.map((h) => h.slice(0, k))))
}

const digits = (x) => String(Math.max(0, Math.round(x))).length
const JWS = (claims) => Math.ceil(claims * 4 / 3) + 250 // base64url claims + header + signature

/** v1: the gateway asks about differing ranges, the replica answers 16 × [count, fp22] or its elements. */
function v1 (n, d, { maxElements = 32, element = 93 } = {}) {
  if (d === 0) return { bytes: JWS(120) + 2 + 40 + 26, rt: 1 }
  const depth = 12
  const pre = diffPrefixes(d, depth)
  let bytes = 0; let rt = 0
  for (let k = 0; k <= depth; k++) {
    const asked = pre[k].size
    const per = n / 16 ** k
    rt++
    bytes += JWS(120 + asked * (k + 22 + 6)) // the request: [prefix, fingerprint] per range
    if (per <= maxElements) { bytes += asked * (k + 4 + per * element); break } // elements listed
    bytes += asked * (k + 4 + 16 * (digits(per / 16) + 22 + 6)) // 16 children each
  }
  return { bytes, rt }
}

/**
 * v2: dense encoding, both sides split (one level per message, two per round trip), fingerprints of `fp`
 * bytes (`deepFp` below level 2, safe because the sums are additive: the replica's whole-list sums, sent
 * once, must equal the gateway's corrected by the differences found), a range of at most `leaf` elements
 * sent as `eh`-byte element hashes, and the details (`detail` bytes) of the elements only the replica has.
 */
function v2 (n, d, { fp = 8, deepFp = 4, leaf = 16, eh = 5, detail = 46, b64 = 4 / 3 } = {}) {
  const sums = 24
  if (d === 0) return { bytes: Math.ceil((fp + 40) * b64) + 250 + sums, rt: 1 }
  const depth = 14
  const pre = diffPrefixes(d, depth)
  let bytes = 0; let messages = 0
  for (let k = 0; k <= depth; k++) {
    const ranges = pre[k].size
    const per = n / 16 ** k
    messages++
    const f = k < 2 ? fp : deepFp
    if (per <= leaf) {
      bytes += ranges * Math.ceil(per) * eh * b64 // one side's element hashes in each differing leaf
      bytes += d * detail * b64 // the other side's answer: what differs, in detail
      messages++
      break
    }
    bytes += ranges * (2 + 16 * f) * b64 // 16 child fingerprints per differing range
  }
  const rt = Math.ceil(messages / 2)
  return { bytes: bytes + rt * 250 + sums, rt } // one signature (or header) per request
}

const fmt = (b) => b >= 1e6 ? `${(b / 1e6).toFixed(2)} MB` : b >= 1e3 ? `${(b / 1e3).toFixed(1)} KB` : `${Math.round(b)} B`
for (const n of [1_000_000, 10_000_000]) {
  for (const d of [0, 100, 10_000]) {
    const a = v1(n, d); const b = v2(n, d)
    console.log(`${String(n / 1e6).padStart(2)}M entries, ${String(d).padStart(5)} differences: v1 ${fmt(a.bytes).padStart(9)} in ${a.rt} round trips | v2 ${fmt(b.bytes).padStart(9)} in ${b.rt}`)
  }
}

// Variants at 10M and 10,000 differences (the tightest goal: under 2 MB).
console.log('variants at 10M entries, 10,000 differences:')
for (const o of [{}, { b64: 1 }, { deepFp: 3 }, { leaf: 8 }, { eh: 4 }, { b64: 1, deepFp: 3 }, { b64: 1, leaf: 8, eh: 4 }]) {
  const r = v2(10_000_000, 10_000, o); const r100 = v2(10_000_000, 100, o)
  console.log(`  ${JSON.stringify(o).padEnd(30)} ${fmt(r.bytes).padStart(9)} in ${r.rt} round trips (100 differences: ${fmt(r100.bytes)} in ${r100.rt})`)
}
