import t from 'tap'
import { loadCalendars } from '../../config/load-calendars.js'
import { defaultConfigDir } from '../../config/load-config.js'
import { calendarGaps, deadlineCalendar, warnCalendarGaps } from '../../src/coordination/deadline-calendar.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { WEEKENDS_ONLY } from '../../src/punishment/working-days.js'
import { startHarness } from '../helpers/harness.js'
import { accept, notice, objection, read, repairRequest } from '../helpers/coordination-items.js'

const committed = loadCalendars(defaultConfigDir())

t.test('working-day deadlines (国发〔2016〕33号 (十七) counts 工作日) rest on the State Council\'s yearly holiday notice (国务院办公厅关于2026年部分节假日安排的通知): a case whose deadline falls in a year with a provisional or no calendar is flagged', async (t) => {
  const h = await startHarness(t)
  const entry = sampleEntry('JS', '320000', 1)
  await accept(h, 'JS', 'list.upsert', [entry])
  await accept(h, 'JS', 'punishment.notice', [
    notice(entry, 'C2026', { respondBy: '2026-12-01', feedbackBy: '2026-12-15' }),
    notice(entry, 'C2027', { respondBy: '2026-12-30', feedbackBy: '2027-01-20' }),
    notice(entry, 'C2028', { respondBy: '2027-12-30', feedbackBy: '2028-01-20' })
  ])
  const flags = async (caseId: string): Promise<unknown> => (await read(h, `/v1/cases/JS/${caseId}`)).body.deadlineCalendar
  t.same(await flags('C2026'), { respondBy: 'official', feedbackBy: 'official' }, 'CN-2026 is the official arrangement')
  t.same(await flags('C2027'), { respondBy: 'official', feedbackBy: 'provisional' }, 'CN-2027 is marked provisional')
  t.same(await flags('C2028'), { respondBy: 'provisional', feedbackBy: 'none' }, 'no calendar for 2028')
  const list = (await read(h, '/v1/cases')).body.cases as Array<{ caseId: string, deadlineCalendar: unknown }>
  t.same(list.find((c) => c.caseId === 'C2028')?.deadlineCalendar, { respondBy: 'provisional', feedbackBy: 'none' }, 'the list carries the flags too')
})

t.test('objection (国发〔2016〕33号 (二十二)) and repair (国办发〔2020〕49号 (十二)) deadlines on an entry\'s tracking are flagged the same way: a year with a provisional or no State Council 部分节假日安排的通知', async (t) => {
  const h = await startHarness(t)
  // Listed long enough ago (validFrom 2025-06-01) for a repair to be asked for.
  const objected = { ...sampleEntry('JS', '320000', 4), validFrom: '2025-06-01', validUntil: '2028-05-31' }
  const repaired = { ...sampleEntry('JS', '320000', 5), validFrom: '2025-06-01', validUntil: '2028-05-31' }
  await accept(h, 'JS', 'list.upsert', [objected, repaired])
  await accept(h, 'ZJ', 'objection.open', [{ ...objection(objected, 'O1'), lodgedOn: '2026-11-20' }])
  await accept(h, 'ZJ', 'repair.request', [repairRequest(repaired, 'R1', '2026-11-25')])
  const tracked = async (): Promise<unknown[]> => [
    (await read(h, `/v1/entries/JS/${objected.entryId}`)).body.objections[0],
    (await read(h, `/v1/entries/JS/${repaired.entryId}`)).body.repairs[0]
  ]
  t.match(await tracked(), [
    { answerBy: '2026-12-04', answerByCalendar: 'official' }, { decideBy: '2026-12-16', decideByCalendar: 'official' }
  ], 'CN-2026 is the official arrangement')
  // The deadlines as if lodged and requested in late 2026 and late 2027 (the dates themselves are not re-derived).
  await h.db.query("UPDATE objections SET answer_by = '2027-01-15'")
  await h.db.query("UPDATE repairs SET decide_by = '2028-01-10'")
  t.match(await tracked(), [
    { answerBy: '2027-01-15', answerByCalendar: 'provisional' }, { decideBy: '2028-01-10', decideByCalendar: 'none' }
  ], 'CN-2027 is provisional; 2028 has no calendar')
})

t.test('calendar coverage (one State Council 部分节假日安排的通知 per year): the horizon is this year and next, in China Standard Time, from the instant given', async (t) => {
  t.same(calendarGaps(committed, new Date('2026-06-01T00:00:00Z')), { uncovered: [], provisional: [2027] })
  t.same(calendarGaps(committed, new Date('2026-12-31T16:30:00Z')), { uncovered: [2028], provisional: [2027] }, '00:30 on 1 January 2027 in China: 2027 and 2028')
  t.same(calendarGaps(committed, new Date('2026-12-31T15:30:00Z')), { uncovered: [], provisional: [2027] }, 'still 2026 in China')
  t.same(calendarGaps(WEEKENDS_ONLY, new Date('2026-06-01T00:00:00Z')), { uncovered: [2026, 2027], provisional: [] })
  t.equal(deadlineCalendar('2026-02-27', committed), 'official')
  const lines: Array<Record<string, unknown>> = []
  const log = { warn: (obj: object, msg: string) => { lines.push({ ...obj, msg }) } }
  t.same(warnCalendarGaps(log, committed, new Date('2026-12-31T16:30:00Z')), { uncovered: [2028], provisional: [2027] })
  t.equal(lines.length, 1, 'one warning')
  t.match(lines[0], { calendarsMissing: [2028], calendarsProvisional: [2027], msg: /no official holiday calendar/ })
  const full = { ...committed, provisionalYears: new Set<number>(), years: new Set([2026, 2027]) }
  t.equal(warnCalendarGaps(log, full, new Date('2026-06-01T00:00:00Z')), undefined, 'nothing to warn about when both years are official')
  t.equal(lines.length, 1)
})

t.test('start-up warns once, naming the years of the horizon that lack an official calendar (no State Council 部分节假日安排的通知 in config/calendars)', async (t) => {
  const lines: string[] = []
  await startHarness(t, { logStream: { write: (line) => { lines.push(line) } } })
  const warnings = lines.map(
    (l) => JSON.parse(l) as { level: number, msg: string, calendarsMissing?: number[], calendarsProvisional?: number[] }
  )
    .filter((l) => l.level === 40 && /holiday calendar/.test(l.msg))
  // The committed files are CN-2026 (official) and CN-2027 (provisional): whatever the year the test
  // runs in, this year or next lacks an official one, and every year named does.
  t.equal(warnings.length, 1, 'one warning line')
  const named = [...(warnings[0]?.calendarsMissing ?? []), ...(warnings[0]?.calendarsProvisional ?? [])]
  t.ok(named.length > 0, 'it names years')
  t.ok(named.every((y) => !committed.years.has(y) || committed.provisionalYears.has(y)), 'each named year has no official calendar')
})
