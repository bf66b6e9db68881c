import t from 'tap'
import { sampleDay, sampleEntry } from '../../sim/sample-entries.js'
import { startHarness, type Harness } from '../helpers/harness.js'
import { accept, courtEntry, feedback, MEASURES, notice, objection, read, resolution, send } from '../helpers/coordination-items.js'

async function subjectStatus (h: Harness, id: string): Promise<string[]> {
  const res = await h.app.inject({ url: `/v1/subjects/${id}/entries`, headers: { authorization: `Bearer ${await h.platformToken('AH')}`, 'x-query-purpose': 'test' } })
  return res.json().entries.map((e: { status: string }) => e.status)
}

t.test('an objection suspends the entry and its cases until the owner upholds it', async (t) => {
  const h = await startHarness(t)
  const entry = sampleEntry('JS', '320000', 1)
  await accept(h, 'JS', 'list.upsert', [entry])
  await accept(h, 'JS', 'punishment.notice', [notice(entry, 'C1')])
  const opened = await accept(h, 'ZJ', 'objection.open', [objection(entry, 'O1')])
  const outbox = await h.db.query('SELECT destination FROM deliveries WHERE jti = $1 ORDER BY destination', [opened])
  t.same(outbox.rows.map((r) => r.destination), ['AH', 'JS', 'SH'], 'the suspension reaches every other platform, the owner included')
  t.same(await subjectStatus(h, entry.subject.creditCode ?? ''), ['suspended'], 'the entry reads as suspended in queries')
  t.equal((await read(h, '/v1/cases/JS/C1')).body.status, 'suspended')

  const again = await send(h, 'AH', 'objection.open', [objection(entry, 'O2')])
  t.equal(again.status, 409)
  t.equal(again.body.code, 'OBJECTION_OPEN')
  const fb = await send(h, 'SH', 'punishment.feedback', [feedback('JS', 'C1', 'applied', MEASURES[0])])
  t.equal(fb.body.code, 'CASE_TRANSITION_INVALID', 'no feedback while measures are suspended')
  t.equal((await send(h, 'SH', 'punishment.feedback', [feedback('JS', 'C1', 'acknowledged')])).status, 202, 'a response is still taken')
  const notice2 = await send(h, 'JS', 'punishment.notice', [notice(entry, 'C2')])
  t.equal(notice2.body.code, 'CASE_TRANSITION_INVALID', 'no new case on an entry under objection')
  const foreign = await send(h, 'ZJ', 'objection.resolve', [resolution(entry, 'O1', 'upheld')])
  t.equal(foreign.body.code, 'NOT_OWNER', 'only the owner resolves')
  const unknown = await send(h, 'JS', 'objection.resolve', [resolution(entry, 'O9', 'upheld')])
  t.equal(unknown.body.code, 'OBJECTION_UNKNOWN')

  await accept(h, 'JS', 'objection.resolve', [resolution(entry, 'O1', 'upheld')])
  t.same(await subjectStatus(h, entry.subject.creditCode ?? ''), ['active'], 'upheld: measures resume')
  t.equal((await read(h, '/v1/cases/JS/C1')).body.status, 'open')
  const tracking = (await read(h, `/v1/entries/JS/${entry.entryId}`)).body
  t.equal(tracking.objections[0].status, 'upheld')
  t.equal(tracking.objections[0].suspension.destinations.length, 3)
})

t.test('corrected: the owner publishes the new version while suspended, then names it', async (t) => {
  const h = await startHarness(t)
  const entry = sampleEntry('JS', '320000', 1)
  await accept(h, 'JS', 'list.upsert', [entry])
  await accept(h, 'JS', 'punishment.notice', [notice(entry, 'C1')])
  await accept(h, 'SH', 'objection.open', [objection(entry, 'O1')])
  const early = await send(h, 'JS', 'objection.resolve', [resolution(entry, 'O1', 'corrected', 2)])
  t.equal(early.body.code, 'VERSION_CONFLICT', 'the corrected version must be published first')
  await accept(h, 'JS', 'list.upsert', [{ ...entry, version: 2, facts: '经核实更正后的事由。' }])
  t.same(await subjectStatus(h, entry.subject.creditCode ?? ''), ['suspended'], 'a correction keeps the entry suspended until resolved')
  await accept(h, 'JS', 'objection.resolve', [resolution(entry, 'O1', 'corrected', 2)])
  t.same(await subjectStatus(h, entry.subject.creditCode ?? ''), ['active'])
  const c = (await read(h, '/v1/cases/JS/C1')).body
  t.equal(c.status, 'open')
  t.equal(c.entryVersion, 2, 'the case continues on the corrected version')
})

