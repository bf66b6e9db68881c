import type { ReconcileAnswerV1, WireElementV1 } from '../../contracts/reconcile-v1.js'
import { fingerprintOf, fingerprintText, HEX, KEY_HEX, type HashedElement } from './element-hash.js'

export const toWire = (e: HashedElement): WireElementV1 => [e.entryId, e.version, e.status, e.contentHash]

/**
 * The platform's side of a `reconcile.query`, for a replica holding `elements` of one list: one
 * pass sorts them into the ranges asked, whatever their number. A range whose fingerprint equals
 * the gateway's is a match; otherwise the platform sends its elements there if they are few, or
 * the fingerprints of the range's 16 sub-ranges.
 */
export function answerQuery (elements: Iterable<HashedElement>, ranges: ReadonlyArray<readonly [string, string]>, maxElements: number): ReconcileAnswerV1 {
  const asked = new Map<string, HashedElement[]>()
  const lengths = new Set<number>()
  for (const [prefix] of ranges) {
    asked.set(prefix, [])
    lengths.add(prefix.length)
  }
  const lens = [...lengths]
  for (const e of elements) {
    for (const len of lens) asked.get(len === 0 ? '' : e.keyHash.slice(0, len))?.push(e)
  }
  const answer: ReconcileAnswerV1 = { match: [], elements: {}, children: {} }
  for (const [prefix, fp] of ranges) {
    const members = asked.get(prefix)
    if (members === undefined) continue
    if (fingerprintText(fingerprintOf(members)) === fp) answer.match.push(prefix)
    else if (members.length <= maxElements || prefix.length >= KEY_HEX) answer.elements[prefix] = members.map(toWire)
    else {
      const children: HashedElement[][] = Array.from({ length: 16 }, () => [])
      for (const e of members) children[HEX.indexOf(e.keyHash.charAt(prefix.length))]?.push(e)
      answer.children[prefix] = children.map((c) => [c.length, fingerprintText(fingerprintOf(c))])
    }
  }
  return answer
}
