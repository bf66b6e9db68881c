import t from 'tap'
import { runReconciliation } from '../../src/reconcile/reconcile-service.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { LIST, publishOwnerList, seedDrift } from '../helpers/reconcile-drift.js'

t.test('range reconciliation with reference-protocol replicas: in sync, then every kind of drift found exactly', async (t) => {
  const { h, sim } = await startDeliverySetup(t)
  await publishOwnerList(h, 'SH', '310000')
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 9), 'the three envelopes reached JS, ZJ and AH')
  const deps = { pool: h.app.pg, adapters: h.app.delivery.adapters }

  for (const platform of ['JS', 'ZJ', 'AH']) {
    const run = await runReconciliation(deps, { owner: 'SH', listCode: LIST, platform }, 'api', 'test')
    t.equal(run.status, 'done', `${platform}: run done`)
    t.equal(run.method, 'range')
    t.same(run.findings, [], `${platform}: replica matches`)
    t.equal(run.stats.roundTrips, 1, `${platform}: one round trip when in sync`)
    t.equal(run.stats.protocol, 2, `${platform}: version 2 of the range protocol`)
    t.ok((run.stats.bytesSent ?? 0) + (run.stats.bytesReceived ?? 0) < 1024, `${platform}: under 1 KB when in sync`)
  }

  const seeded = seedDrift(sim('JS').held, 'SH', '310000')
  for (const method of ['range', 'export'] as const) {
    const run = await runReconciliation(deps, { owner: 'SH', listCode: LIST, platform: 'JS' }, 'api', 'test', { method })
    t.equal(run.status, 'done', `${method}: run done`)
    t.same(run.findings.map((f) => ({ kind: f.kind, entryId: f.entryId })), seeded, `${method}: exactly the seeded drift, most harmful first`)
    const byKind = new Map(run.findings.map((f) => [f.kind, f]))
    t.match(byKind.get('extra-removed'), { ownerVersion: 2, ownerStatus: 'removed', replicaVersion: 1, replicaStatus: 'active', cause: 'delivered-then-lost' })
    t.match(byKind.get('extra-unknown'), { ownerVersion: null, replicaVersion: 1, cause: 'edited-at-replica' })
    t.match(byKind.get('missing'), { ownerVersion: 1, replicaVersion: null, cause: 'delivered-then-lost' })
    t.match(byKind.get('stale'), { ownerVersion: 2, replicaVersion: 1, cause: 'delivered-then-lost' })
    t.match(byKind.get('content-mismatch'), { ownerVersion: 1, replicaVersion: 1, cause: 'edited-at-replica' })
    t.match(byKind.get('suspension-mismatch'), { ownerStatus: 'active', replicaStatus: 'suspended', cause: 'edited-at-replica' })
  }
  const others = await runReconciliation(deps, { owner: 'SH', listCode: LIST, platform: 'ZJ' }, 'api', 'test')
  t.same(others.findings, [], 'the other replicas still match')
})

t.test('a platform that speaks only version 1 of the range protocol: the run falls back to it and finds the same drift', async (t) => {
  const { h, sim } = await startDeliverySetup(t)
  await publishOwnerList(h, 'SH', '310000')
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 9), 'the three envelopes reached JS, ZJ and AH')
  const deps = { pool: h.app.pg, adapters: h.app.delivery.adapters }
  const seeded = seedDrift(sim('JS').held, 'SH', '310000')
  const v2 = await runReconciliation(deps, { owner: 'SH', listCode: LIST, platform: 'JS' }, 'api', 'test')
  sim('JS').rangeV2 = false
  const v1 = await runReconciliation(deps, { owner: 'SH', listCode: LIST, platform: 'JS' }, 'api', 'test')
  t.equal(v2.stats.protocol, 2, 'version 2 while the platform speaks it')
  t.equal(v1.stats.protocol, 1, 'version 1 once it answers 415')
  t.equal(v1.stats.protocolFallback, 1, 'the fallback is recorded in the run\'s stats')
  const kinds = (r: typeof v1): unknown => r.findings.map((f) => ({ kind: f.kind, entryId: f.entryId }))
  t.same(kinds(v2), seeded, 'version 2: exactly the seeded drift')
  t.same(kinds(v1), seeded, 'version 1: the same')
  t.same(v1.findings, v2.findings, 'the same findings in every field')
})