t.test('revoked: removed everywhere as wrongful, cases revoked, remediation to whoever applied a measure', async (t) => {
  const h = await startHarness(t)
  const entry = sampleEntry('JS', '320000', 1)
  await accept(h, 'JS', 'list.upsert', [entry])
  await accept(h, 'JS', 'punishment.notice', [notice(entry, 'C1')])
  await accept(h, 'SH', 'punishment.feedback', [feedback('JS', 'C1', 'applied', MEASURES[0])])
  await accept(h, 'ZJ', 'punishment.feedback', [feedback('JS', 'C1', 'declined', MEASURES[0])])
  await accept(h, 'AH', 'objection.open', [objection(entry, 'O1')])
  await accept(h, 'JS', 'objection.resolve', [resolution(entry, 'O1', 'revoked')])

  const e = await h.db.query('SELECT status, version, wrongful, removal FROM entries WHERE entry_id = $1', [entry.entryId])
  t.match(e.rows[0], { status: 'removed', version: 2, wrongful: true, removal: { reason: 'revoked' } })
  t.same(await subjectStatus(h, entry.subject.creditCode ?? ''), [], 'gone from queries')
  const c = (await read(h, '/v1/cases/JS/C1')).body
  t.equal(c.status, 'revoked')
  t.same(c.remediation, [{ platform: 'SH', measures: [MEASURES[0]] }])
  const gw = await h.db.query<{ kind: string, destination: string }>(
    "SELECT e.kind, d.destination FROM envelopes e JOIN deliveries d USING (jti) WHERE e.iss = 'YRD' ORDER BY e.kind, d.destination")
  t.same(gw.rows.map((r) => `${r.kind}>${r.destination}`), ['gateway.notice>SH', 'list.remove>AH', 'list.remove>JS', 'list.remove>SH', 'list.remove>ZJ'],
    'a removal the gateway issues reaches every replica and the owner (the version is the gateway\'s); the remediation notice only the platform that applied a measure')
  const tracking = (await read(h, `/v1/entries/JS/${entry.entryId}`)).body
  t.equal(tracking.lastChange.kind, 'list.remove')
  t.equal(tracking.lastChange.complete, false, 'tracked until every platform confirms')
  t.equal(tracking.wrongful, true)
  const history = await h.db.query('SELECT version, action FROM entry_history WHERE entry_id = $1 ORDER BY version', [entry.entryId])
  t.same(history.rows, [{ version: 1, action: 'upsert' }, { version: 2, action: 'remove' }], 'the revocation is in the entry\'s history')
})

t.test('court lists: measures continue during objection; not repairable; a revocation still revokes', async (t) => {
  const h = await startHarness(t)
  const entry = courtEntry('SH', '310000', 1)
  await accept(h, 'SH', 'list.upsert', [entry])
  await accept(h, 'SH', 'punishment.notice', [notice(entry, 'C1', { measures: ['restrict-high-consumption'] })])
  await accept(h, 'JS', 'punishment.feedback', [feedback('SH', 'C1', 'applied', 'restrict-high-consumption')])
  await accept(h, 'JS', 'objection.open', [objection(entry, 'O1')])
  t.same(await subjectStatus(h, entry.subject.creditCode ?? ''), ['active'], 'a court list entry is not suspended by an objection')
  t.equal((await read(h, '/v1/cases/SH/C1')).body.status, 'open')
  const tracking = (await read(h, `/v1/entries/SH/${entry.entryId}`)).body
  t.equal(tracking.objections[0].measuresContinue, true)
  const repair = await send(h, 'SH', 'list.remove', [{ entryId: entry.entryId, owner: 'SH', version: 2, reason: 'repair', basis: '信用修复申请', effectiveOn: sampleDay() }])
  t.equal(repair.status, 422)
  t.equal(repair.body.code, 'NOT_REPAIRABLE')
  await accept(h, 'SH', 'objection.resolve', [resolution(entry, 'O1', 'revoked')])
  const c = (await read(h, '/v1/cases/SH/C1')).body
  t.equal(c.status, 'revoked')
  t.same(c.remediation, [{ platform: 'JS', measures: ['restrict-high-consumption'] }])
})

