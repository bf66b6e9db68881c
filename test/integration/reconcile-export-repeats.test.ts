import t from 'tap'
import { runReconciliation } from '../../src/reconcile/reconcile-service.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { LIST, publishOwnerList } from '../helpers/reconcile-drift.js'

t.test('a replica whose export returns one entry twice fails the run (REPLICA_EXPORT_INCONSISTENT), no finding made of it', async (t) => {
  const { h, sim } = await startDeliverySetup(t)
  await publishOwnerList(h, 'SH', '310000')
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 9), 'delivered')
  const deps = { pool: h.app.pg, adapters: h.app.delivery.adapters }
  const scope = { owner: 'SH', listCode: LIST, platform: 'JS' }
  const clean = await runReconciliation(deps, scope, 'api', 'test', { method: 'export' })
  t.same({ status: clean.status, findings: clean.findings }, { status: 'done', findings: [] }, 'in sync through the export')
  // JS holds SH-black-4 under a second record: its export answers that entry twice.
  const item = sampleEntry('SH', '310000', 4)
  sim('JS').held.set('SH:second-copy', { owner: 'SH', entryId: item.entryId, version: 1, removed: false, item })
  const run = await runReconciliation(deps, scope, 'api', 'test', { method: 'export' })
  t.equal(run.status, 'failed', 'the run failed')
  t.match(run.error, /^REPLICA_EXPORT_INCONSISTENT: the replica's export returned entry SH-black-4 twice/, 'with the stable code')
  t.same(run.findings, [], 'the second copy is not reported as an entry the owner never published')
  const { rows } = await h.db.query<{ status: string, error: string }>('SELECT status, error FROM reconciliation_runs WHERE id = $1', [run.id])
  t.match(rows[0], { status: 'failed', error: /^REPLICA_EXPORT_INCONSISTENT: / }, 'stored so')
})
