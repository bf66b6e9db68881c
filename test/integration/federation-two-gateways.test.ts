import { createHash } from 'node:crypto'
import type { JSONWebKeySet } from 'jose'
import t from 'tap'
import { verifyCompact } from '../../src/keys/jws.js'
import { localKeySet } from '../../src/keys/key-sets.js'
import { ENVELOPE_ALGS } from '../../contracts/envelope-v1.js'
import { sampleDay, sampleEntry } from '../../sim/sample-entries.js'
import type { SimulatedPlatform } from '../../sim/platform-simulator.js'
import { pausePeer, resumePeer } from '../../src/federation/peer-pauses.js'
import { objection, repairDecision, repairRequest, resolution } from '../helpers/coordination-items.js'
import { waitFor } from '../helpers/delivery-setup.js'
import { urlOf } from '../helpers/harness.js'
import { COURT_LIST, startTwoGateways } from '../helpers/two-gateways.js'

// Issue 18 items 2, 3 and 6: two gateways on this machine, each with its own schema, queue prefix and
// id — the delta (YRD, this process, the four provinces simulated) and the national gateway (CN, a
// `credit-gw serve` with GW_ID=CN, the court FY behind it). What one province publishes reaches the
// court through both gateways, and what the court publishes reaches the four provinces, each time with
// the publisher's own envelope, which the receiving platform verifies offline against the publisher's
// published keys alone; nothing goes back along its path. And the two reconcile the lists they share.

const FOOD = 'food-drug-serious-violation'

/** What a platform does offline with a relayed message: the publisher's signature, by its keys alone. */
async function verifiedOffline (
  sim: SimulatedPlatform, origin: string, jti: string, publisherKeys: JSONWebKeySet
): Promise<{ iss: unknown, jti: unknown, items: unknown[], via: string[], digest: string }> {
  const held = sim.publishers.get(`${origin} ${jti}`)
  if (held === undefined) throw new Error(`${sim.id} holds no publisher's envelope of ${origin} ${jti}`)
  const { payload } = await verifyCompact(held.envelope, localKeySet(publisherKeys), ENVELOPE_ALGS)
  const claims = JSON.parse(new TextDecoder().decode(payload)) as { iss: unknown, jti: unknown, items: unknown[] }
  return { ...claims, via: held.via, digest: createHash('sha256').update(held.envelope).digest('base64url') }
}

