import type pg from 'pg'
import type { FindingV1, RunSummaryV1, WireElementV1 } from '../../contracts/reconcile-v1.js'
import type { ListScope, PlatformAdapter } from '../../adapters/types.js'
import type { Registries, ShareScope } from '../../config/registry-schema.js'
import { classifyFindings } from './classify-findings.js'
import { compareAgainst, fromWire, type Difference } from './compare-elements.js'
import { contentHashOf, type Element } from './element-hash.js'
import { fingerprintScopeOf } from './fingerprint-scope.js'
import { LedgerList } from './ledger-fingerprints.js'
import { foldDeltas } from './ledger-fold.js'
import { inTransaction } from '../ledger/pool.js'
import { viaRange } from './range-run.js'
import { closeRun, openRun, type RunTrigger } from './run-store.js'
import { checkExportPage } from './replica-ids.js'
import { ExportRunGuard } from './export-run-guard.js'

/** What one reconciliation run needs: the ledger and the platforms' adapters. */
export interface ReconcileDeps {
  pool: pg.Pool
  adapters: ReadonlyMap<string, PlatformAdapter>
  /**
   * The catalogue and each platform's share scopes (the config's `shareScopes`): a platform that may
   * not receive some fields is compared over what it may hold. Absent: every platform holds all.
   */
  shares?: {
    registries: Registries | undefined
    shareScopesOf: (platform: string) => readonly ShareScope[] | undefined
  }
}

export interface ReconcileScope extends ListScope { platform: string }

export interface RunResult {
  id: string
  status: RunSummaryV1['status']
  method: 'range' | 'export' | null
  findings: FindingV1[]
  stats: Record<string, number>
  error?: string
}

/** Export pages are this large (elements or entries). */
export const EXPORT_PAGE = 10_000

/**
 * Pulls a platform's whole export of the list and compares it with the owner's list. The cursor is
 * the platform's, passed back unchanged; an entry or a cursor seen twice fails the run
 * (REPLICA_EXPORT_INCONSISTENT, export-run-guard.ts).
 */
async function viaExport (
  list: LedgerList, adapter: PlatformAdapter, scope: ListScope, stats: Record<string, number>
): Promise<Difference[]> {
  const exportList = adapter.exportList
  if (exportList === undefined) throw new Error('no export')
  const theirs = new Map<string, Element>()
  const guard = new ExportRunGuard()
  let after = ''
  for (;;) {
    const { answer, bytesSent, bytesReceived } = await exportList(scope, after, EXPORT_PAGE)
    stats.roundTrips = (stats.roundTrips ?? 0) + 1
    stats.bytesSent = (stats.bytesSent ?? 0) + bytesSent
    stats.bytesReceived = (stats.bytesReceived ?? 0) + bytesReceived
    checkExportPage(answer)
    for (const w of answer.elements ?? []) {
      guard.entry(w[0])
      theirs.set(w[0], fromWire(w as WireElementV1))
    }
    for (const e of answer.entries ?? []) {
      if (e.owner !== scope.owner) continue
      guard.entry(e.entryId)
      theirs.set(e.entryId, { entryId: e.entryId, version: e.version, status: e.suspended ? 'suspended' : 'active', contentHash: contentHashOf(e.item) })
    }
    if (answer.next === null) break
    guard.next(answer.next)
    after = answer.next
  }
  stats.replicaElements = theirs.size
  const compare = compareAgainst(theirs)
  await list.eachElement(compare.own)
  return compare.finish()
}

/**
 * Reconciles one list of one owner with one replica platform and stores the run: range
 * reconciliation where the platform's adapter speaks it, else its paged export, else the run is
 * stored as `unsupported`. The owner's side is read from one REPEATABLE READ snapshot.
 */
export async function runReconciliation (deps: ReconcileDeps, scope: ReconcileScope, trigger: RunTrigger, requestedBy: string, opts: { method?: 'range' | 'export', protocol?: 1 | 2 } = {}): Promise<RunResult> {
  const id = await openRun(deps.pool, scope, trigger, requestedBy)
  const adapter = deps.adapters.get(scope.platform)
  const method = opts.method ?? (adapter?.reconcile !== undefined ? 'range' : adapter?.exportList !== undefined ? 'export' : null)
  const stats: Record<string, number> = { roundTrips: 0, bytesSent: 0, bytesReceived: 0 }
  if (adapter === undefined || method === null || (method === 'range' && adapter.reconcile === undefined) || (method === 'export' && adapter.exportList === undefined)) {
    const error = adapter === undefined ? 'no such platform' : `adapter ${adapter.name} offers no ${method ?? 'reconciliation or export'}`
    await closeRun(deps.pool, id, { status: 'unsupported', method, findings: [], stats, error })
    return { id, status: 'unsupported', method, findings: [], stats, error }
  }
  if (scope.owner === scope.platform) {
    const error = 'a platform is the owner of its own lists, not a replica'
    await closeRun(deps.pool, id, { status: 'unsupported', method, findings: [], stats, error })
    return { id, status: 'unsupported', method, findings: [], stats, error }
  }
  const started = performance.now()
  try {
    // A platform withholding fields holds a projection of each entry (and not at all an entry withheld
    // whole): it is compared with that scope's fingerprints, kept by the fold like the ledger's own.
    const fpScope = fingerprintScopeOf(deps.shares?.registries, deps.shares?.shareScopesOf(scope.platform))
    if (fpScope !== undefined) stats.withheldFields = fpScope.withheld.length // what the run compared without
    stats.folded = await foldDeltas(deps.pool, fpScope === undefined ? [] : [fpScope])
    stats.foldMs = Math.round(performance.now() - started)
    // One snapshot of the owner's list for the whole comparison, however many round trips it takes.
    const { differences, elementsRead } = await inTransaction(deps.pool, async (client) => {
      const list = new LedgerList(client, scope.owner, scope.listCode, fpScope?.key)
      let differences: Difference[]
      if (method === 'range') {
        differences = await viaRange(list, adapter, scope, stats, opts.protocol ?? 2)
      } else {
        differences = await viaExport(list, adapter, scope, stats)
      }
      return { differences, elementsRead: list.elementsRead }
    }, { isolation: 'REPEATABLE READ', readOnly: true })
    stats.ownerElementsRead = elementsRead
    stats.compareMs = Math.round(performance.now() - started) - stats.foldMs
    const classifyStarted = performance.now()
    const findings = await classifyFindings(deps.pool, scope.owner, scope.listCode, scope.platform, differences)
    stats.classifyMs = Math.round(performance.now() - classifyStarted)
    stats.ms = Math.round(performance.now() - started)
    await closeRun(deps.pool, id, { status: 'done', method, findings, stats })
    return { id, status: 'done', method, findings, stats }
  } catch (err) {
    const error = (err as Error).message
    stats.ms = Math.round(performance.now() - started)
    await closeRun(deps.pool, id, { status: 'failed', method, findings: [], stats, error })
    return { id, status: 'failed', method, findings: [], stats, error }
  }
}

/** Every (owner, list) the ledger knows, with live entries or not (a list emptied at the owner still has replicas to
 * check). */
export async function knownLists (pool: pg.Pool): Promise<ListScope[]> {
  await foldDeltas(pool)
  const { rows } = await pool.query<{ owner: string, list_code: string }>('SELECT DISTINCT owner, list_code FROM recon_buckets ORDER BY 1, 2')
  return rows.map((r) => ({ owner: r.owner, listCode: r.list_code }))
}
