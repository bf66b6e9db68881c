import t from 'tap'
import { sampleEntry } from '../../sim/sample-entries.js'
import { chinaToday } from '../../src/coordination/case-deadlines.js'
import { addMonths, dayBefore } from '../../src/envelopes/validity-period.js'
import { startHarness } from '../helpers/harness.js'
import { accept, feedback, MEASURES, notice, read, send } from '../helpers/coordination-items.js'

t.test('a notice opens a case pushed to the three other platforms; feedback drives it to closed', async (t) => {
  const h = await startHarness(t)
  const entry = sampleEntry('JS', '320000', 1)
  await accept(h, 'JS', 'list.upsert', [entry])
  const noticeJti = await accept(h, 'JS', 'punishment.notice', [notice(entry, 'C1')])
  const outbox = await h.db.query('SELECT destination FROM deliveries WHERE jti = $1 ORDER BY destination', [noticeJti])
  t.same(outbox.rows.map((r) => r.destination), ['AH', 'SH', 'ZJ'], 'the notice goes to every implementing platform')

  let c = (await read(h, '/v1/cases/JS/C1')).body
  t.equal(c.status, 'open')
  t.same(c.platforms.map((p: { platform: string, state: string }) => `${p.platform}:${p.state}`), ['SH:pushed', 'ZJ:pushed', 'AH:pushed'])
  t.equal(c.respondBy, '2026-12-01')

  const ack = await accept(h, 'SH', 'punishment.feedback', [feedback('JS', 'C1', 'acknowledged')])
  const ackOutbox = await h.db.query('SELECT destination FROM deliveries WHERE jti = $1', [ack])
  t.same(ackOutbox.rows.map((r) => r.destination), ['JS'], 'feedback goes to the initiator only')
  await accept(h, 'SH', 'punishment.feedback', [feedback('JS', 'C1', 'applied', MEASURES[0]), feedback('JS', 'C1', 'declined', MEASURES[1])])
  await accept(h, 'ZJ', 'punishment.feedback', [feedback('JS', 'C1', 'applied', MEASURES[0]), feedback('JS', 'C1', 'not-applicable', MEASURES[1])])
  c = (await read(h, '/v1/cases/JS/C1')).body
  const sh = c.platforms.find((p: { platform: string }) => p.platform === 'SH')
  t.equal(sh.state, 'feedback-complete')
  t.equal(sh.respondedBy, 'acknowledge')
  t.same(sh.outcomes[MEASURES[0] ?? ''], { outcome: 'applied', appliedOn: '2026-11-20' }, 'who applied which measure, and when')
  t.equal(c.platforms.find((p: { platform: string }) => p.platform === 'ZJ').respondedBy, 'feedback', 'feedback before a response counts as the response')
  t.equal(c.status, 'open', 'AH has not fed back yet')
  await accept(h, 'AH', 'punishment.feedback', MEASURES.map((m) => feedback('JS', 'C1', 'applied', m)))
  c = (await read(h, '/v1/cases/JS/C1')).body
  t.equal(c.status, 'closed', 'every platform fed back on every measure: closed')
  t.equal(c.events.length, 1 + 1 + 2 + 2 + 2, 'every event kept')

  // A platform sees only the cases it is party to.
  const other = await startOtherCase()
  async function startOtherCase (): Promise<string> {
    const e2 = sampleEntry('SH', '310000', 2)
    await accept(h, 'SH', 'list.upsert', [e2])
    await accept(h, 'SH', 'punishment.notice', [notice(e2, 'C2')])
    return 'C2'
  }
  const asZj = await h.app.inject({ url: '/v1/cases', headers: { authorization: `Bearer ${await h.platformToken('ZJ')}` } })
  t.equal(asZj.json().cases.length, 2, 'ZJ implements both')
  const asJs = await h.app.inject({ url: `/v1/cases/SH/${other}`, headers: { authorization: `Bearer ${await h.platformToken('JS')}` } })
  t.equal(asJs.statusCode, 200, 'JS implements SH\'s case')
  const noAuth = await h.app.inject({ url: '/v1/cases' })
  t.equal(noAuth.statusCode, 401)
})

