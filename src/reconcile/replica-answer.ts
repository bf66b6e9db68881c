import type { ReconcileAnswerV1, WireElementV1 } from '../../contracts/reconcile-v1.js'
import { addElement, emptyFingerprint, fingerprintText, HEX, KEY_HEX, type Fingerprint, type HashedElement } from './element-hash.js'

interface Accumulator { total: Fingerprint, children: Fingerprint[], elements: HashedElement[] }

export const toWire = (e: HashedElement): WireElementV1 => [e.entryId, e.version, e.status, e.contentHash]

/**
 * The platform's side of a `reconcile.query`, for a replica holding `elements` of one list: one
 * pass over them, whatever the number of ranges asked. A range whose fingerprint equals the
 * gateway's is a match; otherwise the platform sends its elements there if they are few, or the
 * fingerprints of the range's 16 sub-ranges.
 */
export function answerQuery (elements: Iterable<HashedElement>, ranges: ReadonlyArray<readonly [string, string]>, maxElements: number): ReconcileAnswerV1 {
  const asked = new Map<string, Accumulator>()
  const lengths = new Set<number>()
  for (const [prefix] of ranges) {
    asked.set(prefix, { total: emptyFingerprint(), children: Array.from({ length: 16 }, emptyFingerprint), elements: [] })
    lengths.add(prefix.length)
  }
  const lens = [...lengths]
  for (const e of elements) {
    for (const len of lens) {
      const acc = asked.get(e.keyHash.slice(0, len))
      if (acc === undefined) continue
      addElement(acc.total, e)
      const child = acc.children[HEX.indexOf(e.keyHash.charAt(len))]
      if (child !== undefined) addElement(child, e)
      if (acc.elements.length <= maxElements) acc.elements.push(e)
    }
  }
  const answer: ReconcileAnswerV1 = { match: [], elements: {}, children: {} }
  for (const [prefix, fp] of ranges) {
    const acc = asked.get(prefix)
    if (acc === undefined) continue
    if (fingerprintText(acc.total) === fp) answer.match.push(prefix)
    else if (acc.total.n <= maxElements || prefix.length >= KEY_HEX) answer.elements[prefix] = acc.elements.map(toWire)
    else answer.children[prefix] = acc.children.map((c) => [c.n, fingerprintText(c)])
  }
  return answer
}
