import t from 'tap'
import { sampleDay, sampleEntry } from '../../sim/sample-entries.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { accept, feedback, MEASURES, notice, objection, read, resolution, send } from '../helpers/coordination-items.js'

t.test('an objection raised while a platform is down reaches it on recovery before anything else about the entry', async (t) => {
  const { h, sim } = await startDeliverySetup(t)
  const entry = sampleEntry('JS', '320000', 1)
  await accept(h, 'JS', 'list.upsert', [entry])
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 3))
  await sim('AH').stop()
  const opened = await accept(h, 'ZJ', 'objection.open', [objection(entry, 'O1')])
  const corrected = await accept(h, 'JS', 'list.upsert', [{ ...entry, version: 2, facts: '更正后的事由。' }])
  await accept(h, 'JS', 'objection.resolve', [resolution(entry, 'O1', 'corrected', 2)])
  // The others get all three meanwhile (ZJ raised it: the owner and the two others are told).
  t.ok(await waitFor(async () => (await statusCounts(h, "destination <> 'AH'")).delivered === 2 + 2 + 2 + 2), 'delivered to the platforms that are up')
  await new Promise((resolve) => setTimeout(resolve, 300))
  await sim('AH').restart()
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 12, 15_000), 'everything reaches AH once it is back')
  const order = sim('AH').applied.filter((a) => a.entryKey === `JS:${entry.entryId}`).map((a) => a.kind)
  t.same(order, ['list.upsert', 'objection.open', 'list.upsert', 'objection.resolve'], 'the suspension first, then the correction, then the resolution')
  const applied = sim('AH').messagesApplied
  t.ok(applied.indexOf(opened) < applied.indexOf(corrected), 'objection applied before the update')
  const attempts = await h.db.query("SELECT max(attempts)::int AS n FROM deliveries WHERE destination = 'AH'")
  t.ok(attempts.rows[0].n <= 2, 'waiting for the objection used up no attempts')
  const tracking = (await read(h, `/v1/entries/JS/${entry.entryId}`)).body
  t.equal(tracking.objections[0].suspension.complete, true, 'the suspension is confirmed by every platform')
})

t.test('a repair racing an update: every replica ends where the ledger does, whatever the order', async (t) => {
  const { h, sim } = await startDeliverySetup(t)
  const a = sampleEntry('JS', '320000', 1)
  const b = sampleEntry('JS', '320000', 2)
  await accept(h, 'JS', 'list.upsert', [a, b])
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 3))
  sim('ZJ').failure = 'slow'
  const repair = (e: typeof a, version: number): unknown => ({ entryId: e.entryId, owner: 'JS', version, reason: 'repair', basis: '已完成信用修复', effectiveOn: sampleDay() })
  // a: update v2 and repair v3 at once; b: repair v2 and update v3 at once.
  const results = await Promise.all([
    send(h, 'JS', 'list.upsert', [{ ...a, version: 2, facts: '更新' }]),
    send(h, 'JS', 'list.remove', [repair(a, 3)]),
    send(h, 'JS', 'list.remove', [repair(b, 2)]),
    send(h, 'JS', 'list.upsert', [{ ...b, version: 3, facts: '更新' }])
  ])
  for (const r of results) t.ok(r.status === 202 || r.body.code === 'VERSION_CONFLICT', `accepted or refused as stale (${r.status})`)
  const { rows: ledger } = await h.db.query<{ entry_id: string, version: number, status: string }>('SELECT entry_id, version, status FROM entries ORDER BY entry_id')
  t.same(ledger.map((r) => `${r.entry_id}:${r.version}:${r.status}`), [`${a.entryId}:3:removed`, `${b.entryId}:3:active`], 'the newest version wins in the ledger')
  sim('ZJ').failure = 'none'
  const accepted = results.filter((r) => r.status === 202).length
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 3 + 3 * accepted, 15_000), 'all delivered')
  for (const id of ['SH', 'ZJ', 'AH']) {
    const held = sim(id).held
    t.same([held.get(`JS:${a.entryId}`)?.version, held.get(`JS:${a.entryId}`)?.removed], [3, true], `${id}: a removed at v3`)
    t.same([held.get(`JS:${b.entryId}`)?.version, held.get(`JS:${b.entryId}`)?.removed], [3, false], `${id}: b updated at v3`)
  }
  const tracking = (await read(h, `/v1/entries/JS/${a.entryId}`)).body
  t.equal(tracking.lastChange.complete, true, 'the removal is confirmed by every platform')
  t.equal(tracking.lastChange.destinations.length, 3)
})

