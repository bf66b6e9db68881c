import t from 'tap'
import { createHash } from 'node:crypto'
import { createLocalJWKSet, jwtVerify, type JWK } from 'jose'
import { startHarness, type Harness } from '../helpers/harness.js'
import { sampleDay, sampleEntry, sampleIdNumber, sampleUscc } from '../../sim/sample-entries.js'
import { canonicalJson } from '../../src/canonical/canonical-json.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import { ID_NUMBER_SHAPE } from '../helpers/id-number-shape.js'

// 落实到人: a person who is the legal representative, principal or actual controller of a listed
// organisation is found through it, by checks and by the subject view (issue 13, item 1).

async function send (h: Harness, iss: string, kind: 'list.upsert' | 'list.remove', items: unknown[]): Promise<void> {
  const { jws } = await h.sign(iss, { kind, items })
  const res = await h.post(jws)
  if (res.status !== 202) throw new Error(`${kind} failed: ${JSON.stringify(res.body)}`)
}

interface Through { roles: string[], subjectId: string, subjectType: string }
interface Answer {
  checkId: string
  receipt: string
  subject: { id: string, kind: string }
  entries: unknown[]
  measures: Array<{ code: string, applies: boolean, entries: string[] }>
  asResponsiblePerson: {
    entries: Array<{
      owner: string,
      entryId: string,
      version: number,
      status: string,
      listType: string,
      subjectName: string,
      through: Through
    }>
    measures: Array<{ code: string, applies: boolean, entries: string[], legalBasis: string }>
  }
}

async function check (
  h: Harness, asker: string, subject: string, decisionType: string
): Promise<{ status: number, body: Answer, raw: string }> {
  const res = await h.app.inject({
    method: 'POST', url: '/v1/checks', headers: { authorization: `Bearer ${await h.platformToken(asker)}` }, payload: { subject, purpose: '任职资格审查 2026-07', decisionType }
  })
  return { status: res.statusCode, body: res.json(), raw: res.body }
}

interface ViewThrough {
  owner: string,
  entryId: string,
  status: string,
  through: Through,
  personMeasures: string[],
  entry: { subject: { responsiblePersons: Array<{ idNumber?: string }> } }
}
async function view (h: Harness, id: string): Promise<{
  status: number, body: { entries: unknown[], asResponsiblePerson: ViewThrough[] }, raw: string
}> {
  const res = await h.app.inject({ url: `/v1/subjects/${id}/entries`, headers: { authorization: `Bearer ${await h.platformToken('ZJ')}`, 'x-query-purpose': encodeURIComponent('法定代表人任职审查') } })
  return { status: res.statusCode, body: res.json(), raw: res.body }
}

const repOf = (e: ListUpsertItemV1): string => e.subject.responsiblePersons?.[0]?.idNumber as string
const masked = (id: string): string => `${id.slice(0, 4)}**********${id.slice(14)}`

/** A food-drug black-list entry of SH about a company whose legal representative is `rep`, calling also for
 * restrict-honours. */
function company (n: number, persons?: ListUpsertItemV1['subject']['responsiblePersons']): ListUpsertItemV1 {
  const e = sampleEntry('SH', '310000', n)
  return {
    ...e,
    subject: persons === undefined ? e.subject : { ...e.subject, responsiblePersons: persons },
    measures: [...(e.measures ?? []), { code: 'restrict-honours', mandatory: false, description: '取消参加评先评优资格' }]
  }
}