t.test('ZJ\'s entry, objection and removal reach the court behind CN, the court\'s entry the four provinces, verified offline by the publisher\'s keys', async (t) => {
  const { h, sim, cn, cnScratch, fy } = await startTwoGateways(t)
  const zj = sim('ZJ')
  const cnDb = cnScratch.db

  // Up: ZJ publishes to YRD; YRD relays to CN (its share.up), CN delivers to FY.
  const entry = sampleEntry('ZJ', '330000', 1)
  const up = await zj.publish(urlOf(h), { kind: 'list.upsert', items: [entry], jti: 'ZJ-fed-1' })
  t.equal(up.status, 202, JSON.stringify(up.body))
  t.ok(await waitFor(() => fy.appliedIds.has('ZJ ZJ-fed-1'), 20_000), 'the court applied ZJ\'s entry, two gateways away')
  const atFy = await verifiedOffline(fy, 'ZJ', 'ZJ-fed-1', zj.jwks)
  t.match(atFy, { iss: 'ZJ', jti: 'ZJ-fed-1', via: ['YRD'] }, 'ZJ\'s own signature, by ZJ\'s published keys; the path it came by')
  t.same(atFy.items, [entry], 'the items as ZJ signed them')
  t.equal(atFy.digest, createHash('sha256').update(up.jws).digest('base64url'), 'byte for byte what ZJ published')
  const cnEntry = await cnDb.query<{ owner: string, version: number }>('SELECT owner, version FROM entries WHERE entry_id = $1', [entry.entryId])
  t.same(cnEntry.rows, [{ owner: 'ZJ', version: 1 }], 'CN holds it owned by ZJ, not by YRD')
  const kept = await cnDb.query<{ jws: string, relay: string | null }>("SELECT jws, relay FROM envelopes WHERE iss = 'ZJ' AND jti = 'ZJ-fed-1'")
  t.equal(kept.rows[0]?.jws, up.jws, 'CN\'s ledger keeps ZJ\'s envelope')
  t.ok(kept.rows[0]?.relay?.split('.').length === 3, 'and YRD\'s relay beside it')
  const yrdToCn = await h.db.query<{ status: string, receipt: { peer?: string, receipt?: string, via?: string[] } }>(
    "SELECT status, receipt FROM deliveries WHERE jti = 'ZJ-fed-1' AND destination = 'CN'")
  t.equal(yrdToCn.rows[0]?.status, 'delivered', 'YRD recorded the relay to CN delivered')
  t.match(yrdToCn.rows[0]?.receipt, { peer: 'CN', via: ['YRD'] }, 'with CN\'s receipt, verified by CN\'s keys, as evidence')
  t.equal(typeof yrdToCn.rows[0]?.receipt.receipt, 'string')
  const back = await cnDb.query('SELECT 1 FROM deliveries WHERE destination = \'YRD\'')
  t.equal(back.rowCount, 0, 'CN sends nothing back along the path it came by')
  for (const id of ['SH', 'JS', 'AH']) {
    t.ok(await waitFor(() => sim(id).appliedIds.has('ZJ ZJ-fed-1')), `${id} got it from YRD as ever`)
    t.equal(sim(id).publishers.size, 0, `${id}: a message published here carries no publisher's envelope`)
  }

  // Down: the court publishes to CN; CN relays to YRD, YRD delivers to the four provinces.
  const court = { ...sampleEntry('FY', '110000', 2), listCode: COURT_LIST, domain: 'court', severeCategory: 'legal-obligation' as const }
  const down = await fy.publish(cn.url, { kind: 'list.upsert', items: [court], aud: 'CN', jti: 'FY-fed-2' })
  t.equal(down.status, 202, JSON.stringify(down.body))
  for (const id of ['SH', 'JS', 'ZJ', 'AH']) {
    t.ok(await waitFor(() => sim(id).appliedIds.has('FY FY-fed-2'), 20_000), `${id} applied the court's entry`)
    const verified = await verifiedOffline(sim(id), 'FY', 'FY-fed-2', fy.jwks)
    t.match(verified, { iss: 'FY', jti: 'FY-fed-2', via: ['CN'] }, `${id} verified the court's own signature offline`)
  }
  const owned = await h.db.query<{ owner: string }>('SELECT owner FROM entries WHERE entry_id = $1', [court.entryId])
  t.same(owned.rows, [{ owner: 'FY' }], 'YRD holds it owned by the court')
  const notBack = await h.db.query("SELECT 1 FROM deliveries WHERE iss = 'FY' AND destination = 'CN'")
  t.equal(notBack.rowCount, 0, 'YRD relays nothing of the court\'s back to CN')

  // An objection SH lodges at YRD on ZJ's entry crosses to CN and suspends it at the court; ZJ, the
  // owner, resolves it, and that crosses too.
  const opened = await sim('SH').publish(urlOf(h), { kind: 'objection.open', items: [objection(entry, 'O1')], jti: 'SH-fed-4' })
  t.equal(opened.status, 202, JSON.stringify(opened.body))
  t.ok(await waitFor(() => fy.held.get(`ZJ:${entry.entryId}`)?.suspended === true, 20_000), 'the court holds ZJ\'s entry suspended')
  const cnObjection = await cnDb.query<{ raised_by: string, status: string }>('SELECT raised_by, status FROM objections WHERE entry_id = $1', [entry.entryId])
  t.same(cnObjection.rows, [{ raised_by: 'SH', status: 'open' }], 'CN holds the objection, raised by SH')
  const resolved = await zj.publish(urlOf(h), { kind: 'objection.resolve', items: [resolution(entry, 'O1', 'upheld')], jti: 'ZJ-fed-5' })
  t.equal(resolved.status, 202, JSON.stringify(resolved.body))
  t.ok(await waitFor(() => fy.appliedIds.has('ZJ ZJ-fed-5') && fy.held.get(`ZJ:${entry.entryId}`)?.suspended === undefined, 20_000),
    'the court holds it in force again once ZJ upheld it')

  // A removal crosses both hops, with ZJ's ownership intact.
  const removal = { entryId: entry.entryId, owner: 'ZJ', version: 2, reason: 'revoked', basis: '撤销认定决定', effectiveOn: sampleDay() }
  const removed = await zj.publish(urlOf(h), { kind: 'list.remove', items: [removal], jti: 'ZJ-fed-3' })
  t.equal(removed.status, 202, JSON.stringify(removed.body))
  t.ok(await waitFor(() => fy.appliedIds.has('ZJ ZJ-fed-3'), 20_000), 'the court applied the removal')
  t.match(fy.held.get(`ZJ:${entry.entryId}`), { version: 2, removed: true }, 'and holds the entry removed')
  const cnRemoved = await cnDb.query<{ status: string, version: number }>('SELECT status, version FROM entries WHERE entry_id = $1', [entry.entryId])
  t.same(cnRemoved.rows, [{ status: 'removed', version: 2 }], 'CN holds it removed at version 2')
})

