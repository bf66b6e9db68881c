import type { ListScope, PlatformAdapter } from '../../adapters/types.js'
import type { Difference } from './compare-elements.js'
import type { LedgerList } from './ledger-fingerprints.js'
import { rangeReconcile, type RangeOutcome } from './range-reconcile.js'
import { rangeReconcileV2, RangeV2Unsupported, WholeListMismatch } from './range-v2.js'
import { checkReplicaAnswer, checkReplicaRecords } from './replica-ids.js'

/**
 * A range reconciliation run's comparison: version 2 where the adapter speaks it (and `protocol`
 * allows), else version 1. A platform answering that it does not speak version 2, or a failed
 * whole-list check (a short fingerprint matched by chance, or the list changed meanwhile), runs
 * version 1 at once, in the same snapshot: `stats.protocol` says which answered, and
 * `stats.protocolFallback` is 1 when version 2 gave way. Bytes and round trips count both.
 */
export async function viaRange (
  list: LedgerList, adapter: PlatformAdapter, scope: ListScope, stats: Record<string, number>, protocol: 1 | 2
): Promise<Difference[]> {
  const count = (x: { bytesSent: number, bytesReceived: number }): void => {
    stats.bytesSent = (stats.bytesSent ?? 0) + x.bytesSent
    stats.bytesReceived = (stats.bytesReceived ?? 0) + x.bytesReceived
  }
  let outcome: RangeOutcome | undefined
  const reconcileV2 = adapter.reconcileV2
  if (protocol === 2 && reconcileV2 !== undefined) {
    try {
      outcome = await rangeReconcileV2(list, scope.owner, async (records) => {
        const x = await reconcileV2(scope, records)
        count(x)
        stats.roundTrips = (stats.roundTrips ?? 0) + 1
        checkReplicaRecords(x.answer.records)
        return x.answer
      })
      stats.protocol = 2
    } catch (err) {
      if (!(err instanceof RangeV2Unsupported) && !(err instanceof WholeListMismatch)) throw err
      stats.protocolFallback = 1
    }
  }
  if (outcome === undefined) {
    const reconcile = adapter.reconcile
    if (reconcile === undefined) throw new Error('no range reconciliation')
    outcome = await rangeReconcile(list, async (ranges, maxElements) => {
      const x = await reconcile(scope, ranges, maxElements)
      count(x)
      stats.roundTrips = (stats.roundTrips ?? 0) + 1
      checkReplicaAnswer(x.answer)
      return x.answer
    })
    stats.protocol = 1
  }
  stats.rangesAsked = (stats.rangesAsked ?? 0) + outcome.rangesAsked
  return outcome.differences
}