t.test('国发〔2016〕33号 (十四): a check on a legal representative finds the company\'s entry through that role, apart, with the measures reaching persons (国发〔2016〕33号 (十)), counted in the receipt', async (t) => {
  const h = await startHarness(t)
  const entry = company(1)
  await send(h, 'SH', 'list.upsert', [entry])
  const rep = repOf(entry)
  const code = entry.subject.creditCode as string

  const res = await check(h, 'AH', rep, 'honours-selection')
  t.equal(res.status, 200)
  const a = res.body
  t.same(a.entries, [], 'the person has no entry of their own')
  t.same(a.asResponsiblePerson.entries.map(
    (e) => [e.owner, e.entryId, e.version, e.status, e.listType, e.subjectName, e.through]
  ), [
    ['SH', entry.entryId, 1, 'active', 'black', entry.subject.name, { roles: ['legal-representative'], subjectId: code, subjectType: 'enterprise' }]
  ], 'listed through the company, as its legal representative')
  t.same(a.asResponsiblePerson.measures.map((m) => [m.code, m.applies, m.entries]), [['restrict-honours', true, [`SH:${entry.entryId}`]]],
    '33号 (十): honours withdrawn from the legal representative of a seriously dishonest company')
  t.match(a.asResponsiblePerson.measures[0]?.legalBasis, /国发〔2016〕33号 \(十\)/)
  t.same(a.measures, [], 'no measure on the person\'s own account')
  t.equal(a.subject.id, masked(rep))
  t.notMatch(res.raw, ID_NUMBER_SHAPE, 'no identity number in clear in the answer')

  // The receipt counts them, and its digest covers the section as received.
  const jwks = (await h.app.inject({ url: '/.well-known/jwks.json' })).json() as { keys: JWK[] }
  const { payload } = await jwtVerify(a.receipt, createLocalJWKSet(jwks), { typ: 'yrd-check-receipt+jwt' })
  const answered = payload.answered as {
    entries: unknown[], asResponsiblePerson: { entries: unknown[], measures: unknown[] }, digest: string
  }
  t.same(answered.entries, [])
  t.same(answered.asResponsiblePerson, {
    entries: [{ owner: 'SH', entryId: entry.entryId, version: 1, status: 'active', listType: 'black', roles: ['legal-representative'] }],
    measures: [{ code: 'restrict-honours', applies: true }]
  }, 'the signed receipt names the entry found through the role and the measure reaching the person')
  const { receipt: _r, ...withoutReceipt } = JSON.parse(res.raw) as Record<string, unknown>
  t.equal(answered.digest, createHash('sha256').update(canonicalJson(withoutReceipt)).digest('base64url'))
  t.notMatch(JSON.stringify(payload), ID_NUMBER_SHAPE, 'no identity number in clear in the receipt')
  const logged = await h.db.query("SELECT result_count FROM query_log WHERE route = 'POST /v1/checks'")
  t.same(logged.rows.map((r) => r.result_count), [1], 'the query log counts the entry found through the role')

  // A measure without a basis for persons does not reach them: the entry is shown, no measure.
  const procurement = await check(h, 'AH', rep, 'public-procurement')
  t.same(procurement.body.asResponsiblePerson.entries.map((e) => e.entryId), [entry.entryId])
  t.same(procurement.body.asResponsiblePerson.measures, [], 'procurement restricts the company, not its legal representative')

  // Not clean: counted in the statistics, and the owner hears what came of it.
  const stats = (await h.app.inject({ url: '/v1/checks/stats', headers: { authorization: `Bearer ${await h.adminToken('auditor')}` } })).json() as { checks: number, withEntries: number }
  t.same([stats.checks, stats.withEntries], [2, 2], 'both checks found an entry')
  const outcome = await h.app.inject({
    method: 'POST', url: `/v1/checks/${a.checkId}/outcome`, headers: { authorization: `Bearer ${await h.platformToken('AH')}` }, payload: { outcome: 'refused' }
  })
  t.equal(outcome.statusCode, 201)
  t.same((outcome.json() as { notices: Array<{ platform: string }> }).notices.map((n) => n.platform), ['SH'], 'the owner of the company\'s entry is told')
})

