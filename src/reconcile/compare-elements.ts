import type { WireElementV1 } from '../../contracts/reconcile-v1.js'
import type { Element } from './element-hash.js'

/** One entry the two sides hold differently (before it is classified). */
export interface Difference {
  entryId: string
  own?: Element
  replica?: Element
}

export const fromWire = (w: WireElementV1): Element => (
  { entryId: w[0], version: w[1], status: w[2], contentHash: w[3] }
)

const same = (a: Element, b: Element): boolean =>
  a.version === b.version && a.status === b.status && a.contentHash === b.contentHash

/** The entries of one range held differently by the owner and the replica. */
export function compareElements (own: Iterable<Element>, replica: Iterable<Element>): Difference[] {
  const mine = new Map<string, Element>()
  for (const e of own) mine.set(e.entryId, e)
  const out: Difference[] = []
  for (const r of replica) {
    const o = mine.get(r.entryId)
    mine.delete(r.entryId)
    if (o === undefined) out.push({ entryId: r.entryId, replica: r })
    else if (!same(o, r)) out.push({ entryId: r.entryId, own: o, replica: r })
  }
  for (const o of mine.values()) out.push({ entryId: o.entryId, own: o })
  return out
}

/**
 * The same comparison with the replica's elements in a map by entry id (which it empties) and the
 * owner's given one at a time, so a whole list is never held twice (the export path).
 */
export function compareAgainst (
  replica: Map<string, Element>
): { own: (e: Element) => void, finish: () => Difference[] } {
  const out: Difference[] = []
  return {
    own: (o) => {
      const r = replica.get(o.entryId)
      if (r === undefined) { out.push({ entryId: o.entryId, own: o }); return }
      replica.delete(o.entryId)
      if (!same(o, r)) out.push({ entryId: o.entryId, own: o, replica: r })
    },
    finish: () => {
      for (const r of replica.values()) out.push({ entryId: r.entryId, replica: r })
      replica.clear()
      return out
    }
  }
}