t.test('illegal notices and feedback are refused whole with a stable code, and nothing is stored', async (t) => {
  const h = await startHarness(t)
  const entry = sampleEntry('JS', '320000', 1)
  const red = sampleEntry('JS', '320000', 2, { listType: 'red' })
  await accept(h, 'JS', 'list.upsert', [entry, red])
  await accept(h, 'JS', 'punishment.notice', [notice(entry, 'C1')])
  const before = { cases: await h.count('cases'), events: await h.count('case_events'), envelopes: await h.count('envelopes'), deliveries: await h.count('deliveries') }

  const cases: Array<[string, string, string, unknown[], number, string]> = [
    ['unknown entry', 'JS', 'punishment.notice', [notice({ ...entry, entryId: 'nope' }, 'C9')], 422, 'ENTRY_UNKNOWN'],
    ['punishment on a red entry', 'JS', 'punishment.notice', [notice(red, 'C9')], 422, 'SCHEMA_INVALID'],
    ['another subject', 'JS', 'punishment.notice', [notice(entry, 'C9', { subject: red.subject })], 422, 'SUBJECT_MISMATCH'],
    ['feedback deadline before response deadline', 'JS', 'punishment.notice', [notice(entry, 'C9', { respondBy: '2026-12-20' })], 422, 'SCHEMA_INVALID'],
    ['a case id used twice', 'JS', 'punishment.notice', [notice(entry, 'C1')], 409, 'CASE_EXISTS'],
    ['feedback on an unknown case', 'SH', 'punishment.feedback', [feedback('JS', 'C404', 'acknowledged')], 422, 'CASE_UNKNOWN'],
    ['a measure not in the case', 'SH', 'punishment.feedback', [feedback('JS', 'C1', 'applied', 'restrict-honours')], 409, 'CASE_TRANSITION_INVALID'],
    ['the initiator implementing its own case', 'JS', 'punishment.feedback', [feedback('JS', 'C1', 'acknowledged')], 409, 'CASE_TRANSITION_INVALID'],
    ['applied without a date', 'SH', 'punishment.feedback', [{ ...feedback('JS', 'C1', 'applied', MEASURES[0]), appliedOn: undefined }], 422, 'SCHEMA_INVALID'],
    ['a second outcome for one measure', 'SH', 'punishment.feedback', [feedback('JS', 'C1', 'applied', MEASURES[0]), feedback('JS', 'C1', 'declined', MEASURES[0])], 409, 'CASE_TRANSITION_INVALID'],
    ['an unregistered measure', 'JS', 'punishment.notice', [notice(entry, 'C9', { measures: ['no-such-measure'] })], 422, 'MEASURE_UNKNOWN']
  ]
  for (const [name, iss, kind, items, status, code] of cases) {
    const r = await send(h, iss, kind as 'punishment.notice', JSON.parse(JSON.stringify(items)))
    t.equal(r.status, status, `${name}: ${status}`)
    t.equal(r.body.code, code, `${name}: ${code}`)
  }
  t.same({ cases: await h.count('cases'), events: await h.count('case_events'), envelopes: await h.count('envelopes'), deliveries: await h.count('deliveries') }, before, 'nothing of a refused message stored')
  t.equal(await h.count('security_log'), cases.length, 'one security-log line each')
})

