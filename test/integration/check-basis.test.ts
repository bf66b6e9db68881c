import t from 'tap'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import { sampleDay, sampleEntry } from '../../sim/sample-entries.js'
import { addMonths, dayBefore } from '../../src/envelopes/validity-period.js'
import { startHarness, type Harness } from '../helpers/harness.js'
import { accept, notice, read, send } from '../helpers/coordination-items.js'

// Issue 13 item 2: a provincial list binds outside its province only on a basis — a regional
// memorandum (合作备忘录) signed by the owner and the asker's province — or when the list is national.

/** A Shanghai tourism black-list entry (the regional lead domain of Shanghai). */
function tourismEntry (n: number): ListUpsertItemV1 {
  return {
    ...sampleEntry('SH', '310000', n),
    listCode: 'sh-tourism-serious-violation',
    domain: 'tourism',
    severeCategory: 'market-order',
    measures: [
      { code: 'restrict-public-procurement', mandatory: true },
      { code: 'sh-restrict-tourism-grading', mandatory: false },
      { code: 'strict-supervision', mandatory: false }
    ]
  }
}

/** A Jiangsu food-drug key-supervision entry: a provincial list no memorandum names. */
function jsKeySupervision (n: number): ListUpsertItemV1 {
  return {
    ...sampleEntry('JS', '320000', n, { listType: 'key-supervision' }),
    listCode: 'js-food-drug-key-supervision',
    domain: 'food-drug',
    // Jiangsu's key-supervision list lists for 12 months at most (config/registries/JS.json): from today.
    validFrom: sampleDay(),
    validUntil: dayBefore(addMonths(sampleDay(), 12)),
    measures: [{ code: 'js-increase-sampling', mandatory: false }, { code: 'strict-supervision', mandatory: false }]
  }
}

type Measure = {
  code: string,
  applies: boolean,
  notes: string[],
  bases: Array<{ entry: string, kind: string, ref: string | null, name: string | null }>
}

async function check (
  h: Harness, asker: string, subject: string, decisionType: string
): Promise<{ measures: Measure[], receipt: string }> {
  const res = await h.app.inject({
    method: 'POST', url: '/v1/checks', headers: { authorization: `Bearer ${await h.platformToken(asker)}` }, payload: { subject, purpose: 'basis test', decisionType }
  })
  if (res.statusCode !== 200) throw new Error(`check failed: ${res.body}`)
  return res.json()
}

t.test('浙政办发〔2021〕29号 (五) 第26项: a Shanghai tourism entry binds a Zhejiang check under the regional tourism memorandum, and the answer names the basis', async (t) => {
  const h = await startHarness(t)
  const tourism = tourismEntry(1)
  await accept(h, 'SH', 'list.upsert', [tourism])
  const code = tourism.subject.creditCode as string
  const ref = `SH:${tourism.entryId}`

  const grading = await check(h, 'ZJ', code, 'grading-certification')
  t.same(grading.measures.map((m) => [m.code, m.applies, m.bases]), [
    ['sh-restrict-tourism-grading', true, [{ entry: ref, kind: 'memorandum', ref: 'yrd-tourism-memorandum', name: '长三角旅游领域信用联合奖惩合作备忘录' }]]
  ], 'a Zhejiang grading decision is bound by the Shanghai tourism list, and says on which memorandum')
  const procurement = await check(h, 'AH', code, 'public-procurement')
  t.same(procurement.measures.map((m) => [m.code, m.applies, m.bases.map((b) => b.kind)]), [['restrict-public-procurement', true, ['memorandum']]])

  // A measure of the entry that the memorandum does not name stays information only outside Shanghai.
  const supervision = await check(h, 'ZJ', code, 'routine-supervision')
  t.same(supervision.measures.map((m) => [m.code, m.applies, m.bases.map((b) => b.kind), m.notes]), [
    ['strict-supervision', false, ['none'], [`${ref}: information only outside SH (a provincial list type; no memorandum signed by SH and ZJ binds strict-supervision)`]]
  ])
  const atHome = await check(h, 'SH', code, 'routine-supervision')
  t.same(atHome.measures.map((m) => [m.code, m.applies, m.bases]), [
    ['strict-supervision', true, [{ entry: ref, kind: 'own-province', ref: 'sh-tourism-serious-violation', name: '旅游市场严重失信主体名单（上海）' }]]
  ], 'at home the list binds on its own')

  // The receipt signs that it applies; the basis is in the answer its digest covers.
  const claims = JSON.parse(Buffer.from(grading.receipt.split('.')[1] as string, 'base64url').toString()) as { mode: string, answered: { measures: unknown[] } }
  t.same([claims.mode, claims.answered.measures], ['full', [{ code: 'sh-restrict-tourism-grading', applies: true }]])
})

t.test('国办发〔2020〕49号 (七): a list in force only locally (地方范围内实施) is information only outside its province where no memorandum names it; a national list (在全国范围内实施) binds everywhere', async (t) => {
  const h = await startHarness(t)
  const ks = jsKeySupervision(1)
  const national = { ...sampleEntry('AH', '340000', 2), subject: ks.subject }
  await accept(h, 'JS', 'list.upsert', [ks])
  await accept(h, 'AH', 'list.upsert', [national])
  const answer = await check(h, 'ZJ', ks.subject.creditCode as string, 'routine-supervision')
  t.same(answer.measures.map((m) => [m.code, m.applies, m.bases.map((b) => [b.entry, b.kind, b.ref]).sort()]), [
    ['js-increase-sampling', false, [[`JS:${ks.entryId}`, 'none', null]]],
    ['strict-supervision', true, [[`AH:${national.entryId}`, 'national', 'food-drug-serious-violation'], [`JS:${ks.entryId}`, 'none', null]]]
  ], 'the national entry binds Zhejiang; the Jiangsu key-supervision list does not')
})

t.test('浙政办发〔2021〕29号 (五) 第26项: open-cases makes other provinces implement a provincial list only under a memorandum', async (t) => {
  const h = await startHarness(t)
  const tourism = tourismEntry(3)
  const ks = jsKeySupervision(4)
  await accept(h, 'SH', 'list.upsert', [tourism])
  await accept(h, 'JS', 'list.upsert', [ks])

  await accept(h, 'SH', 'punishment.notice', [notice(tourism, 'T1', { measures: ['sh-restrict-tourism-grading', 'restrict-public-procurement'] })])
  const c = (await read(h, '/v1/cases/SH/T1')).body
  t.same(c.platforms.map((p: { platform: string }) => p.platform).sort(), ['AH', 'JS', 'ZJ'], 'every signatory of the tourism memorandum implements it')

  const none = await send(h, 'JS', 'punishment.notice', [notice(ks, 'K1', { measures: ['js-increase-sampling'] })])
  t.same([none.status, none.body.code], [409, 'CASE_TRANSITION_INVALID'], 'a provincial list without a memorandum makes no other province implement it')
  t.match((none.body.errors as Array<{ detail: string }>)[0]?.detail, /information only outside JS/)

  const partly = await send(h, 'SH', 'punishment.notice', [notice(tourism, 'T2', { measures: ['sh-restrict-tourism-grading', 'strict-supervision'] })])
  t.same([partly.status, partly.body.code], [409, 'CASE_TRANSITION_INVALID'], 'a measure the memorandum does not name is not made binding')
  t.match((partly.body.errors as Array<{ path: string, detail: string }>)[0], { path: '/measures', detail: /strict-supervision/ })
  t.equal(await h.count('cases'), 1, 'only the bound case opened')
})