t.test('a revoked case reaches the platforms: removal everywhere, remediation to whoever applied a measure', async (t) => {
  const { h, sim } = await startDeliverySetup(t)
  const entry = sampleEntry('JS', '320000', 1)
  await accept(h, 'JS', 'list.upsert', [entry])
  await accept(h, 'JS', 'punishment.notice', [notice(entry, 'C1')])
  await accept(h, 'SH', 'punishment.feedback', MEASURES.map((m) => feedback('JS', 'C1', 'applied', m)))
  await accept(h, 'ZJ', 'objection.open', [objection(entry, 'O1')])
  await accept(h, 'JS', 'objection.resolve', [resolution(entry, 'O1', 'revoked')])
  t.ok(await waitFor(async () => {
    const c = await statusCounts(h)
    return (c.delivered ?? 0) > 0 && Object.keys(c).every((k) => k === 'delivered')
  }, 15_000), 'every message delivered')
  for (const id of ['SH', 'ZJ', 'AH']) t.equal(sim(id).held.get(`JS:${entry.entryId}`)?.removed, true, `${id} removed the entry`)
  t.equal(sim('JS').applied.filter((a) => a.kind === 'list.remove').length, 1, 'the owner is sent the removal too: its version is the gateway\'s')
  const remediation = sim('SH').applied.filter((a) => a.kind === 'gateway.notice')
  t.equal(remediation.length, 1, 'SH, which applied the measures, got a remediation notice')
  t.equal(sim('AH').applied.filter((a) => a.kind === 'gateway.notice').length, 0, 'AH applied nothing and gets none')
  t.equal(new Set(sim('JS').applied.filter((a) => a.kind === 'punishment.feedback').map((a) => a.jti)).size, 1, 'the initiator received the feedback')
})

t.test('fields outside a platform\'s share scope never reach it', async (t) => {
  const { h, sim } = await startDeliverySetup(t, { platformOverrides: (p) => p.id === 'AH' ? { ...p, shareScopes: ['all-platforms'] } : p })
  const org = sampleEntry('SH', '310000', 1)
  const person = sampleEntry('SH', '310000', 2, { person: true })
  await accept(h, 'SH', 'list.upsert', [org, person])
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 3))
  const atAh = sim('AH').held.get(`SH:${org.entryId}`)?.item as typeof org
  t.equal(atAh.subject.responsiblePersons?.[0]?.idNumber, undefined, 'AH, authorised for all-platforms data only, gets no identity number')
  t.notOk(sim('AH').held.has(`SH:${person.entryId}`), 'a person entry is withheld from AH whole')
  t.ok((sim('JS').held.get(`SH:${org.entryId}`)?.item as typeof org).subject.responsiblePersons?.[0]?.idNumber, 'JS, authorised for both, gets it')
  t.ok(sim('JS').held.has(`SH:${person.entryId}`))
  const evidence = await h.db.query("SELECT receipt FROM deliveries WHERE destination = 'AH'")
  t.same(evidence.rows[0]?.receipt.withheld, [person.entryId], 'what was withheld is in the delivery\'s evidence')
})

t.test('the scheduled sweep (a BullMQ job scheduler) removes an entry whose validity ended, everywhere', async (t) => {
  const { h, sim } = await startDeliverySetup(t, { settings: { coordinationSweepMs: 200 } })
  // 13 months, within the list type's 12 to 36 (国发〔2016〕33号 (二十一)).
  const expired = { ...sampleEntry('JS', '320000', 1), validFrom: '2025-01-01', validUntil: '2026-01-31' }
  await accept(h, 'JS', 'list.upsert', [expired])
  t.ok(await waitFor(() => ['SH', 'ZJ', 'AH'].every((id) => sim(id).held.get(`JS:${expired.entryId}`)?.removed === true), 15_000), 'removed at every replica without anyone asking')
  t.ok(await waitFor(() => sim('JS').held.get(`JS:${expired.entryId}`)?.version === 2, 15_000), 'the owner JS is sent the removal too, with its new version')
  const e = await h.db.query("SELECT version, status, removal->>'reason' AS reason FROM entries")
  t.same(e.rows, [{ version: 2, status: 'removed', reason: 'expiry' }])
  const schedulers = await h.app.coordination.schedulers()
  t.equal(schedulers, 1, 'one job scheduler, however many times the gateway starts')
})