t.test('国发〔2016〕33号 (二十一), 国办发〔2020〕49号 (五)(十一): repair removes and withdraws the cases; the expiry job removes what ran out, once, and sends the removal to every platform, the owner too', async (t) => {
  const h = await startHarness(t)
  const repaired = sampleEntry('JS', '320000', 1)
  // Ended on 2026-06-30, after 15 months: within the list type's 12 to 36 (国发〔2016〕33号 (二十一)).
  const expiring = { ...sampleEntry('JS', '320000', 2), validFrom: '2025-03-15', validUntil: '2026-06-30' }
  const lasting = sampleEntry('JS', '320000', 3)
  await accept(h, 'JS', 'list.upsert', [repaired, expiring, lasting])
  await accept(h, 'JS', 'punishment.notice', [notice(repaired, 'C1'), notice(expiring, 'C2')])
  await accept(h, 'AH', 'objection.open', [objection(repaired, 'O1')])
  const rm = await accept(h, 'JS', 'list.remove', [{ entryId: repaired.entryId, owner: 'JS', version: 2, reason: 'repair', basis: '已完成信用修复', effectiveOn: sampleDay() }])
  t.equal((await read(h, '/v1/cases/JS/C1')).body.status, 'withdrawn')
  t.equal((await read(h, '/v1/cases/JS/C1')).body.removedBy, 'repair')
  const o = await h.db.query("SELECT status FROM objections WHERE objection_id = 'O1'")
  t.equal(o.rows[0]?.status, 'withdrawn', 'nothing left to dispute')
  t.equal((await read(h, `/v1/entries/JS/${repaired.entryId}`)).body.lastChange.jti, rm)

  const swept = await h.app.coordination.runNow()
  t.equal(swept.expired, 1)
  const e = await h.db.query("SELECT entry_id, status, version, removal->>'reason' AS reason FROM entries ORDER BY entry_id")
  t.same(e.rows.map((r) => `${r.entry_id}:${r.status}:${r.version}:${r.reason ?? ''}`), [
    `${repaired.entryId}:removed:2:repair`, `${expiring.entryId}:removed:2:expiry`, `${lasting.entryId}:active:1:`
  ])
  t.equal((await read(h, '/v1/cases/JS/C2')).body.status, 'withdrawn')
  t.equal((await h.app.coordination.runNow()).expired, 0, 'removed once')
  const sent = await h.db.query<{ destination: string }>(
    `SELECT d.destination FROM deliveries d JOIN entries e ON d.iss = e.last_iss AND d.jti = e.last_jti
     WHERE e.owner = 'JS' AND e.entry_id = $1 ORDER BY d.destination`, [expiring.entryId])
  t.same(sent.rows.map((r) => r.destination), ['AH', 'JS', 'SH', 'ZJ'], 'the expiry removal goes to every platform, the owner JS included (it learns the new version)')
  const stale = await send(h, 'JS', 'list.upsert', [{ ...expiring, version: 2 }])
  t.equal(stale.body.code, 'VERSION_CONFLICT', 'the expiry is a new version: the owner continues above it')
})

t.test('an entry revoked as wrongful after its case closed: the closed case is revoked and remedied too', async (t) => {
  const h = await startHarness(t)
  const entry = sampleEntry('JS', '320000', 1)
  await accept(h, 'JS', 'list.upsert', [entry])
  await accept(h, 'JS', 'punishment.notice', [notice(entry, 'C1')])
  await accept(h, 'SH', 'punishment.feedback', MEASURES.map((m) => feedback('JS', 'C1', 'applied', m)))
  await accept(h, 'ZJ', 'punishment.feedback', MEASURES.map((m) => feedback('JS', 'C1', 'not-applicable', m)))
  await accept(h, 'AH', 'punishment.feedback', [feedback('JS', 'C1', 'applied', MEASURES[1] ?? ''), feedback('JS', 'C1', 'declined', MEASURES[0] ?? '')])
  t.equal((await read(h, '/v1/cases/JS/C1')).body.status, 'closed')
  await accept(h, 'SH', 'objection.open', [objection(entry, 'O1')])
  t.equal((await read(h, '/v1/cases/JS/C1')).body.status, 'closed', 'a closed case is not suspended')
  await accept(h, 'JS', 'objection.resolve', [resolution(entry, 'O1', 'revoked')])
  const c = (await read(h, '/v1/cases/JS/C1')).body
  t.equal(c.status, 'revoked')
  t.same(c.remediation, [{ platform: 'SH', measures: MEASURES }, { platform: 'AH', measures: [MEASURES[1]] }])
  t.equal(c.events.at(-1).event.type, 'revoked-after-closing')
  const notices = await h.db.query("SELECT d.destination FROM envelopes e JOIN deliveries d USING (jti) WHERE e.kind = 'gateway.notice' ORDER BY d.destination")
  t.same(notices.rows.map((r) => r.destination), ['AH', 'SH'], 'a remediation notice to each platform that applied a measure')
})
