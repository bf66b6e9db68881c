import t from 'tap'
import { parse } from 'csv-parse/sync'
import { startHarness, type Harness } from '../helpers/harness.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'

// The indicators of 浙政办发〔2021〕29号 (indicator table: 公共信用信息数据归集合规率 ≥ 98%, 约束性;
// 统一社会信用代码重错码率 ≤ 0.01%), measured per source. Every row is moved in the ledger to one fixed
// instant, so the figures do not depend on the day the test runs: Friday 9 October 2026, 10:00 in
// China Standard Time, right after the National Day holiday (1–7 October; Saturday 10 October is a
// makeup working day, config/calendars/CN-2026.json).
const ARRIVED = new Date('2026-10-09T10:00:00+08:00')
const MONTH = '2026-10'

const send = async (h: Harness, iss: string, items: unknown[]): Promise<number> => {
  const { jws } = await h.sign(iss, { kind: 'list.upsert', items })
  return (await h.post(jws)).status
}
const decided = (e: ListUpsertItemV1, on: string): ListUpsertItemV1 => (
  { ...e, decision: { ...e.decision, decidedOn: on } }
)
const named = (e: ListUpsertItemV1, name: string, creditCode: string): ListUpsertItemV1 => ({ ...e, subject: { ...e.subject, type: 'enterprise', name, creditCode } })

/** Everything the ledger holds was received at `at`. */
async function receivedAt (h: Harness, at: Date): Promise<void> {
  await h.db.query('UPDATE envelopes SET received_at = $1', [at])
  await h.db.query('UPDATE entry_history SET recorded_at = $1', [at])
  await h.db.query('UPDATE entries SET updated_at = $1, created_at = $1', [at])
}

interface Row {
  source: string
  month: string
  creditCodes: { items: number, duplicates: number }
  freshness: Record<string, number | null>
  compliance: Record<string, unknown>
  domains: Record<string, { upserts: number, removals: number }>
}
async function report (h: Harness, query = ''): Promise<{ rows: Row[], coverage: Array<{ platform: string, domain: string, entries: number, lastChangedAt: string | null }> }> {
  const res = await h.app.inject({ url: `/v1/quality?from=${MONTH}&to=${MONTH}${query}`, headers: { authorization: `Bearer ${await h.adminToken('auditor')}` } })
  if (res.statusCode !== 200) throw new Error(`GET /v1/quality: ${res.statusCode} ${res.body}`)
  return res.json()
}

t.test('浙政办发〔2021〕29号 indicator table, 国发〔2016〕33号 (十七): 归集合规率 counts entries arriving complete within 7 working days of the decision, in working days', async (t) => {
  const h = await startHarness(t)
  const z1 = decided(sampleEntry('ZJ', '330000', 1), '2026-09-28') // 11 calendar days, 4 working days (29, 30 Sept, 8, 9 Oct)
  const z2 = decided(sampleEntry('ZJ', '330000', 2), '2026-09-18') // 21 calendar days, 10 working days (Sunday 20 Sept was one)
  const z3 = decided(sampleEntry('ZJ', '330000', 3), '2026-09-28') // on time, but its document number is a placeholder
  z3.decision = { ...z3.decision, documentNumber: '无' }
  const z4 = decided(sampleEntry('ZJ', '330000', 4), '2026-10-09') // the same day
  t.equal(await send(h, 'ZJ', [z1, z2, z3, z4]), 202)
  await receivedAt(h, ARRIVED)

  const zj = (await report(h, '&platform=ZJ')).rows.find((r) => r.source === 'ZJ') as Row
  t.same(zj.compliance, {
    entries: 4, complete: 3, timely: 3, compliant: 2, rate: 0.5, workingDays: 7, target: 0.98, meetsTarget: false
  },
  'complete: 3 of 4; timely: 3 of 4 (z1 is 11 calendar days late but 4 working days on time); compliant: z1 and z4')
  t.same(zj.freshness, {
    entries: 4, medianDays: 11, p90Days: 21, maxDays: 21, medianWorkingDays: 4, p90WorkingDays: 10, maxWorkingDays: 10
  },
  'timeliness in working days (0, 4, 4, 10) next to calendar days (0, 11, 11, 21)')

  const csv = await h.app.inject({ url: `/v1/quality?from=${MONTH}&to=${MONTH}&platform=ZJ&format=csv`, headers: { authorization: `Bearer ${await h.adminToken('auditor')}` } })
  const line = (parse(csv.body, { columns: true }) as Array<Record<string, string>>).find((r) => r.source === 'ZJ')
  t.same([line?.compliance_rate, line?.compliance_meets_target, line?.fresh_median_working_days], ['0.5', 'false', '4'])
})