t.test('中办发〔2016〕64号: the legal representative and the actual controller of a 失信被执行人 company are restricted through its listing, each by the measures reaching their role', async (t) => {
  const h = await startHarness(t)
  const rep = sampleIdNumber('310000', 501)
  const controller = sampleIdNumber('320000', 502)
  const base = sampleEntry('SH', '310000', 5)
  const court: ListUpsertItemV1 = {
    ...base,
    listCode: 'court-dishonest-debtor',
    domain: 'court',
    severeCategory: 'legal-obligation',
    repairable: false,
    subject: { ...base.subject, responsiblePersons: [{ role: 'legal-representative', name: '王某', idNumber: rep }, { role: 'actual-controller', name: '赵某', idNumber: controller }] },
    measures: [
      { code: 'restrict-high-consumption', mandatory: true },
      { code: 'restrict-flights-trains', mandatory: true },
      { code: 'restrict-management-positions', mandatory: true }
    ]
  }
  await send(h, 'SH', 'list.upsert', [court])

  const travel = await check(h, 'ZJ', rep, 'high-consumption-travel')
  t.same(travel.body.asResponsiblePerson.measures.map((m) => [m.code, m.applies]), [['restrict-flights-trains', true], ['restrict-high-consumption', true]],
    'high consumption and travel restricted for the legal representative')
  const controllerTravel = await check(h, 'ZJ', controller, 'high-consumption-travel')
  t.same(controllerTravel.body.asResponsiblePerson.entries.map((e) => e.through.roles), [['actual-controller']])
  t.same(controllerTravel.body.asResponsiblePerson.measures.map((m) => m.code), ['restrict-flights-trains', 'restrict-high-consumption'], 'and for the actual controller')

  const office = await check(h, 'ZJ', rep, 'officer-appointment')
  t.same(office.body.asResponsiblePerson.measures.map((m) => m.code), ['restrict-management-positions'], '33号 (十) market ban reaches the legal representative')
  const controllerOffice = await check(h, 'ZJ', controller, 'officer-appointment')
  t.same(controllerOffice.body.asResponsiblePerson.entries.map((e) => e.entryId), [court.entryId], 'the actual controller is still shown the listing')
  t.same(controllerOffice.body.asResponsiblePerson.measures, [], 'but no measure the measures list does not extend to actual controllers')
})

t.test('国发〔2016〕33号 (十四): a removed entry, or an update that drops the person, is no longer found through the role', async (t) => {
  const h = await startHarness(t)
  const rep = sampleIdNumber('310000', 777)
  const other = sampleIdNumber('310000', 778)
  const persons = [{ role: 'legal-representative' as const, name: '李某', idNumber: rep }]
  const a = company(11, persons)
  const b = company(12, [...persons, { role: 'principal' as const, name: '李某', idNumber: rep }])
  await send(h, 'SH', 'list.upsert', [a, b])
  const found = async (id: string): Promise<string[]> => (await check(h, 'JS', id, 'honours-selection')).body.asResponsiblePerson.entries.map((e) => `${e.entryId}:${e.through.roles.join('+')}`)
  t.same(await found(rep), [`${a.entryId}:legal-representative`, `${b.entryId}:legal-representative+principal`], 'found through both companies, with every role held')

  await send(h, 'SH', 'list.remove', [{ entryId: a.entryId, owner: 'SH', version: 2, reason: 'repair', basis: '信用修复决定书 沪信修〔2026〕3号', effectiveOn: sampleDay() }])
  t.same(await found(rep), [`${b.entryId}:legal-representative+principal`], 'the removed entry is gone')

  await send(h, 'SH', 'list.upsert', [{ ...b, version: 2, subject: { ...b.subject, responsiblePersons: [{ role: 'legal-representative', name: '周某', idNumber: other }] } }])
  t.same(await found(rep), [], 'the update replaced the legal representative: the former one is no longer found')
  t.same(await found(other), [`${b.entryId}:legal-representative`], 'the new one is')
  t.same((await view(h, rep)).body.asResponsiblePerson, [], 'nor in the subject view')
})

