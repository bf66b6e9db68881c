import t from 'tap'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import { configShares } from '../../src/reconcile/fingerprint-scope.js'
import { runReconciliation, type ReconcileDeps } from '../../src/reconcile/reconcile-service.js'
import { sampleDay, sampleEntry, sampleIdNumber } from '../../sim/sample-entries.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { LIST, publish, publishOwnerList } from '../helpers/reconcile-drift.js'

// Issue 17 item 5: JS may receive only `all-platforms` data, so the national catalogue withholds
// identity numbers from it: every organisation entry reaches it without its responsible person's
// number, and every entry about a person is withheld whole.
const RESTRICTED = 'JS'
const kinds = (findings: Array<{ kind: string, entryId: string }>): Array<{ kind: string, entryId: string }> =>
  findings.map((f) => ({ kind: f.kind, entryId: f.entryId }))

t.test('a restricted yrd-push replica is compared over what it may hold: in sync, then real drift only', async (t) => {
  const { h, sim } = await startDeliverySetup(t, {
    platformOverrides: (p) => p.id === RESTRICTED ? { ...p, shareScopes: ['all-platforms'] } : p
  })
  await publishOwnerList(h, 'SH', '310000')
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 9, 15_000), 'the three envelopes reached JS, ZJ and AH')
  const held = sim(RESTRICTED).held
  const live = [...held.values()].filter((e) => !e.removed && (e.item as ListUpsertItemV1).listCode === LIST)
  t.equal(live.length, 17, 'JS holds the 17 live organisation entries; the 8 live person entries were withheld whole')
  t.ok(live.every((e) => (e.item as ListUpsertItemV1).subject.responsiblePersons?.[0]?.idNumber === undefined),
    'without the responsible person\'s identity number')

  const scope = { owner: 'SH', listCode: LIST, platform: RESTRICTED }
  // Without the share scopes, a run compares with the ledger's own hashes (what every run did before).
  const unscoped: ReconcileDeps = { pool: h.app.pg, adapters: h.app.delivery.adapters }
  const before = await runReconciliation(unscoped, scope, 'api', 'test')
  t.equal(before.status, 'done')
  const beforeKinds = kinds(before.findings)
  t.equal(beforeKinds.filter((f) => f.kind === 'content-mismatch').length, 17, 'before: every entry JS holds is a content mismatch')
  t.equal(beforeKinds.filter((f) => f.kind === 'missing').length, 8, 'and every person entry is missing')

  const deps: ReconcileDeps = { ...unscoped, shares: configShares(h.config) }
  for (const method of ['range', 'export'] as const) {
    const run = await runReconciliation(deps, scope, 'api', 'test', { method })
    t.equal(run.status, 'done', `${method}: run done`)
    t.same(run.findings, [], `${method}: no difference over what JS may hold`)
    if (method === 'range') t.equal(run.stats.roundTrips, 1, 'range: one round trip when in sync')
    t.equal(run.stats.withheldFields, 2, `${method}: the run says it compared entries without two fields`)
  }
  const auth = { authorization: `Bearer ${await h.adminToken('operator')}` }
  const viaApi = await h.app.inject({ method: 'POST', url: '/v1/reconciliation/runs', headers: auth, payload: { owner: 'SH', listCode: LIST } })
  t.equal(viaApi.statusCode, 201)
  const apiRuns = viaApi.json().runs as Array<{ platform: string, status: string, counts: Record<string, number> }>
  t.same(apiRuns.map((r) => [r.platform, r.status, r.counts]).sort(), [['AH', 'done', {}], ['JS', 'done', {}], ['ZJ', 'done', {}]],
    'the API\'s runs (the config\'s share scopes): every replica in sync, JS with its scope, ZJ and AH with the ledger\'s hashes')
  const { rows: scopes } = await h.db.query<{ scope_key: string }>('SELECT scope_key FROM recon_scopes')
  t.same(scopes.map((s) => s.scope_key), ['subject.idNumber subject.responsiblePersons.idNumber'], 'one scope kept, for JS only')

  // A change to a withheld field in the ledger alone (as an erasure rewrites data and content_hash):
  // JS could not hold it, so it is no difference there; ZJ, which holds it, differs.
  const number = sampleIdNumber('310000', 9_999)
  const { rowCount } = await h.db.query(`
    UPDATE entries SET data = x.data, content_hash = encode(sha256(convert_to(x.data::text, 'UTF8')), 'hex')
    FROM (SELECT jsonb_set(data, '{subject,responsiblePersons,0,idNumber}', to_jsonb($1::text)) AS data
          FROM entries WHERE owner = 'SH' AND entry_id = 'SH-black-3') x
    WHERE owner = 'SH' AND entry_id = 'SH-black-3'`, [number])
  t.equal(rowCount, 1, 'the ledger changed entry 3\'s responsible person\'s identity number')
  for (const method of ['range', 'export'] as const) {
    const js = await runReconciliation(deps, scope, 'api', 'test', { method })
    t.same(js.findings, [], `${method}: JS shows no difference for a field it may not hold`)
    const zj = await runReconciliation(deps, { ...scope, platform: 'ZJ' }, 'api', 'test', { method })
    t.same(kinds(zj.findings), [{ kind: 'content-mismatch', entryId: 'SH-black-3' }], `${method}: ZJ, which holds it, differs`)
    t.equal(zj.stats.withheldFields, undefined, `${method}: ZJ is compared with the ledger's own hashes`)
  }

  // The owner changes on: new versions of an organisation entry and of a person entry (still withheld
  // from JS), a removal. The fold carries them into JS's scope like into the ledger's own tables.
  await publish(h, 'SH', 'list.upsert',
    [sampleEntry('SH', '310000', 15, { version: 2 }), sampleEntry('SH', '310000', 16, { person: true, version: 2 })])
  const removal = { entryId: 'SH-black-17', owner: 'SH', version: 2, reason: 'repair', basis: '信用修复决定书', effectiveOn: sampleDay() }
  await publish(h, 'SH', 'list.remove', [removal])
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 15, 15_000), 'the two envelopes reached every replica')
  for (const platform of [RESTRICTED, 'ZJ']) {
    const run = await runReconciliation(deps, { ...scope, platform }, 'api', 'test')
    t.same(kinds(run.findings), platform === 'ZJ' ? [{ kind: 'content-mismatch', entryId: 'SH-black-3' }] : [],
      `${platform}: after the owner's later changes, only what differed before`)
  }

  // A real difference at JS: it edits a field it may hold, and loses an entry it holds.
  const e12 = held.get('SH:SH-black-12')
  const e14 = held.get('SH:SH-black-14')
  if (e12 === undefined || e14 === undefined) throw new Error('JS does not hold entries 12 and 14')
  held.set('SH:SH-black-12', { ...e12, item: { ...(e12.item as object), facts: '被篡改的事实' } })
  held.delete('SH:SH-black-14')
  for (const method of ['range', 'export'] as const) {
    const run = await runReconciliation(deps, scope, 'api', 'test', { method })
    t.same(kinds(run.findings), [{ kind: 'missing', entryId: 'SH-black-14' }, { kind: 'content-mismatch', entryId: 'SH-black-12' }],
      `${method}: exactly the drift at JS is found`)
    t.match(run.findings.find((f) => f.kind === 'content-mismatch'), { ownerVersion: 1, replicaVersion: 1, cause: 'edited-at-replica' })
  }
})
