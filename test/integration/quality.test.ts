import t from 'tap'
import { parse } from 'csv-parse/sync'
import { startHarness, type Harness } from '../helpers/harness.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import { currentMonth } from '../../src/quality/quality-routes.js'

const send = async (h: Harness, iss: string, kind: 'list.upsert' | 'list.remove', items: unknown[]): Promise<{ status: number, code: string, jti: string }> => {
  const { jws, jti } = await h.sign(iss, { kind, items })
  const res = await h.post(jws)
  return { status: res.status, code: String(res.body.code ?? ''), jti }
}

/** A date `n` days before today in China Standard Time. */
const daysAgo = (n: number): string => {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date())
  const d = new Date(`${today}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() - n)
  return d.toISOString().slice(0, 10)
}
// The subject is told (告知, 国办发〔2020〕49号 (八)) on the day of the decision, whatever day that is.
const decided = (e: ListUpsertItemV1, n: number): ListUpsertItemV1 => ({
  ...e,
  decision: { ...e.decision, decidedOn: daysAgo(n) },
  ...(e.notification === undefined ? {} : { notification: { ...e.notification, notifiedOn: daysAgo(n) } })
})
const previousMonth = (m: string): string => {
  const [y, mo] = m.split('-').map(Number) as [number, number]
  return mo === 1 ? `${y - 1}-12` : `${y}-${String(mo - 1).padStart(2, '0')}`
}

type Row = {
  source: string
  month: string
  envelopes: Record<string, unknown>
  items: Record<string, number>
  completeness: Array<{ field: string, present: number, of: number, rate: number | null }>
  creditCodes: Record<string, unknown>
  freshness: Record<string, unknown>
  contradictions: Record<string, number>
}

t.test('quality figures per source and month match the seeded envelopes exactly, in JSON and CSV', async (t) => {
  const h = await startHarness(t)
  // Shanghai: four entries in one envelope, one removed later.
  const s1 = decided(sampleEntry('SH', '310000', 1), 30)
  const s2 = decided(sampleEntry('SH', '310000', 2), 10)
  s2.decision = { ...s2.decision, documentNumber: '无' }
  const s3 = decided(sampleEntry('SH', '310000', 3, { person: true }), 2)
  const s4base = decided(sampleEntry('SH', '310000', 4), 100)
  // One credit code, two names: s4 reuses s1's code for another company; no measures, no period, no persons.
  // No period is legal only on a list type without a fixed maximum (国发〔2016〕33号 (二十一)): the courts'.
  const { validUntil: _v, ...s4rest } = s4base
  const s4: ListUpsertItemV1 = {
    ...s4rest,
    listCode: 'court-dishonest-debtor',
    domain: 'court',
    severeCategory: 'legal-obligation',
    repairable: false,
    subject: { type: 'enterprise', name: '另一家贸易有限公司', creditCode: s1.subject.creditCode },
    decision: { ...s4base.decision, documentType: 'other' },
    measures: []
  }
  t.equal((await send(h, 'SH', 'list.upsert', [s1, s2, s3, s4])).status, 202)
  t.equal((await send(h, 'SH', 'list.remove', [{ entryId: s2.entryId, owner: 'SH', version: 2, reason: 'repair', basis: '信用修复决定', effectiveOn: daysAgo(0) }])).status, 202)

  // Zhejiang: a red-list entry about s1's subject (又红又黑 across provinces).
  const z1: ListUpsertItemV1 = { ...sampleEntry('ZJ', '330000', 1, { listType: 'red' }), subject: s1.subject, measures: [{ code: 'fast-track-approval', mandatory: false }] }
  t.equal((await send(h, 'ZJ', 'list.upsert', [z1])).status, 202)

  // Jiangsu: one accepted, three refused (a wrong credit code, a missing document number, someone else's entry).
  t.equal((await send(h, 'JS', 'list.upsert', [sampleEntry('JS', '320000', 1)])).status, 202)
  const bad = sampleEntry('JS', '320000', 2)
  const code = bad.subject.creditCode as string
  bad.subject = { ...bad.subject, creditCode: code.slice(0, 17) + (code.endsWith('Y') ? 'W' : 'Y') }
  t.same(await send(h, 'JS', 'list.upsert', [sampleEntry('JS', '320000', 3), bad]).then((r) => [r.status, r.code]), [422, 'USCC_INVALID'])
  const { documentNumber: _d, ...noNumber } = sampleEntry('JS', '320000', 4).decision
  t.same(await send(h, 'JS', 'list.upsert', [{ ...sampleEntry('JS', '320000', 4), decision: noNumber }]).then((r) => [r.status, r.code]), [422, 'SCHEMA_INVALID'])
  t.same(await send(h, 'JS', 'list.upsert', [sampleEntry('SH', '310000', 9)]).then((r) => [r.status, r.code]), [403, 'NOT_OWNER'])
  // Bytes that are no envelope at all: nobody to attribute them to.
  t.equal((await h.post('not-a-jws')).status, 400)

  // Anhui: one envelope last month, backdated in the ledger to the middle of the previous month (China
  // Standard Time), computed from this month's start so the test holds on every day of every month.
  const a1 = await send(h, 'AH', 'list.upsert', [sampleEntry('AH', '340000', 1)])
  const month = currentMonth()
  const prev = previousMonth(month)
  const lastMonth = new Date(`${prev}-15T12:00:00+08:00`)
  await h.db.query('UPDATE envelopes SET received_at = $2 WHERE jti = $1', [a1.jti, lastMonth])
  await h.db.query('UPDATE entry_history SET recorded_at = $2 WHERE jti = $1', [a1.jti, lastMonth])
  await h.db.query('UPDATE entries SET updated_at = $2, created_at = $2 WHERE last_jti = $1', [a1.jti, lastMonth])

  const admin = await h.adminToken('auditor')
  const res = await h.app.inject({ url: `/v1/quality?from=${prev}&to=${month}`, headers: { authorization: `Bearer ${admin}` } })
  t.equal(res.statusCode, 200)
  const report = res.json() as { rows: Row[], timeZone: string }
  t.equal(report.timeZone, 'Asia/Shanghai')
  t.same(report.rows.map((r) => [r.month, r.source]), [
    [prev, 'SH'], [prev, 'JS'], [prev, 'ZJ'], [prev, 'AH'],
    [month, 'SH'], [month, 'JS'], [month, 'ZJ'], [month, 'AH'], [month, 'unattributed']
  ], 'every platform every month, zeros included; unattributed refusals apart')
  const row = (m: string, s: string): Row => report.rows.find((r) => r.month === m && r.source === s) as Row

  const sh = row(month, 'SH')
  t.same(sh.envelopes, { received: 2, accepted: 2, refused: 0, rejectionRate: 0, acceptedByKind: { 'list.upsert': 1, 'list.remove': 1 }, refusedByReason: {} })
  t.same(sh.items, { accepted: 5, upserts: 4, removals: 1 })
  t.same(Object.fromEntries(sh.completeness.map((c) => [c.field, [c.present, c.of]])), {
    'subject.creditCode': [3, 3],
    'subject.idNumber': [1, 1],
    'subject.name': [4, 4],
    'decision.authority': [4, 4],
    'decision.authorityCode': [0, 4],
    'decision.documentType': [3, 4],
    'decision.documentName': [4, 4],
    'decision.documentNumber': [3, 4],
    'decision.decidedOn': [4, 4],
    legalBasis: [4, 4],
    facts: [4, 4],
    measures: [3, 4],
    exitConditions: [4, 4],
    remedies: [4, 4],
    validUntil: [3, 4],
    severeCategory: [4, 4],
    'subject.responsiblePersons': [2, 3]
  }, 'completeness: a placeholder (无) and "other" count as missing')
  t.equal(sh.completeness.find((c) => c.field === 'decision.documentNumber')?.rate, 0.75)
  t.same(sh.creditCodes, {
    items: 3,
    duplicates: 2,
    duplicateRate: 2 / 3,
    refusedItems: 0,
    refusedInvalid: 0,
    errorRate: 2 / 3,
    indicator: 0.0001,
    meetsIndicator: false
  },
  'one code for two names: both entries count')
  // Calendar days here; the working days depend on the day the test runs (quality-indicators.test.ts pins them).
  t.match(sh.freshness, { entries: 4, medianDays: 10, p90Days: 100, maxDays: 100 }, 'days from decision to arrival: 2, 10, 30, 100')
  t.same(sh.contradictions, { entries: 2, acrossProvinces: 2 }, 's1 and s4 share the code ZJ lists as red')

  const js = row(month, 'JS')
  t.same(js.envelopes, { received: 4, accepted: 1, refused: 3, rejectionRate: 0.75, acceptedByKind: { 'list.upsert': 1 }, refusedByReason: { USCC_INVALID: 1, SCHEMA_INVALID: 1, NOT_OWNER: 1 } })
  t.same(js.items, { accepted: 1, upserts: 1, removals: 0 })
  t.same(
    js.creditCodes,
    {
      items: 1,
      duplicates: 0,
      duplicateRate: 0,
      refusedItems: 4,
      refusedInvalid: 1,
      errorRate: 1 / 5,
      indicator: 0.0001,
      meetsIndicator: false
    }
  )
  t.equal(js.freshness.entries, 1)

  const zj = row(month, 'ZJ')
  t.same(
    [zj.envelopes.accepted, zj.envelopes.refused, zj.creditCodes.meetsIndicator, zj.contradictions],
    [1, 0, true, { entries: 1, acrossProvinces: 1 }]
  )

  const ah = row(month, 'AH')
  t.same([ah.envelopes.received, ah.envelopes.rejectionRate, ah.completeness[0]?.rate, ah.freshness.medianDays], [0, null, null, null], 'nothing sent this month: zeros, no rates')
  t.same([row(prev, 'AH').envelopes.accepted, row(prev, 'AH').items.upserts, row(prev, 'SH').envelopes.received], [1, 1, 0], 'last month\'s envelope counted in its month')
  t.same(row(month, 'unattributed').envelopes.refusedByReason, { ENVELOPE_MALFORMED: 1 })

  // The security log holds exactly the refusals counted, and nothing of their content.
  t.equal(await h.count('security_log'), 4)

  // CSV: the same figures, one line per source and month.
  const csvRes = await h.app.inject({ url: `/v1/quality?from=${month}&to=${month}&format=csv`, headers: { authorization: `Bearer ${admin}` } })
  t.match(csvRes.headers['content-type'], /^text\/csv/)
  const records = parse(csvRes.body, { columns: true }) as Array<Record<string, string>>
  t.equal(records.length, 5)
  const shCsv = records.find((r) => r.source === 'SH')
  t.same([shCsv?.envelopes_received, shCsv?.['decision.documentNumber_present'], shCsv?.['decision.documentNumber_of'], shCsv?.credit_code_duplicates, shCsv?.fresh_median_days],
    ['2', '3', '4', '2', '10'])
  t.equal(records.find((r) => r.source === 'JS')?.refused_by_reason, 'NOT_OWNER=1;SCHEMA_INVALID=1;USCC_INVALID=1')
  const byAccept = await h.app.inject({ url: `/v1/quality?from=${month}&to=${month}&platform=JS`, headers: { authorization: `Bearer ${admin}`, accept: 'text/csv' } })
  const jsOnly = parse(byAccept.body, { columns: true }) as Array<Record<string, string>>
  t.same(jsOnly.map((r) => [r.source, r.envelopes_refused, r.rejection_rate]), [['JS', '3', '0.75']], 'Accept: text/csv, one platform')
})

t.test('quality is for admin roles only, and checks its window', async (t) => {
  const h = await startHarness(t)
  const get = async (url: string, token?: string): Promise<[number, string | undefined]> => {
    const res = await h.app.inject({ url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } })
    return [res.statusCode, res.statusCode === 200 ? undefined : res.json().code]
  }
  t.same(await get('/v1/quality'), [401, 'UNAUTHORIZED'])
  t.same(await get('/v1/quality', await h.platformToken('SH')), [403, 'FORBIDDEN'], 'a platform does not see the others\' quality')
  for (const role of ['admin', 'operator', 'auditor'] as const) t.same(await get('/v1/quality', await h.adminToken(role)), [200, undefined], role)
  const admin = await h.adminToken('admin')
  t.same(await get('/v1/quality?from=2026-05&to=2026-01', admin), [400, 'BAD_REQUEST'])
  t.same(await get('/v1/quality?from=2020-01&to=2026-01', admin), [400, 'BAD_REQUEST'])
  t.same(await get('/v1/quality?from=2026-13', admin), [400, 'BAD_REQUEST'])
  t.same(await get('/v1/quality?platform=XX', admin), [400, 'BAD_REQUEST'])
  const res = await h.app.inject({ url: '/v1/quality', headers: { authorization: `Bearer ${admin}` } })
  t.equal((res.json() as { rows: unknown[] }).rows.length, 12 * 4, 'default: the 12 months up to this one, four platforms')
})

t.test('every invalid credit code of a refused envelope counts, beyond the 100 errors reported', async (t) => {
  const h = await startHarness(t)
  const items = Array.from({ length: 150 }, (_, i) => {
    const e = sampleEntry('AH', '340000', i + 1)
    if (i < 120) {
      const code = e.subject.creditCode as string
      e.subject = { ...e.subject, creditCode: code.slice(0, 17) + (code.endsWith('Y') ? 'W' : 'Y') }
    }
    return e
  })
  const refused = await send(h, 'AH', 'list.upsert', items)
  t.same([refused.status, refused.code], [422, 'USCC_INVALID'])
  const log = await h.db.query('SELECT item_count, credit_code_items, invalid_credit_codes FROM security_log')
  t.same(log.rows, [{ item_count: 150, credit_code_items: 150, invalid_credit_codes: 120 }], 'counts only, no content')
  const month = currentMonth()
  const res = await h.app.inject({ url: `/v1/quality?from=${month}&to=${month}&platform=AH`, headers: { authorization: `Bearer ${await h.adminToken('auditor')}` } })
  const ah = res.json().rows.find((r: { source: string }) => r.source === 'AH')
  t.equal(ah.creditCodes.refusedInvalid, 120)
  t.equal(ah.creditCodes.refusedItems, 150)
  t.equal(ah.creditCodes.errorRate, 120 / 150)
})
