import t from 'tap'
import fc from 'fast-check'
import { compareElements } from '../../src/reconcile/compare-elements.js'
import { addElement, emptyFingerprint, HEX, type HashedElement } from '../../src/reconcile/element-hash.js'
import { rangeReconcile, type OwnerList } from '../../src/reconcile/range-reconcile.js'
import { answerQuery } from '../../sim/replica-answer.js'
import { dedupe, elementArbitrary, toElement } from '../helpers/element-arbitrary.js'

/** The owner's list in memory, answering like the ledger (bucket sums or elements). */
function ownerList (elements: HashedElement[]): OwnerList {
  const inRange = (p: string): HashedElement[] => elements.filter((e) => e.keyHash.startsWith(p))
  const fp = (es: HashedElement[]): ReturnType<typeof emptyFingerprint> => {
    const f = emptyFingerprint(); for (const e of es) addElement(f, e); return f
  }
  return {
    fingerprint: async (p) => fp(inRange(p)),
    children: async (p) => [...HEX].map((d) => fp(inRange(p + d))),
    elements: async (ps) => new Map(ps.map((p) => [p, inRange(p)]))
  }
}

const element = elementArbitrary(400)

t.test('range reconciliation finds exactly the differences a full comparison finds, for any two lists', async (t) => {
  await fc.assert(fc.asyncProperty(fc.array(
    element, { maxLength: 300 }
  ), fc.array(element, { maxLength: 60 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 40 }),
  async (base, changes, keep, maxElements) => {
    const owner = dedupe(base.map(toElement))
    // The replica: a prefix of the owner's list, plus changed or extra entries.
    const replica = dedupe([...owner.slice(0, keep), ...changes.map(toElement)])
    let roundTrips = 0
    const outcome = await rangeReconcile(
      ownerList(owner), async (ranges, max) => { roundTrips++; return answerQuery(replica, ranges, max) }, maxElements
    )
    const key = (d: { entryId: string }): string => d.entryId
    const expected = compareElements(owner, replica).map(key).sort()
    const found = outcome.differences.map(key).sort()
    if (expected.length === 0 && roundTrips !== 1) return false
    return JSON.stringify(found) === JSON.stringify(expected)
  }), { numRuns: 200 })
  t.pass('200 random pairs of lists')
})
