import fc from 'fast-check'
import { hashElement, type Element, type HashedElement } from '../../src/reconcile/element-hash.js'

/** A random element of owner SH's list: entry id `E-<n>` (n up to `maxId`), version, state, one of two contents. */
export const elementArbitrary = (maxId: number): fc.Arbitrary<{ id: number, version: number, status: 'active' | 'suspended', content: string }> =>
  fc.record({
    id: fc.integer({ min: 0, max: maxId }),
    version: fc.integer({ min: 1, max: 3 }),
    status: fc.constantFrom('active' as const, 'suspended' as const),
    content: fc.constantFrom('a', 'b')
  })

export const toElement = (x: { id: number, version: number, status: 'active' | 'suspended', content: string }): Element =>
  ({ entryId: `E-${x.id}`, version: x.version, status: x.status, contentHash: x.content.repeat(64) })

/** One element per entry id (the last wins), hashed as owner SH's. */
export const dedupe = (es: Element[]): HashedElement[] =>
  [...new Map(es.map((e) => [e.entryId, e])).values()].map((e) => hashElement('SH', e))