t.test('the gateways reconcile a shared list: a relay that died while CN paused YRD is found missing and healed by relaying ZJ\'s envelope again', async (t) => {
  const { h, sim, cnScratch, fy } = await startTwoGateways(t)
  const zj = sim('ZJ')
  const cnDb = cnScratch.db
  const admin = { authorization: `Bearer ${await h.adminToken('admin')}` }
  type Run = { id: string, status: string, counts: Record<string, number>, findings: unknown[] }
  const reconcile = async (): Promise<Run> => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/reconciliation/runs', headers: admin, payload: { owner: 'ZJ', listCode: FOOD, platform: 'CN' } })
    t.equal(res.statusCode, 201, res.body)
    const run = res.json<{ runs: Array<{ id: string }> }>().runs[0]
    const detail = (await h.app.inject({ url: `/v1/reconciliation/runs/${run?.id ?? ''}`, headers: admin })).json()
    return { ...detail.run, findings: detail.findings }
  }
  const held = sampleEntry('ZJ', '330000', 11)
  await zj.publish(urlOf(h), { kind: 'list.upsert', items: [held], jti: 'ZJ-rec-1' })
  t.ok(await waitFor(() => fy.appliedIds.has('ZJ ZJ-rec-1'), 20_000), 'the first entry crossed')
  const clean = await reconcile()
  t.match(clean, { status: 'done', counts: {}, findings: [] }, 'both gateways hold the same entries of ZJ\'s list')

  // The seeded difference: CN's admin pauses YRD; the next relay is refused (503) until it is dead.
  await pausePeer(cnDb, 'YRD', 'cn-admin', 'key rotation')
  const lost = sampleEntry('ZJ', '330000', 12)
  await zj.publish(urlOf(h), { kind: 'list.upsert', items: [lost], jti: 'ZJ-rec-2' })
  t.ok(await waitFor(async () => (await h.db.query("SELECT 1 FROM deliveries WHERE jti = 'ZJ-rec-2' AND destination = 'CN' AND status = 'dead'")).rowCount === 1, 20_000),
    'the relay is dead after its attempts')
  await resumePeer(cnDb, 'YRD', 'cn-admin')

  const found = await reconcile()
  t.match(found, { status: 'done', counts: { missing: 1 }, findings: [{ kind: 'missing', entryId: lost.entryId }] }, 'the run finds the entry CN lacks, and only that')
  const heal = await h.app.inject({ method: 'POST', url: `/v1/reconciliation/runs/${found.id}/heal`, headers: admin })
  t.equal(heal.statusCode, 202, heal.body)
  t.match(heal.json(), { jtis: [], relayed: [{ iss: 'ZJ', jti: 'ZJ-rec-2', kind: 'list.upsert', entryId: lost.entryId, action: 'requeued' }] },
    'healed by ZJ\'s own envelope, relayed again: nothing signed in ZJ\'s name by a gateway')
  t.ok(await waitFor(() => fy.appliedIds.has('ZJ ZJ-rec-2'), 20_000), 'the court got it, ZJ\'s signature with it')
  t.match(await reconcile(), { status: 'done', counts: {}, findings: [] }, 'and the gateways agree again')
})

