/**
 * The simulated platforms' export cursor (issue 17 item 4). To the gateway it is an opaque
 * string; here it names the key of the last entry of a page, (owner, entryId), and the next page
 * starts after that key in (owner, entryId) order. An entry held for the whole of an export is so
 * on exactly one page, however many other entries are added or removed between the pages: an
 * offset would shift under it and skip or repeat one.
 *
 * A cursor of digits only is the old offset form (a position in the same order). It is still
 * accepted from a client that sends it, with the old guarantee only; the page answered to it
 * carries a key cursor, so the rest of that export is keyed.
 */

/** Where a page starts: at the start, after a key, or at an offset (the old form). */
export type PageStart =
  | { kind: 'first' }
  | { kind: 'after', owner: string, entryId: string }
  | { kind: 'offset', offset: number }

/** An entry's sort key: (owner, entryId). */
export type EntryKey = readonly [owner: string, entryId: string]

/** The key of an entry a simulator stores under `owner:entryId` (an owner never holds a colon). */
export function splitKey (stored: string): EntryKey {
  const i = stored.indexOf(':')
  return [stored.slice(0, i), stored.slice(i + 1)]
}

const PREFIX = 'k1.'
const MAX_CURSOR = 1024

/** The cursor of the page that follows the entry `key`. */
export const keyCursor = (key: EntryKey): string =>
  `${PREFIX}${Buffer.from(JSON.stringify([key[0], key[1]]), 'utf8').toString('base64url')}`

/** Reads a cursor a client sent back; undefined when it is none this platform gave (or the old offset form). */
export function readCursor (cursor: string): PageStart | undefined {
  if (cursor === '') return { kind: 'first' }
  if (/^\d{1,9}$/.test(cursor)) return { kind: 'offset', offset: Number(cursor) }
  if (cursor.length > MAX_CURSOR || !cursor.startsWith(PREFIX)) return undefined
  const b64 = cursor.slice(PREFIX.length)
  if (!/^[A-Za-z0-9_-]+$/.test(b64)) return undefined
  let key: unknown
  try { key = JSON.parse(Buffer.from(b64, 'base64url').toString('utf8')) } catch { return undefined }
  if (!Array.isArray(key) || key.length !== 2 || typeof key[0] !== 'string' || typeof key[1] !== 'string') return undefined
  return { kind: 'after', owner: key[0], entryId: key[1] }
}

const compare = (a: EntryKey, b: EntryKey): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0

/**
 * One page of `live` (the entries held now) from `start`, in key order: the page, how many are
 * held in all, and the cursor of the next page (the key of this page's last entry; null after
 * the last page).
 */
export function pageByKey<T> (
  live: Iterable<T>, keyOf: (e: T) => EntryKey, start: PageStart, limit: number
): { page: T[], total: number, next: string | null } {
  const sorted = Array.from(live, (e) => ({ e, k: keyOf(e) })).sort((a, b) => compare(a.k, b.k))
  let from = 0
  if (start.kind === 'offset') from = start.offset
  else if (start.kind === 'after') {
    const after: EntryKey = [start.owner, start.entryId]
    let lo = 0
    let hi = sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const m = sorted[mid]
      if (m !== undefined && compare(m.k, after) <= 0) lo = mid + 1
      else hi = mid
    }
    from = lo
  }
  const page = sorted.slice(from, from + limit)
  const last = page[page.length - 1]
  const more = from + page.length < sorted.length
  const next = more && last !== undefined ? keyCursor(last.k) : null
  return { page: page.map((p) => p.e), total: sorted.length, next }
}
