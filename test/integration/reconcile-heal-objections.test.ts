import t from 'tap'
import { healRun } from '../../src/reconcile/heal-run.js'
import { runReconciliation } from '../../src/reconcile/reconcile-service.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { LIST } from '../helpers/reconcile-drift.js'
import { accept, objection, resolution } from '../helpers/coordination-items.js'

t.test('国办发〔2020〕49号 (五), 国发〔2016〕33号 (二十二): a suspension mismatch is healed with the real objection messages, never an invented one', async (t) => {
  const { h, sim } = await startDeliverySetup(t)
  const entries = [1, 2, 3].map((n) => sampleEntry('SH', '310000', n))
  const [suspended, resolved, untouched] = entries
  if (suspended === undefined || resolved === undefined || untouched === undefined) throw new Error('three entries')
  await accept(h, 'SH', 'list.upsert', entries)
  // Objections raised through ZJ (the subject lodged them there); SH upholds the second.
  const { jws: openJws, jti: openJti } = await h.sign('ZJ', { kind: 'objection.open', items: [objection(suspended, 'ZJ-O-1'), objection(resolved, 'ZJ-O-2')] })
  t.equal((await h.post(openJws)).status, 202)
  const resolveJti = await accept(h, 'SH', 'objection.resolve', [resolution(resolved, 'ZJ-O-2', 'upheld')])
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 9), 'the entries, the objections and the resolution reached every replica')
  const js = sim('JS')
  t.equal(js.held.get(`SH:${suspended.entryId}`)?.suspended, true, 'JS holds the open objection\'s suspension')

  // JS is restored from a backup taken before the objections: it lost the suspension of entry 1,
  // kept the (since resolved) suspension of entry 2, and forgot both messages; entry 3 it marks
  // suspended on its own, without any objection.
  const { suspended: _s, ...lost } = js.held.get(`SH:${suspended.entryId}`) ?? { suspended: undefined }
  js.held.set(`SH:${suspended.entryId}`, lost as never)
  const kept = js.held.get(`SH:${resolved.entryId}`)
  if (kept === undefined) throw new Error('JS holds entry 2')
  js.held.set(`SH:${resolved.entryId}`, { ...kept, suspended: true })
  const own = js.held.get(`SH:${untouched.entryId}`)
  if (own === undefined) throw new Error('JS holds entry 3')
  js.held.set(`SH:${untouched.entryId}`, { ...own, suspended: true })
  js.appliedIds.delete(`ZJ ${openJti}`)
  js.appliedIds.delete(`SH ${resolveJti}`)

  const deps = { pool: h.app.pg, adapters: h.app.delivery.adapters }
  const scope = { owner: 'SH', listCode: LIST, platform: 'JS' }
  const run = await runReconciliation(deps, scope, 'api', 'test')
  t.same(run.findings.map((f) => [f.kind, f.entryId, f.ownerStatus, f.replicaStatus]), [
    ['suspension-mismatch', suspended.entryId, 'suspended', 'active'],
    ['suspension-mismatch', resolved.entryId, 'active', 'suspended'],
    ['suspension-mismatch', untouched.entryId, 'active', 'suspended']
  ], 'three suspension mismatches')

  const heal = await healRun(h.app.pg, h.app.gatewayKeys, run.id, 'test-admin')
  t.same(heal.jtis, [], 'the gateway issues no objection message of its own')
  t.match(heal.resent, [
    { iss: 'ZJ', jti: openJti, kind: 'objection.open', objectionId: 'ZJ-O-1', action: 'requeued' },
    { iss: 'SH', jti: resolveJti, kind: 'objection.resolve', objectionId: 'ZJ-O-2', action: 'requeued' }
  ], 'the original objection.open (ZJ\'s message, same jti and objection id) and SH\'s own resolution are resent')
  t.equal(heal.resent.length, 2)
  t.same(heal.review, [{ entryId: untouched.entryId, reason: 'the replica holds a suspension no objection in the ledger set' }], 'the suspension no objection set is left for review')
  t.same(heal.items, { 'objection.open': 1, 'objection.resolve': 1 })
  const invented = await h.db.query("SELECT jti FROM envelopes WHERE kind LIKE 'objection.%' AND iss = 'YRD'")
  t.same(invented.rows, [], 'no objection envelope issued by the gateway')
  const ids = await h.db.query<{ objection_id: string }>('SELECT objection_id FROM objections ORDER BY objection_id')
  t.same(ids.rows.map((r) => r.objection_id), ['ZJ-O-1', 'ZJ-O-2'], 'no invented objection id in the ledger')
  const action = await h.db.query<{ detail: { review: unknown[], resent: unknown[] } }>("SELECT detail FROM admin_actions WHERE action = 'reconciliation.heal'")
  t.equal(action.rows[0]?.detail.review.length, 1, 'the review item is recorded with the approval')

  h.app.delivery.relay.kick()
  t.ok(await waitFor(async () => js.held.get(`SH:${suspended.entryId}`)?.suspended === true && js.held.get(`SH:${resolved.entryId}`)?.suspended === undefined),
    'JS suspends entry 1 and lifts entry 2 from the real messages')
  const received = js.applied.filter((c) => c.kind.startsWith('objection.')).map((c) => c.jti)
  t.ok(received.every((j) => j === openJti || j === resolveJti), 'JS received no objection message but the ledger\'s')
  const after = await runReconciliation(deps, scope, 'api', 'test')
  t.same(after.findings.map((f) => [f.kind, f.entryId]), [['suspension-mismatch', untouched.entryId]], 'only the mismatch left for review remains')
})