t.test('浙政办发〔2021〕29号 二 (一) 2: 统一社会信用代码重错码率 counts no rename and no full-/half-width bracket variant of a name as a duplicate', async (t) => {
  const h = await startHarness(t)
  const code = (n: number): string => sampleEntry('SH', '310000', n).subject.creditCode as string
  // One subject, its name written with full-width and with half-width brackets.
  const b1 = named(sampleEntry('SH', '310000', 1), '华东食品（上海）有限公司', code(1))
  const b2 = named(sampleEntry('SH', '310000', 2), '华东食品(上海)有限公司', code(1))
  // A renamed subject: r1 is sent again under its new name, r2 still carries the old one.
  const r1 = named(sampleEntry('SH', '310000', 3), '长江环保科技有限公司', code(3))
  const r2 = named(sampleEntry('SH', '310000', 4), '长江环保科技有限公司', code(3))
  // One code, two subjects: a wrong code.
  const d1 = named(sampleEntry('SH', '310000', 5), '江南旅游发展有限公司', code(5))
  const d2 = named(sampleEntry('SH', '310000', 6), '皖南质检设备有限公司', code(5))
  t.equal(await send(h, 'SH', [b1, b2, r1, r2, d1, d2]), 202)
  t.equal(await send(h, 'SH', [{ ...named(r1, '长江绿色科技有限公司', code(3)), version: 2 }]), 202)
  await receivedAt(h, ARRIVED)

  const sh = (await report(h, '&platform=SH')).rows.find((r) => r.source === 'SH') as Row
  t.same(sh.creditCodes.items, 7)
  t.equal(sh.creditCodes.duplicates, 2, 'only d1 and d2: 一码多主')
})

t.test('浙政办发〔2021〕29号 二 (一) 2 (归集及时性、全面性): coverage per domain as well as per platform', async (t) => {
  const h = await startHarness(t)
  const red: ListUpsertItemV1 = { ...sampleEntry('ZJ', '330000', 7, { listType: 'red' }), domain: 'ecology', measures: [{ code: 'fast-track-approval', mandatory: false }] }
  t.equal(await send(h, 'ZJ', [sampleEntry('ZJ', '330000', 1), sampleEntry('ZJ', '330000', 2), red]), 202)
  await receivedAt(h, ARRIVED)
  const r = await report(h)
  const zj = r.rows.find((x) => x.source === 'ZJ') as Row
  t.same(zj.domains, { 'food-drug': { upserts: 2, removals: 0 }, ecology: { upserts: 1, removals: 0 } })
  t.same((r.rows.find((x) => x.source === 'SH') as Row).domains, {}, 'SH sent nothing')
  const cell = (platform: string, domain: string): unknown => r.coverage.find(
    (c) => c.platform === platform && c.domain === domain
  )
  t.same(cell('ZJ', 'food-drug'), { platform: 'ZJ', domain: 'food-drug', entries: 2, lastChangedAt: ARRIVED.toISOString() })
  t.same(cell('ZJ', 'tourism'), { platform: 'ZJ', domain: 'tourism', entries: 0, lastChangedAt: null }, 'a registry domain ZJ holds nothing of')
  t.same(cell('SH', 'ecology'), { platform: 'SH', domain: 'ecology', entries: 0, lastChangedAt: null })
  t.equal(r.coverage.length, 4 * new Set(r.coverage.map((c) => c.domain)).size, 'every platform × every domain')
})
