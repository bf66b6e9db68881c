import t from 'tap'
import { healRun } from '../../src/reconcile/heal-run.js'
import { runReconciliation } from '../../src/reconcile/reconcile-service.js'
import { statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { LIST, publishOwnerList } from '../helpers/reconcile-drift.js'
import { seedShDrift, startShNativeSetup } from '../helpers/reconcile-native.js'

t.test('a native platform reconciled through its paged export (sh-rest): in sync, then every kind of drift found exactly', async (t) => {
  const { h, sh } = await startShNativeSetup(t)
  await publishOwnerList(h, 'JS', '320000')
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 9), 'delivered to SH, ZJ and AH')
  const deps = { pool: h.app.pg, adapters: h.app.delivery.adapters }
  const clean = await runReconciliation(deps, { owner: 'JS', listCode: LIST, platform: 'SH' }, 'api', 'test')
  t.equal(clean.status, 'done')
  t.equal(clean.method, 'export', 'sh-rest has no range protocol: the export is pulled')
  t.same(clean.findings, [], 'SH matches the owner, field for field through its native records')
  t.equal(clean.stats.replicaElements, 25, 'the 25 live entries exported')

  const seeded = seedShDrift(sh.entries, 'JS', '320000')
  const run = await runReconciliation(deps, { owner: 'JS', listCode: LIST, platform: 'SH' }, 'api', 'test')
  t.same(run.findings.map((f) => ({ kind: f.kind, entryId: f.entryId })), seeded, 'exactly the seeded drift, most harmful first')
  t.match(run.findings.find((f) => f.entryId === 'JS-black-13')?.subject, /^3200\*{10}\d{3}[\dX]$/, 'a person\'s identity number is masked in the finding')

  const heal = await healRun(h.app.pg, h.app.gatewayKeys, run.id, 'test-admin')
  h.app.delivery.relay.kick()
  t.ok(await waitFor(async () => {
    const { rows } = await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM deliveries WHERE jti = ANY($1) AND status = 'delivered'", [heal.jtis])
    return rows[0]?.n === heal.jtis.length
  }), 'the heal reached Shanghai in its own protocol')
  // The drift-13 suspension was set at SH with no objection in the ledger: left for review, never
  // healed with an invented objection (reconcile-heal-objections.test.ts); a person has SH drop it.
  t.same(heal.review.map((r) => r.entryId), ['JS-black-13'], 'the suspension no objection set is left for review')
  const spurious = sh.entries.get('JS:JS-black-13')
  if (spurious === undefined) throw new Error('SH holds JS-black-13')
  sh.entries.set('JS:JS-black-13', { ...spurious, suspended: false })
  const after = await runReconciliation(deps, { owner: 'JS', listCode: LIST, platform: 'SH' }, 'api', 'test')
  t.same(after.findings, [], 'a second run through the export finds nothing')
  t.equal(sh.entries.get('JS:JS-black-21')?.removed, true, 'the repaired entry is removed at SH again')
})
