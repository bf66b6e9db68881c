import t from 'tap'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startHarness, type Harness } from '../helpers/harness.js'
import { accept, courtEntry, notice, objection, read, repairDecision, repairRequest, resolution, send } from '../helpers/coordination-items.js'

// Every instant below is fixed: deadlines are computed from the dates the items carry, and the
// sweeps run at instants passed to them, never at today's date. Only the statistics month is the
// month the messages were received (the gateway's own clock), as in coordination-cases.test.ts.
const thisMonth = (): string => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7)

/** The gateway notices (reminders) in the outbox, with their destination. */
async function reminders (h: Harness): Promise<Array<{ destination: string, item: Record<string, unknown> }>> {
  const { rows } = await h.db.query<{ destination: string, jws: string }>(
    `SELECT d.destination, e.jws FROM envelopes e JOIN deliveries d USING (jti)
     WHERE e.iss = 'YRD' AND e.kind = 'gateway.notice' ORDER BY d.id`)
  const itemOf = (jws: string): Record<string, unknown> =>
    (JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as { items: Array<Record<string, unknown>> }).items[0] ?? {}
  return rows.map((r) => ({ destination: r.destination, item: itemOf(r.jws) }))
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function statsRow (h: Harness, province: string): Promise<Record<string, any>> {
  const month = thisMonth()
  const stats = (await read(h, `/v1/stats/coordination?from=${month}&to=${month}`)).body
  return stats.rows.find((r: { province: string, domain: string }) => r.province === province && r.domain === 'food-drug')
}

/** A food-drug black-list entry listed long enough ago (validFrom 2025-06-01) to be repairable now. */
const listedLongAgo = (owner: string, region: string, n: number): ReturnType<typeof sampleEntry> =>
  ({ ...sampleEntry(owner, region, n), validFrom: '2025-06-01', validUntil: '2028-05-31' })

t.test('国发〔2016〕33号 (二十二): an objection unanswered after its working days is marked overdue once, the owner is reminded, the statistics count it', async (t) => {
  const h = await startHarness(t)
  const entry = sampleEntry('JS', '320000', 1)
  await accept(h, 'JS', 'list.upsert', [entry])
  // Lodged Friday 2026-11-20: ten working days (the default; the food-drug list type names none) end Friday 2026-12-04.
  await accept(h, 'ZJ', 'objection.open', [{ ...objection(entry, 'O1'), lodgedOn: '2026-11-20' }])
  const late = await send(h, 'AH', 'objection.open', [{ ...objection(entry, 'O0'), lodgedOn: '9999-12-31' }])
  t.equal(late.body.code, 'SCHEMA_INVALID', 'lodgedOn after receipt would postpone the deadline')
  const due = await h.db.query("SELECT to_char(answer_by, 'YYYY-MM-DD') AS answer_by, overdue FROM objections WHERE objection_id = 'O1'")
  t.same(due.rows[0], { answer_by: '2026-12-04', overdue: false })

  const onTheDay = await h.app.coordination.runNow(new Date('2026-12-04T15:59:00Z')) // 23:59 CST
  t.equal(onTheDay.objectionsOverdue, 0, 'the deadline day counts to 24:00 China Standard Time')
  const after = await h.app.coordination.runNow(new Date('2026-12-04T16:01:00Z'))
  t.equal(after.objectionsOverdue, 1, 'marked overdue at 00:01 CST the next day')
  const again = await h.app.coordination.runNow(new Date('2026-12-10T02:00:00Z'))
  t.equal(again.objectionsOverdue, 0, 'marked once, reminded once')

  const sent = await reminders(h)
  t.equal(sent.length, 1)
  t.equal(sent[0]?.destination, 'JS', 'the reminder goes to the owner, who must answer')
  t.match(sent[0]?.item, { noticeType: 'reminder', objectionId: 'O1', entryId: entry.entryId, owner: 'JS', dueOn: '2026-12-04' })
  t.match((await read(h, `/v1/entries/JS/${entry.entryId}`)).body.objections, [{ objectionId: 'O1', status: 'open', answerBy: '2026-12-04', overdue: true }])

  // Answered late: it stays counted as overdue.
  await accept(h, 'JS', 'objection.resolve', [resolution(entry, 'O1', 'upheld')])
  const row = await statsRow(h, 'JS')
  t.match(row.objections, { opened: 1, upheld: 1, overdue: 1 })
})

t.test('国发〔2016〕33号 (二十二): an objection answered in time is never marked overdue', async (t) => {
  const h = await startHarness(t)
  const entry = sampleEntry('SH', '310000', 1)
  await accept(h, 'SH', 'list.upsert', [entry])
  await accept(h, 'AH', 'objection.open', [{ ...objection(entry, 'O1'), lodgedOn: '2026-11-20' }])
  await accept(h, 'SH', 'objection.resolve', [resolution(entry, 'O1', 'upheld')])
  t.equal((await h.app.coordination.runNow(new Date('2026-12-20T02:00:00Z'))).objectionsOverdue, 0)
  t.equal((await reminders(h)).length, 0)
})

t.test('国办发〔2020〕49号 (十一): a repair.request before validFrom + exit.minimumMonths is refused, and nothing of it is kept', async (t) => {
  const h = await startHarness(t)
  const entry = listedLongAgo('JS', '320000', 1) // food-drug, validFrom 2025-06-01, exit.minimumMonths 12
  await accept(h, 'JS', 'list.upsert', [entry])
  const early = await send(h, 'ZJ', 'repair.request', [repairRequest(entry, 'R1', '2026-05-31')])
  t.equal(early.status, 422)
  t.equal(early.body.code, 'REPAIR_TOO_EARLY')
  t.match((early.body.errors as Array<{ path: string, detail: string }>)[0], { path: '/requestedOn', detail: /2026-06-01/ })
  t.equal(await h.count('repairs'), 0)
  t.equal((await h.db.query('SELECT 1 FROM envelopes WHERE jti = $1', [early.jti])).rowCount, 0, 'the refused envelope is not stored')
  const future = await send(h, 'ZJ', 'repair.request', [repairRequest(entry, 'R1', '9999-12-31')])
  t.equal(future.body.code, 'SCHEMA_INVALID', 'a request dated after its receipt cannot pass the earliest date')
  await accept(h, 'ZJ', 'repair.request', [repairRequest(entry, 'R1', '2026-06-01')])
  t.equal(await h.count('repairs'), 1, 'from the earliest day on it is taken')

  const court = courtEntry('SH', '310000', 2)
  await accept(h, 'SH', 'list.upsert', [court])
  const notRepairable = await send(h, 'JS', 'repair.request', [repairRequest(court, 'R2', '2026-11-25')])
  t.equal(notRepairable.body.code, 'NOT_REPAIRABLE', 'a list type that rules repair out refuses the request itself')
})

// Regression: only repair.request was held to the earliest exit; an owner's own list.remove 'repair'
// a week after listing was accepted ("repaired after a week").
t.test('国办发〔2020〕49号 (十一), 国发〔2016〕33号 (二十一): an owner\'s own repair removal before validFrom + exit.minimumMonths is refused, and nothing of it is kept', async (t) => {
  const h = await startHarness(t)
  const entry = listedLongAgo('JS', '320000', 1) // food-drug, validFrom 2025-06-01, exit.minimumMonths 12
  await accept(h, 'JS', 'list.upsert', [entry])
  const removal = (effectiveOn: string): Record<string, unknown> =>
    ({ entryId: entry.entryId, owner: 'JS', version: 2, reason: 'repair', basis: '信用修复决定', effectiveOn })
  const early = await send(h, 'JS', 'list.remove', [removal('2025-06-08')])
  t.equal(early.status, 422)
  t.equal(early.body.code, 'REPAIR_TOO_EARLY')
  t.match((early.body.errors as Array<{ path: string, detail: string }>)[0],
    { path: '/effectiveOn', detail: /2026-06-01.*国办发〔2020〕49号 \(十一\)/ })
  t.equal((await h.db.query('SELECT 1 FROM envelopes WHERE jti = $1', [early.jti])).rowCount, 0, 'the refused envelope is not stored')
  t.match((await h.db.query('SELECT status, version FROM entries WHERE entry_id = $1', [entry.entryId])).rows[0],
    { status: 'active', version: 1 }, 'the entry stays listed')
  await accept(h, 'JS', 'list.remove', [removal('2026-06-01')])
  t.match((await h.db.query('SELECT status FROM entries WHERE entry_id = $1', [entry.entryId])).rows[0],
    { status: 'removed' }, 'from the earliest day on the repair is taken')
})

t.test('国办发〔2020〕49号 (十一): a repair.decision by a platform other than the owner is refused', async (t) => {
  const h = await startHarness(t)
  const entry = listedLongAgo('JS', '320000', 1)
  await accept(h, 'JS', 'list.upsert', [entry])
  await accept(h, 'ZJ', 'repair.request', [repairRequest(entry, 'R1', '2026-11-25')])
  const foreign = await send(h, 'ZJ', 'repair.decision', [repairDecision(entry, 'R1', 'granted')])
  t.equal(foreign.status, 403)
  t.equal(foreign.body.code, 'NOT_OWNER')
  t.equal((await h.db.query('SELECT status FROM entries WHERE entry_id = $1', [entry.entryId])).rows[0]?.status, 'active', 'the entry stays')
  t.equal((await h.db.query("SELECT status FROM repairs WHERE repair_id = 'R1'")).rows[0]?.status, 'open')
  const unknown = await send(h, 'JS', 'repair.decision', [repairDecision(entry, 'R9', 'granted')])
  t.equal(unknown.body.code, 'REPAIR_UNKNOWN')
})

t.test('国办发〔2020〕49号 (十一): a granted repair removes the entry, and the removal reaches every platform', async (t) => {
  const h = await startHarness(t)
  const entry = listedLongAgo('JS', '320000', 1)
  await accept(h, 'JS', 'list.upsert', [entry])
  await accept(h, 'JS', 'punishment.notice', [notice(entry, 'C1')])
  const requested = await accept(h, 'ZJ', 'repair.request', [repairRequest(entry, 'R1', '2026-11-25')])
  const toOwner = await h.db.query('SELECT destination FROM deliveries WHERE jti = $1', [requested])
  t.same(toOwner.rows.map((r) => r.destination), ['JS'], 'the request goes to the owner, who decides')
  const again = await send(h, 'AH', 'repair.request', [repairRequest(entry, 'R2', '2026-11-26')])
  t.equal(again.body.code, 'REPAIR_OPEN', 'one open repair request per entry')

  const decided = await accept(h, 'JS', 'repair.decision', [repairDecision(entry, 'R1', 'granted')])
  const back = await h.db.query('SELECT destination FROM deliveries WHERE jti = $1', [decided])
  t.same(back.rows.map((r) => r.destination), ['ZJ'], 'the decision goes back to the platform that forwarded the request')
  const e = await h.db.query('SELECT status, version, removal FROM entries WHERE entry_id = $1', [entry.entryId])
  t.match(e.rows[0], { status: 'removed', version: 2, removal: { reason: 'repair', effectiveOn: '2026-12-01' } })
  const removal = await h.db.query<{ destination: string }>(
    "SELECT d.destination FROM envelopes e JOIN deliveries d USING (jti) WHERE e.iss = 'YRD' AND e.kind = 'list.remove' ORDER BY d.destination")
  t.same(removal.rows.map((r) => r.destination), ['AH', 'JS', 'SH', 'ZJ'], 'the gateway\'s removal reaches every platform, the owner too: it learns the version the gateway chose')
  const tracking = (await read(h, `/v1/entries/JS/${entry.entryId}`)).body
  t.equal(tracking.lastChange.kind, 'list.remove', 'tracked until every platform has confirmed it')
  t.match(tracking.repairs, [{ repairId: 'R1', status: 'granted', raisedBy: 'ZJ', decideBy: '2026-12-16', removal: { kind: 'list.remove', complete: false } }])
  t.equal(tracking.repairs[0].removal.destinations.length, 4)
  const c = (await read(h, '/v1/cases/JS/C1')).body
  t.equal(c.status, 'withdrawn')
  t.equal(c.removedBy, 'repair')
  const r = await h.db.query("SELECT status, removal_jti FROM repairs WHERE repair_id = 'R1'")
  t.equal(r.rows[0]?.status, 'granted')
  t.ok(r.rows[0]?.removal_jti, 'the repair names the removal it caused')
  const history = await h.db.query('SELECT version, action FROM entry_history WHERE entry_id = $1 ORDER BY version', [entry.entryId])
  t.same(history.rows, [{ version: 1, action: 'upsert' }, { version: 2, action: 'remove' }])
  const row = await statsRow(h, 'JS')
  t.match(row.repairs, { requested: 1, granted: 1, open: 0, overdue: 0, count: 1 })
})

t.test('国办发〔2020〕49号 (十二): a repair request not decided within its working days is marked overdue once and the owner reminded', async (t) => {
  const h = await startHarness(t)
  const entry = listedLongAgo('JS', '320000', 1)
  await accept(h, 'JS', 'list.upsert', [entry])
  // Requested Wednesday 2026-11-25: fifteen working days (the default) end Wednesday 2026-12-16.
  await accept(h, 'ZJ', 'repair.request', [repairRequest(entry, 'R1', '2026-11-25')])
  t.equal((await h.db.query("SELECT to_char(decide_by, 'YYYY-MM-DD') AS d FROM repairs WHERE repair_id = 'R1'")).rows[0]?.d, '2026-12-16')
  t.equal((await h.app.coordination.runNow(new Date('2026-12-16T15:59:00Z'))).repairsOverdue, 0, 'to 24:00 CST of the deadline day')
  t.equal((await h.app.coordination.runNow(new Date('2026-12-16T16:01:00Z'))).repairsOverdue, 1)
  t.equal((await h.app.coordination.runNow(new Date('2026-12-18T02:00:00Z'))).repairsOverdue, 0, 'once')
  const sent = await reminders(h)
  t.equal(sent.length, 1)
  t.equal(sent[0]?.destination, 'JS')
  t.match(sent[0]?.item, { noticeType: 'reminder', entryId: entry.entryId, owner: 'JS', dueOn: '2026-12-16', text: /R1/ })

  const refused = await accept(h, 'JS', 'repair.decision', [repairDecision(entry, 'R1', 'refused', '2026-12-17')])
  t.same((await h.db.query('SELECT destination FROM deliveries WHERE jti = $1', [refused])).rows.map((r) => r.destination), ['ZJ'])
  t.equal((await h.db.query('SELECT status FROM entries WHERE entry_id = $1', [entry.entryId])).rows[0]?.status, 'active', 'a refusal leaves the entry listed')
  const row = await statsRow(h, 'JS')
  t.match(row.repairs, { requested: 1, refused: 1, overdue: 1, count: 0 })
})