t.test('a removal YRD makes on ZJ\'s behalf (a granted repair) crosses: CN makes the same removal, and the court holds the entry removed', async (t) => {
  const { h, sim, cnScratch, fy } = await startTwoGateways(t)
  const zj = sim('ZJ')
  const entry = sampleEntry('ZJ', '330000', 21)
  await zj.publish(urlOf(h), { kind: 'list.upsert', items: [entry], jti: 'ZJ-rep-1' })
  t.ok(await waitFor(() => fy.appliedIds.has('ZJ ZJ-rep-1'), 20_000), 'the entry crossed')
  // 国办发〔2020〕49号 (十二): SH forwards the subject's repair request; ZJ, the owner, grants it.
  const requested = await sim('SH').publish(urlOf(h), { kind: 'repair.request', items: [repairRequest(entry, 'R1', sampleDay())], jti: 'SH-rep-2' })
  t.equal(requested.status, 202, JSON.stringify(requested.body))
  const granted = await zj.publish(urlOf(h), { kind: 'repair.decision', items: [repairDecision(entry, 'R1', 'granted', sampleDay())], jti: 'ZJ-rep-3' })
  t.equal(granted.status, 202, JSON.stringify(granted.body))
  const removal = await h.db.query<{ jti: string }>("SELECT last_jti AS jti FROM entries WHERE owner = 'ZJ' AND entry_id = $1 AND status = 'removed'", [entry.entryId])
  const removalJti = removal.rows[0]?.jti ?? ''
  t.match(removalJti, /^YRD-/, 'YRD removed it on ZJ\'s behalf')
  t.ok(await waitFor(async () => (await h.db.query("SELECT 1 FROM deliveries WHERE iss = 'YRD' AND jti = $1 AND destination = 'CN' AND status = 'delivered'", [removalJti])).rowCount === 1, 20_000),
    'relayed to CN and acknowledged')
  const atCn = await cnScratch.db.query<{ status: string, version: number, last_jti: string }>('SELECT status, version, last_jti FROM entries WHERE entry_id = $1', [entry.entryId])
  t.match(atCn.rows, [{ status: 'removed', version: 2, last_jti: /^CN-/ }], 'CN made the same removal itself, at the same version')
  t.ok(await waitFor(() => fy.held.get(`ZJ:${entry.entryId}`)?.removed === true, 20_000), 'and the court holds it removed')

  // Revoked on an objection: CN derives the removal from ZJ's relayed resolution, and YRD's removal
  // arriving after it changes nothing (never a VERSION_CONFLICT, never a dead relay).
  const revoked = sampleEntry('ZJ', '330000', 22)
  await zj.publish(urlOf(h), { kind: 'list.upsert', items: [revoked], jti: 'ZJ-rep-4' })
  await sim('SH').publish(urlOf(h), { kind: 'objection.open', items: [objection(revoked, 'O9')], jti: 'SH-rep-5' })
  const resolved = await zj.publish(urlOf(h), { kind: 'objection.resolve', items: [resolution(revoked, 'O9', 'revoked')], jti: 'ZJ-rep-6' })
  t.equal(resolved.status, 202, JSON.stringify(resolved.body))
  t.ok(await waitFor(async () => {
    const { rows } = await h.db.query<{ status: string }>("SELECT status FROM deliveries WHERE iss = 'YRD' AND destination = 'CN' AND status IN ('delivered', 'dead')")
    return rows.length === 2
  }, 20_000), 'YRD\'s two removals on ZJ\'s behalf settled at CN')
  const settled = await h.db.query<{ status: string }>("SELECT status FROM deliveries WHERE iss = 'YRD' AND destination = 'CN'")
  t.same(settled.rows.map((r) => r.status), ['delivered', 'delivered'], 'both delivered, none dead')
  await waitFor(async () => (await h.db.query("SELECT 1 FROM deliveries WHERE destination = 'CN' AND status <> 'delivered'")).rowCount === 0, 20_000)
  const unsettled = await h.db.query("SELECT iss, jti, status, attempts, last_error FROM deliveries WHERE destination = 'CN' AND status <> 'delivered' ORDER BY id")
  t.same(unsettled.rows, [], 'and every relay to CN, ZJ\'s resolution with them, delivered: whichever came first')
  const once = await cnScratch.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM entry_history WHERE entry_id = $1 AND action = 'remove'", [revoked.entryId])
  const atCnNow = await cnScratch.db.query('SELECT status, version, last_iss, last_jti FROM entries WHERE entry_id = $1', [revoked.entryId])
  t.same({ removals: once.rows, entry: atCnNow.rows }, { removals: [{ n: 1 }], entry: [{ status: 'removed', version: 2, last_iss: 'CN', last_jti: atCnNow.rows[0]?.last_jti }] },
    'CN removed it once')
  t.ok(await waitFor(() => fy.held.get(`ZJ:${revoked.entryId}`)?.removed === true, 20_000), 'the court holds it removed')
})
