import type { WireElementV1 } from '../contracts/reconcile-v1.js'
import type { HashedElement } from '../src/reconcile/element-hash.js'
import { toWire } from './replica-answer.js'

/**
 * A platform's paged export of one list for the `reconcile.export` request: the first page takes
 * a snapshot, later pages read it through the opaque cursor `next`, so a list changing meanwhile
 * never skips or repeats an entry within one export.
 */
export class ExportSessions {
  private readonly snapshots = new Map<string, { elements: WireElementV1[], at: number }>()
  private seq = 0

  page (
    elements: () => Iterable<HashedElement>, after: string, limit: number
  ): { elements: WireElementV1[], next: string | null } {
    const now = Date.now()
    for (const [k, s] of this.snapshots) if (now - s.at > 10 * 60_000) this.snapshots.delete(k)
    let id: string
    let offset: number
    if (after === '') {
      id = String(++this.seq)
      offset = 0
      this.snapshots.set(id, { elements: Array.from(elements(), toWire), at: now })
    } else {
      const [sid, off] = after.split(':')
      id = sid ?? ''
      offset = Number(off)
    }
    const snap = this.snapshots.get(id)
    if (snap === undefined || !Number.isInteger(offset) || offset < 0) throw new Error('unknown export cursor')
    const page = snap.elements.slice(offset, offset + limit)
    const end = offset + page.length
    if (end >= snap.elements.length) this.snapshots.delete(id)
    return { elements: page, next: end >= snap.elements.length ? null : `${id}:${end}` }
  }
}
