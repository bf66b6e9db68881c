import type { Test } from 'tap'
import type { ExportPage, ListScope, ReconcileExchange } from '../../adapters/types.js'
import { LIST } from './reconcile-drift.js'

/** What the churn run needs of a simulated platform: its export, through the adapter, and its holdings. */
export interface ChurnTarget {
  exportList: (scope: ListScope, after: string, limit: number) => Promise<ReconcileExchange<ExportPage>>
  /** Stores entry `n` of `owner` (sampleEntry numbering) as held live, in the platform's own storage. */
  add: (owner: string, n: number) => void
  /** Makes the platform hold entry `n` as removed (`drop`: forget it altogether). */
  remove: (owner: string, n: number, drop: boolean) => void
}

const id = (owner: string, n: number): string => `${owner}-black-${n}`

/**
 * One export run over HTTP while the list changes between page fetches (issue 17 item 4): 20
 * entries (100..119), pages of 4; after each page, in turn, the first two entries of that page
 * are removed and one entry is added that sorts before the cursor (10xx, next to 100), or two
 * such entries are added; and each time the last entry not yet seen is dropped and one is added
 * after everything (200+k). Every entry held for the whole run must come back exactly once, no
 * entry twice, and nothing removed before its page was reached. An offset cursor skips an entry
 * after the first kind of change and repeats two after the second. A platform answering from a
 * snapshot taken at the first page (`paging: 'snapshot'`, the reference simulator) returns the
 * list as it stood then instead.
 */
export async function checkExportUnderChurn (
  t: Test, target: ChurnTarget, opts: { owner?: string, paging?: 'key' | 'snapshot' } = {}
): Promise<void> {
  const owner = opts.owner ?? 'SH'
  const initial = Array.from({ length: 20 }, (_, i) => 100 + i)
  for (const n of initial) target.add(owner, n)
  const scope = { owner, listCode: LIST }
  const seen: string[] = []
  const removed = new Set<string>()
  const droppedUnseen = new Set<string>()
  const addedAfter: string[] = []
  let after = ''
  let round = 0
  do {
    const { answer } = await target.exportList(scope, after, 4)
    const ids = [...(answer.entries ?? []).map((e) => e.entryId), ...(answer.elements ?? []).map((e) => e[0])]
    seen.push(...ids)
    after = answer.next ?? ''
    if (after === '') break
    round++
    // Odd rounds: two fewer entries before the cursor, one more; even rounds: two more.
    const before = round % 2 === 1 ? 1 : 2
    if (round % 2 === 1) {
      for (const e of ids.slice(0, 2)) {
        target.remove(owner, Number(e.slice(e.lastIndexOf('-') + 1)), false)
        removed.add(e)
      }
    }
    for (let j = 0; j < before; j++) target.add(owner, 1000 + 10 * round + j)
    const unseen = initial.filter((n) => !seen.includes(id(owner, n)) && !removed.has(id(owner, n)))
    const last = unseen[unseen.length - 1]
    if (last !== undefined) {
      target.remove(owner, last, true)
      removed.add(id(owner, last))
      droppedUnseen.add(id(owner, last))
    }
    target.add(owner, 200 + round)
    addedAfter.push(id(owner, 200 + round))
  } while (round < 50)
  t.ok(round >= 3, `the run took several pages (${round + 1}) with changes between them`)
  const stable = initial.map((n) => id(owner, n)).filter((e) => !removed.has(e))
  const twice = seen.filter((e, i) => seen.indexOf(e) !== i)
  t.same(twice, [], 'no entry returned twice')
  t.same(stable.filter((e) => seen.filter((s) => s === e).length !== 1), [], 'every entry present for the whole run returned exactly once')
  if (opts.paging === 'snapshot') {
    // The platform answers the list as it stood at the first page, whatever changed since.
    t.same(seen, initial.map((n) => id(owner, n)), 'the list as it stood at the first page, each entry once, in order')
    return
  }
  t.same(seen.filter((e) => droppedUnseen.has(e)), [], 'an entry removed before its page was reached is not returned')
  t.same(addedAfter.filter((e) => !seen.includes(e)), [], 'an entry added beyond the cursor is returned (once, above)')
}
