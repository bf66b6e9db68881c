import { fingerprintOf, HEX, type Fingerprint, type HashedElement } from '../src/reconcile/element-hash.js'
import type { OwnerList } from '../src/reconcile/range-reconcile.js'

/**
 * A list held in memory, read as range reconciliation reads the ledger's (`OwnerList`): the
 * elements sorted by key hash, a range found by binary search. For the in-memory reference
 * replica, whose lists are small; a large one is kept in PostgreSQL (pg-replica-store.ts).
 */
export class MemoryList implements OwnerList {
  private readonly sorted: HashedElement[]

  constructor (elements: readonly HashedElement[]) {
    this.sorted = [...elements].sort((a, b) => a.keyHash < b.keyHash ? -1 : a.keyHash > b.keyHash ? 1 : 0)
  }

  private firstAtOrAbove (key: string): number {
    let lo = 0
    let hi = this.sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((this.sorted[mid]?.keyHash ?? '') < key) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  private range (prefix: string): HashedElement[] {
    const from = this.firstAtOrAbove(prefix.padEnd(32, '0'))
    let to = from
    while (to < this.sorted.length && (this.sorted[to]?.keyHash ?? '').startsWith(prefix)) to++
    return this.sorted.slice(from, to)
  }

  async fingerprint (prefix: string): Promise<Fingerprint> {
    return fingerprintOf(this.range(prefix))
  }

  async children (prefix: string): Promise<Fingerprint[]> {
    return [...HEX].map((d) => fingerprintOf(this.range(prefix + d)))
  }

  async elements (prefixes: string[]): Promise<Map<string, HashedElement[]>> {
    return new Map(prefixes.map((p) => [p, this.range(p)]))
  }
}