t.test('deadlines move to working days; the sweep marks late platforms once and reminds each of them', async (t) => {
  const h = await startHarness(t)
  const entry = sampleEntry('JS', '320000', 1)
  await accept(h, 'JS', 'list.upsert', [entry])
  // 2026-10-01 is National Day: the response deadline moves to Thursday 8 October.
  await accept(h, 'JS', 'punishment.notice', [notice(entry, 'C1', { respondBy: '2026-10-01', feedbackBy: '2026-10-17' })])
  let c = (await read(h, '/v1/cases/JS/C1')).body
  t.equal(c.respondBy, '2026-10-08', 'a holiday deadline moves to the next working day')
  t.equal(c.feedbackBy, '2026-10-19', 'a Saturday deadline moves to Monday')
  await accept(h, 'SH', 'punishment.feedback', [feedback('JS', 'C1', 'acknowledged')])

  const onTheDay = await h.app.coordination.runNow(new Date('2026-10-08T15:59:00Z')) // 23:59 CST
  t.equal(onTheDay.reminders, 0, 'the deadline day counts to 24:00 China Standard Time')
  const after = await h.app.coordination.runNow(new Date('2026-10-08T16:01:00Z'))
  t.equal(after.reminders, 2, 'ZJ and AH have not responded')
  c = (await read(h, '/v1/cases/JS/C1')).body
  t.equal(c.overdue, true)
  t.same(c.platforms.map((p: { platform: string, overdue: { response: boolean } }) => `${p.platform}:${String(p.overdue.response)}`), ['SH:false', 'ZJ:true', 'AH:true'])
  const again = await h.app.coordination.runNow(new Date('2026-10-09T02:00:00Z'))
  t.equal(again.reminders, 0, 'one reminder per late step')
  const late = await h.app.coordination.runNow(new Date('2026-10-20T02:00:00Z'))
  t.equal(late.reminders, 3, 'feedback is late for all three')
  const notices = await h.db.query<{ destination: string, items: number }>(
    "SELECT d.destination, e.item_count AS items FROM envelopes e JOIN deliveries d USING (jti) WHERE e.iss = 'YRD' AND e.kind = 'gateway.notice' ORDER BY d.destination")
  t.same(notices.rows.map((r) => r.destination), ['AH', 'AH', 'SH', 'ZJ', 'ZJ'], 'reminders go to the late platform only')
  const overdueFirst = (await read(h, '/v1/cases?overdue=true')).body
  t.equal(overdueFirst.cases[0].caseId, 'C1')
  t.equal((await read(h, '/v1/cases?overdue=false&limit=5')).body.cases.length, 0)
  t.equal((await read(h, '/v1/cases?limit=0')).status, 400)
  const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7) // the case was opened this month (CST)
  const stats = (await read(h, `/v1/stats/coordination?from=${month}&to=${month}`)).body
  const js = stats.rows.find((r: { province: string }) => r.province === 'JS')
  t.equal(js.casesOpened, 1)
  t.equal(js.casesOverdue, 1)
  const sh = stats.rows.find((r: { province: string }) => r.province === 'SH')
  t.same(sh.responses, { onTime: 1, late: 0, missing: 0 })
  t.same(sh.feedback, { onTime: 0, late: 0, incomplete: 1 })
  const zj = stats.rows.find((r: { province: string }) => r.province === 'ZJ')
  t.same(zj.responses, { onTime: 0, late: 0, missing: 1 })
})

t.test('国办发〔2020〕49号 (十): a notice names only measures its entry carries (its own, or its list type\'s defaults)', async (t) => {
  const h = await startHarness(t)
  const entry = sampleEntry('JS', '320000', 1) // restrict-public-procurement, strict-supervision
  const bare = { ...sampleEntry('JS', '320000', 2), measures: [] } // food-drug defaults apply
  await accept(h, 'JS', 'list.upsert', [entry, bare])
  const before = { cases: await h.count('cases'), envelopes: await h.count('envelopes'), deliveries: await h.count('deliveries') }
  const beyond = await send(h, 'JS', 'punishment.notice', [notice(entry, 'C1', { measures: ['restrict-public-procurement', 'restrict-honours'] })])
  t.equal(beyond.status, 422)
  t.equal(beyond.body.code, 'MEASURE_NOT_APPLICABLE')
  t.match(beyond.body.errors, [{ index: 0, path: '/measures/1', code: 'MEASURE_NOT_APPLICABLE' }], 'the measure the entry does not carry is named')
  t.same({ cases: await h.count('cases'), envelopes: await h.count('envelopes'), deliveries: await h.count('deliveries') }, before, 'nothing of it stored')
  await accept(h, 'JS', 'punishment.notice', [notice(bare, 'C2', { measures: ['restrict-honours', 'restrict-government-funding'] })])
  t.same((await read(h, '/v1/cases/JS/C2')).body.measures, ['restrict-honours', 'restrict-government-funding'], 'an entry naming none carries its list type\'s defaults')
})

t.test('国发〔2016〕33号 (二十一): no case opens on an entry before its validFrom', async (t) => {
  const h = await startHarness(t)
  // Relative to the day the test runs: the listing starts in 30 days and lasts 36 months.
  const validFrom = chinaToday(new Date(Date.now() + 30 * 86400_000))
  const future = { ...sampleEntry('JS', '320000', 1), validFrom, validUntil: dayBefore(addMonths(validFrom, 36)) }
  await accept(h, 'JS', 'list.upsert', [future])
  const early = await send(h, 'JS', 'punishment.notice', [notice(future, 'C1')])
  t.equal(early.status, 409)
  t.equal(early.body.code, 'CASE_TRANSITION_INVALID')
  t.match(early.body.errors, [{ path: '/entryId', detail: /not in force before/ }])
  t.equal(await h.count('cases'), 0)
})
