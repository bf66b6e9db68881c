import { contentHashOf, hashElement, type ElementStatus, type HashedElement } from '../src/reconcile/element-hash.js'

/** One entry as a replica holds it, in the contract's shape (native replicas map theirs back). */
export interface ReplicaEntryView {
  owner: string
  entryId: string
  version: number
  removed: boolean
  suspended: boolean
  /** The `list.upsert` item the replica holds. */
  item: unknown
}

interface Cached { stamp: unknown[], owner: string, listCode: string, element: HashedElement | undefined }

/**
 * The elements a replica holds of one list, hashed once per held record and cached by the
 * record's identity (a platform keeps these hashes as it applies changes). `stamp` lists what a
 * change replaces (version, state, the stored item or native record): a record whose stamp
 * changed is mapped and hashed again. Removed entries are not elements.
 */
export class ReplicaElementCache<R extends object> {
  private readonly cache = new WeakMap<R, Cached>()

  constructor (
    private readonly view: (record: R) => ReplicaEntryView | undefined,
    private readonly stamp: (record: R) => unknown[],
    /** Whether the record still has the stamp it was hashed with (checked without allocating). */
    private readonly unchanged: (record: R, stamp: unknown[]) => boolean
  ) {}

  private entryOf (record: R): Cached {
    const c = this.cache.get(record)
    if (c !== undefined && this.unchanged(record, c.stamp)) return c
    const stamp = this.stamp(record)
    const v = this.view(record)
    let fresh: Cached
    if (v === undefined || v.removed) {
      fresh = { stamp, owner: v?.owner ?? '', listCode: '', element: undefined }
    } else {
      const status: ElementStatus = v.suspended ? 'suspended' : 'active'
      const listCode = String((v.item as { listCode?: unknown } | null)?.listCode ?? '')
      fresh = {
        stamp,
        owner: v.owner,
        listCode,
        element: hashElement(
          v.owner, { entryId: v.entryId, version: v.version, status, contentHash: contentHashOf(v.item) }
        )
      }
    }
    this.cache.set(record, fresh)
    return fresh
  }

  /** The elements of list (owner, listCode) among `records`. */
  elements (records: Iterable<R>, owner: string, listCode: string): HashedElement[] {
    const out: HashedElement[] = []
    for (const r of records) {
      const c = this.entryOf(r)
      if (c.element !== undefined && c.owner === owner && c.listCode === listCode) out.push(c.element)
    }
    return out
  }
}
