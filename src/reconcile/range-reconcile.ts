import type { ReconcileAnswerV1 } from '../../contracts/reconcile-v1.js'
import { compareElements, fromWire, type Difference } from './compare-elements.js'
import { fingerprintText, HEX, KEY_HEX, type Fingerprint } from './element-hash.js'
import type { HashedElement } from './element-hash.js'

/** Asks the replica about ranges of one list (a `reconcile.query` round trip). */
export type RangeQuery = (ranges: Array<[string, string]>, maxElements: number) => Promise<ReconcileAnswerV1>

/** The owner's side of one list, as the protocol reads it (LedgerList in the gateway). */
export interface OwnerList {
  fingerprint: (prefix: string) => Promise<Fingerprint>
  children: (prefix: string) => Promise<Fingerprint[]>
  elements: (prefixes: string[]) => Promise<Map<string, HashedElement[]>>
}

export interface RangeOutcome { differences: Difference[], roundTrips: number, rangesAsked: number }

/** A replica at most this many elements in a range sends them rather than 16 fingerprints. */
export const MAX_ELEMENTS = 32
const MAX_ROUNDS = 70

/**
 * Range-based set reconciliation (after Negentropy): send the fingerprint of the whole list; where
 * the replica's differs, it answers either its few elements in the range or its 16 sub-ranges'
 * fingerprints, and the gateway recurses only into the sub-ranges that differ. Equal lists cost one
 * round trip; d differences cost about log16(n / 32) + 1 round trips and O(d · log n) bytes.
 */
export async function rangeReconcile (
  list: OwnerList, query: RangeQuery, maxElements = MAX_ELEMENTS
): Promise<RangeOutcome> {
  const differences: Difference[] = []
  let pending: Array<{ prefix: string, fp: Fingerprint }> = [{ prefix: '', fp: await list.fingerprint('') }]
  let roundTrips = 0
  let rangesAsked = 0
  while (pending.length > 0) {
    if (roundTrips >= MAX_ROUNDS) throw new Error('reconciliation did not converge')
    const answer = await query(pending.map((p) => [p.prefix, fingerprintText(p.fp)]), maxElements)
    roundTrips += 1
    rangesAsked += pending.length
    const next: typeof pending = []
    const askedNow = new Set(pending.map((p) => p.prefix))
    const emptyAtReplica: string[] = []
    for (const [prefix, children] of Object.entries(answer.children)) {
      if (!askedNow.has(prefix)) throw new Error(`replica answered a range not asked: ${prefix}`)
      if (prefix.length >= KEY_HEX) throw new Error('replica split a range that cannot be split')
      const own = await list.children(prefix)
      for (let i = 0; i < 16; i++) {
        const theirs = children[i]
        const mine = own[i]
        if (theirs === undefined || mine === undefined) throw new Error('replica answered fewer than 16 sub-ranges')
        const child = prefix + HEX.charAt(i)
        if (theirs[1] === fingerprintText(mine)) continue
        if (theirs[0] === 0) emptyAtReplica.push(child)
        else next.push({ prefix: child, fp: mine })
      }
    }
    const listed = Object.keys(answer.elements)
    const own = await list.elements([...listed, ...emptyAtReplica])
    for (const prefix of listed) {
      differences.push(...compareElements(own.get(prefix) ?? [], (answer.elements[prefix] ?? []).map(fromWire)))
    }
    for (const prefix of emptyAtReplica) differences.push(...compareElements(own.get(prefix) ?? [], []))
    pending = next
  }
  return { differences, roundTrips, rangesAsked }
}