t.test('国发〔2016〕33号 (十四): the subject view shows a person\'s listings through the organisations they represent, apart and masked', async (t) => {
  const h = await startHarness(t)
  const entry = company(21)
  const own = { ...sampleEntry('JS', '320000', 22, { person: true }), subject: { type: 'person' as const, name: '李某', idNumber: repOf(entry) } }
  await send(h, 'SH', 'list.upsert', [entry])
  await send(h, 'JS', 'list.upsert', [own])
  const rep = repOf(entry)

  const res = await view(h, rep)
  t.equal(res.status, 200)
  t.same(res.body.entries.map((e) => (e as { entryId: string }).entryId), [own.entryId], 'the person\'s own entry stays in entries')
  t.same(res.body.asResponsiblePerson.map((e) => [e.owner, e.entryId, e.status, e.through, e.personMeasures]), [
    ['SH', entry.entryId, 'active', { roles: ['legal-representative'], subjectId: entry.subject.creditCode, subjectType: 'enterprise' }, ['restrict-honours']]
  ], 'the company\'s entry, through the role, with the measures reaching the person')
  t.equal(res.body.asResponsiblePerson[0]?.entry.subject.responsiblePersons[0]?.idNumber, masked(rep), 'the person\'s own identity number is masked in the entry')
  t.notMatch(res.raw, ID_NUMBER_SHAPE, 'no identity number in clear in the answer')
  const logged = await h.db.query("SELECT result_count FROM query_log WHERE route = 'GET /v1/subjects/{id}/entries'")
  t.same(logged.rows.map((r) => r.result_count), [2], 'the query log counts both')

  // The company's own view is unchanged: its entry under entries, nothing through a role.
  const org = await view(h, entry.subject.creditCode as string)
  t.same([org.body.entries.length, org.body.asResponsiblePerson.length], [1, 0])
})

t.test('国办发〔2019〕35号 (十二): a company that is the actual controller of a listed company finds the listing by its own credit code', async (t) => {
  const h = await startHarness(t)
  const parent = sampleUscc('320000', 601)
  const entry = company(31, [{ role: 'legal-representative', name: '李某', idNumber: sampleIdNumber('310000', 602) }, { role: 'actual-controller', name: '某控股集团有限公司', creditCode: parent }])
  await send(h, 'SH', 'list.upsert', [entry])
  const res = await check(h, 'ZJ', parent, 'honours-selection')
  t.same(res.body.subject, { id: parent, kind: 'organisation' })
  t.same(res.body.entries, [])
  t.same(res.body.asResponsiblePerson.entries.map((e) => [e.entryId, e.through]), [
    [entry.entryId, { roles: ['actual-controller'], subjectId: entry.subject.creditCode, subjectType: 'enterprise' }]
  ], 'listed through the company it controls')
  t.same(res.body.asResponsiblePerson.measures, [], 'restrict-honours does not extend to actual controllers (国发〔2016〕33号 (十) names none)')
  t.same((await view(h, parent)).body.asResponsiblePerson.map((e) => e.entryId), [entry.entryId], 'the subject view too')
})

t.test('a responsible party is a person or an organisation: an invalid credit code, or both identifiers, refuse the envelope', async (t) => {
  const h = await startHarness(t)
  const e = sampleEntry('SH', '310000', 41)
  const rp = e.subject.responsiblePersons?.[0]
  const bad = sampleUscc('320000', 603).slice(0, 17) + (sampleUscc('320000', 603).endsWith('0') ? '1' : '0')
  for (const [name, persons, code, path] of [
    ['invalid credit code', [{ role: 'actual-controller', name: '某集团', creditCode: bad }], 'USCC_INVALID', '/subject/responsiblePersons/0/creditCode'],
    ['both identifiers', [{ ...rp, creditCode: sampleUscc('320000', 604) }], 'SCHEMA_INVALID', '/subject/responsiblePersons/0/creditCode']
  ] as const) {
    const { jws } = await h.sign('SH', { kind: 'list.upsert', items: [{ ...e, subject: { ...e.subject, responsiblePersons: persons } }] })
    const res = await h.post(jws)
    t.same(
      [res.status, res.body.code, (res.body.errors as Array<{ path: string }> | undefined)?.[0]?.path],
      [422, code, path],
      name
    )
  }
  t.equal(await h.count('entries'), 0, 'nothing stored')
})
