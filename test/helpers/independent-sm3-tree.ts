import smCrypto from 'sm-crypto'

// RFC 6962 §2.1 (MTH), §2.1.1 (PATH) and §2.1.2 (PROOF) written out recursively over sm-crypto's
// pure JavaScript SM3: an implementation independent of the gateway's (OpenSSL's SM3, stored
// subtrees, RFC 9162 verification), that the SM3 log tests compute their expected values with.

// sm-crypto is CommonJS without named exports Node can see.
const { sm3 } = smCrypto

/** SM3 over the concatenation of `parts`, by sm-crypto. */
export const sm3Of = (...parts: Uint8Array[]): Buffer => Buffer.from(sm3(Array.from(Buffer.concat(parts))), 'hex')

/** The largest power of two smaller than n (n ≥ 2). */
const splitAt = (n: number): number => {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/** MTH(D[n]) with SM3 for SHA-256. */
export function sm3Mth (d: Uint8Array[]): Buffer {
  if (d.length === 0) return sm3Of()
  if (d.length === 1) return sm3Of(Uint8Array.of(0), d[0] as Uint8Array)
  const k = splitAt(d.length)
  return sm3Of(Uint8Array.of(1), sm3Mth(d.slice(0, k)), sm3Mth(d.slice(k)))
}

/** PATH(m, D[n]): the audit path of leaf m, leaf upwards. */
export function sm3Path (m: number, d: Uint8Array[]): Buffer[] {
  if (d.length <= 1) return []
  const k = splitAt(d.length)
  return m < k
    ? [...sm3Path(m, d.slice(0, k)), sm3Mth(d.slice(k))]
    : [...sm3Path(m - k, d.slice(k)), sm3Mth(d.slice(0, k))]
}

function subproof (m: number, d: Uint8Array[], whole: boolean): Buffer[] {
  if (m === d.length) return whole ? [] : [sm3Mth(d)]
  const k = splitAt(d.length)
  return m <= k
    ? [...subproof(m, d.slice(0, k), whole), sm3Mth(d.slice(k))]
    : [...subproof(m - k, d.slice(k), false), sm3Mth(d.slice(0, k))]
}

/** PROOF(m, D[n]): the consistency proof from the first m leaves to all n. */
export const sm3Proof = (m: number, d: Uint8Array[]): Buffer[] => subproof(m, d, true)
