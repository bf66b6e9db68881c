import t from 'tap'
import { createLocalJWKSet, jwtVerify, decodeProtectedHeader, type JWK } from 'jose'
import { startHarness, type Harness } from '../helpers/harness.js'
import { sampleEntry, sampleIdNumber } from '../../sim/sample-entries.js'
import { generatePrivateJwk, publicPart } from '../../src/keys/signing-keys.js'
import { mintToken } from '../../src/auth/mint-token.js'
import { importJWK, type CryptoKey } from 'jose'
import { canonicalJson } from '../../src/canonical/canonical-json.js'
import { createHash } from 'node:crypto'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import { addMonths, dayBefore } from '../../src/envelopes/validity-period.js'
import { ID_NUMBER_SHAPE } from '../helpers/id-number-shape.js'

async function publish (h: Harness, iss: string, items: unknown[]): Promise<void> {
  const { jws } = await h.sign(iss, { kind: 'list.upsert', items })
  const res = await h.post(jws)
  if (res.status !== 202) throw new Error(`publish failed: ${JSON.stringify(res.body)}`)
}

type Answer = Record<string, unknown> & {
  checkId: string
  receipt: string
  entries: Array<{ owner: string, entryId: string, version: number, status: string, listType: string }>
  measures: Array<{ code: string, applies: boolean, notes: string[], entries: string[] }>
  summary: Record<string, number>
}

async function check (
  h: Harness, token: string, body: Record<string, unknown>
): Promise<{ status: number, body: Answer, raw: string }> {
  const res = await h.app.inject({ method: 'POST', url: '/v1/checks', headers: { authorization: `Bearer ${token}` }, payload: body })
  return { status: res.statusCode, body: res.json(), raw: res.body }
}

/** A red-list entry of `owner` about the same subject as `of`. */
function redFor (owner: string, region: string, n: number, of: ListUpsertItemV1): ListUpsertItemV1 {
  return { ...sampleEntry(owner, region, n, { listType: 'red' }), subject: of.subject, measures: [{ code: 'fast-track-approval', mandatory: false }] }
}

t.test('a check answers every current entry across provinces, and its receipt verifies offline and names exactly what was answered', async (t) => {
  const h = await startHarness(t)
  const black = sampleEntry('SH', '310000', 1)
  await publish(h, 'SH', [black])
  await publish(h, 'ZJ', [redFor('ZJ', '330000', 1, black)])
  await publish(h, 'JS', [{ ...sampleEntry('JS', '320000', 1), subject: black.subject }])
  const code = black.subject.creditCode as string

  const res = await check(h, await h.platformToken('AH'), { subject: code, purpose: '政府采购 2026-GP-0042', decisionType: 'public-procurement' })
  t.equal(res.status, 200)
  const a = res.body
  t.same(a.entries.map((e) => [e.owner, e.entryId, e.version, e.status, e.listType]), [
    ['JS', 'JS-black-1', 1, 'active', 'black'],
    ['SH', 'SH-black-1', 1, 'active', 'black'],
    ['ZJ', 'ZJ-red-1', 1, 'active', 'red']
  ], 'every current entry of the three provinces')
  t.same(a.summary, { black: 2, red: 1, keySupervision: 0, suspended: 0, contradictions: 1, repeatListings: 1 })
  t.same((a.flags as { contradictions: unknown[] }).contradictions, [{ red: ['ZJ:ZJ-red-1'], black: ['JS:JS-black-1', 'SH:SH-black-1'], acrossProvinces: true }], '又红又黑 flagged, not merged')
  t.same(a.measures.map((m) => [m.code, m.applies, m.entries]), [['restrict-public-procurement', true, ['JS:JS-black-1', 'SH:SH-black-1']]],
    'only the measures bearing on procurement')
  t.same((
    a.coverage as Array<{ platform: string, lastReceivedAt: string | null }>
  ).map((c) => [c.platform, c.lastReceivedAt === null]),
  [['SH', false], ['JS', false], ['ZJ', false], ['AH', true]], 'coverage: AH has sent nothing')

  // The same subject for another decision: other measures.
  const approval = await check(h, await h.platformToken('AH'), { subject: code, purpose: 'licence application 17', decisionType: 'administrative-approval' })
  t.same(approval.body.measures.map((m) => m.code), ['fast-track-approval', 'strict-supervision'], 'approval: the red list\'s fast track and stricter review')

  // Offline verification: only the published JWK Set, fetched once.
  const jwks = (await h.app.inject({ url: '/.well-known/jwks.json' })).json() as { keys: JWK[] }
  const { payload, protectedHeader } = await jwtVerify(a.receipt, createLocalJWKSet(jwks), { typ: 'yrd-check-receipt+jwt', algorithms: ['ES256', 'EdDSA'] })
  t.equal(protectedHeader.kid, 'gw-k1')
  t.equal(payload.iss, 'YRD')
  t.equal(payload.checkId, a.checkId)
  t.same(payload.asker, { principal: 'AH', role: 'platform', platform: 'AH', department: null })
  t.equal(payload.purpose, '政府采购 2026-GP-0042')
  t.equal(payload.decisionType, 'public-procurement')
  t.equal(payload.checkedAt, a.checkedAt)
  t.same(payload.subject, { masked: code, kind: 'organisation' }, 'no digest of the identifier in the receipt')
  const answered = payload.answered as {
    entries: unknown[], measures: unknown[], contradictions: number, digest: string
  }
  t.same(answered.entries, a.entries.map(
    (e) => ({ owner: e.owner, entryId: e.entryId, version: e.version, status: e.status, listType: e.listType })
  ),
  'the receipt names each entry answered with its version and status')
  t.same(answered.measures, [{ code: 'restrict-public-procurement', applies: true }])
  t.equal(answered.contradictions, 1)
  const { receipt: _r, ...withoutReceipt } = JSON.parse(res.raw) as Record<string, unknown>
  t.equal(answered.digest, createHash('sha256').update(canonicalJson(withoutReceipt)).digest('base64url'), 'the digest is recomputed from the answer as received')
  const tampered = { ...withoutReceipt, entries: (withoutReceipt.entries as unknown[]).slice(1) }
  t.not(answered.digest, createHash('sha256').update(canonicalJson(tampered)).digest('base64url'), 'an answer with an entry left out does not match')
  t.equal(decodeProtectedHeader(approval.body.receipt).typ, 'yrd-check-receipt+jwt')

  // Stored with its id, in the query log.
  const stored = await h.db.query('SELECT c.id, c.principal, c.decision_type, c.answer_digest, q.route, q.purpose, q.result_count FROM checks c JOIN query_log q ON q.id = c.query_id ORDER BY c.at')
  t.same(stored.rows.map((r) => [r.id, r.principal, r.decision_type, r.route, r.result_count]), [
    [a.checkId, 'AH', 'public-procurement', 'POST /v1/checks', 3],
    [approval.body.checkId, 'AH', 'administrative-approval', 'POST /v1/checks', 3]
  ])
  t.equal(stored.rows[0]?.answer_digest, answered.digest)

  const mine = await h.app.inject({ url: `/v1/checks/${a.checkId}`, headers: { authorization: `Bearer ${await h.platformToken('AH')}` } })
  t.equal(mine.statusCode, 200)
  t.equal(mine.json().receipt, a.receipt, 'the stored receipt is the one answered')
  t.equal(mine.json().outcome, null)
  const others = await h.app.inject({ url: `/v1/checks/${a.checkId}`, headers: { authorization: `Bearer ${await h.platformToken('SH')}` } })
  t.same([others.statusCode, others.json().code], [403, 'FORBIDDEN'], 'another platform does not see someone else\'s check')
  const auditor = await h.app.inject({ url: `/v1/checks/${a.checkId}`, headers: { authorization: `Bearer ${await h.adminToken('auditor')}` } })
  t.equal(auditor.statusCode, 200)
})

t.test('a check during an objection shows the entry as suspended, and its measures as not applying meanwhile', async (t) => {
  const h = await startHarness(t)
  const black = sampleEntry('JS', '320000', 4)
  await publish(h, 'JS', [black])
  // The objection wiring sets the status; seeded directly here.
  await h.db.query("UPDATE entries SET status = 'suspended' WHERE owner = 'JS' AND entry_id = $1", [black.entryId])
  const res = await check(h, await h.platformToken('ZJ'), { subject: black.subject.creditCode, purpose: 'tender 9', decisionType: 'public-procurement' })
  t.equal(res.status, 200)
  t.same(res.body.entries.map((e) => [e.entryId, e.status]), [[black.entryId, 'suspended']])
  t.equal(res.body.summary.suspended, 1)
  t.same(res.body.measures.map((m) => [m.code, m.applies, m.notes]), [['restrict-public-procurement', false, [`JS:${black.entryId}: suspended during an objection (国发〔2016〕33号 (二十二))`]]])
  const claims = JSON.parse(Buffer.from(res.body.receipt.split('.')[1] as string, 'base64url').toString()) as { answered: { entries: Array<{ status: string }> } }
  t.same(claims.answered.entries.map((e) => e.status), ['suspended'], 'the receipt says suspended too')

  // A court list keeps its measures during an objection (measuresContinueDuringObjection).
  const court: ListUpsertItemV1 = {
    ...sampleEntry('SH', '310000', 5),
    listCode: 'court-dishonest-debtor',
    domain: 'court',
    severeCategory: 'legal-obligation',
    repairable: false,
    subject: black.subject
  }
  await publish(h, 'SH', [court])
  await h.db.query("UPDATE entries SET status = 'suspended' WHERE owner = 'SH'")
  const both = await check(h, await h.platformToken('ZJ'), { subject: black.subject.creditCode, purpose: 'tender 9', decisionType: 'public-procurement' })
  t.same(both.body.measures.map((m) => [m.code, m.applies, m.entries]), [['restrict-public-procurement', true, [`JS:${black.entryId}`, `SH:${court.entryId}`]]],
    'the court entry still applies')
})

t.test('identity numbers are masked in the answer, the receipt, the stored check and the query log', async (t) => {
  const h = await startHarness(t)
  const person = sampleEntry('ZJ', '330000', 2, { person: true })
  await publish(h, 'ZJ', [person])
  const id = person.subject.idNumber as string
  const res = await check(h, await h.platformToken('SH'), { subject: id, purpose: `核查 ${id}`, decisionType: 'officer-appointment' })
  t.equal(res.status, 200)
  t.equal(res.body.entries.length, 1)
  const masked = `${id.slice(0, 4)}**********${id.slice(14)}`
  t.equal((res.body.subject as { id: string }).id, masked)
  t.equal((res.body.entries[0] as unknown as { subjectName: string }).subjectName, '张**', 'a person\'s name shown by its first character')
  t.notMatch(res.raw, ID_NUMBER_SHAPE, 'no identity number in clear in the answer (not even in the purpose)')
  const receiptPayload = Buffer.from(res.body.receipt.split('.')[1] as string, 'base64url').toString()
  t.notMatch(receiptPayload, ID_NUMBER_SHAPE, 'nor in the receipt')
  const rows = await h.db.query('SELECT * FROM checks')
  const log = await h.db.query('SELECT * FROM query_log')
  t.notMatch(JSON.stringify(rows.rows) + JSON.stringify(log.rows), new RegExp(id), 'nor in the stored check and query log')
  t.equal(log.rows[0]?.subject_masked, masked)
})

t.test('a department system checks with its own key; a provincial list binds outside its province only under a memorandum', async (t) => {
  const jwk = await generatePrivateJwk('ES256', 'hz-k1')
  const h = await startHarness(t, {
    checkers: [{ id: 'hz-amr-approval', name: '杭州市市场监督管理局 行政许可系统', platform: 'ZJ', departmentKind: 'market-regulation', jwks: { keys: [publicPart(jwk)] } }]
  })
  const key = { kid: 'hz-k1', alg: 'ES256', key: await importJWK(jwk, 'ES256') as CryptoKey }
  const token = await mintToken(key, 'hz-amr-approval', { sub: 'clerk-7' })
  const tourism: ListUpsertItemV1 = {
    ...sampleEntry('SH', '310000', 3),
    listCode: 'sh-tourism-serious-violation',
    domain: 'tourism',
    severeCategory: 'market-order',
    measures: [{ code: 'sh-restrict-tourism-grading', mandatory: false }, { code: 'restrict-public-procurement', mandatory: true }]
  }
  await publish(h, 'SH', [tourism])
  const res = await check(h, token, { subject: tourism.subject.creditCode, purpose: 'A级景区评定 申请 33', decisionType: 'grading-certification' })
  t.equal(res.status, 200)
  t.same(res.body.asker, { principal: 'hz-amr-approval:clerk-7', role: 'checker', platform: 'ZJ', department: '杭州市市场监督管理局 行政许可系统' })
  // Until issue 13 item 2 this was information only in Zhejiang; the regional tourism memorandum (合作备忘录,
  // 浙政办发〔2021〕29号 (五) 第26项) binds it there now. test/integration/check-basis.test.ts has the rule.
  t.same(res.body.measures.map((m) => [m.code, m.applies, m.notes]), [
    ['sh-restrict-tourism-grading', true, []]
  ])
  const inShanghai = await check(h, await h.platformToken('SH'), { subject: tourism.subject.creditCode, purpose: 'grading', decisionType: 'grading-certification', department: '上海市文化和旅游局' })
  t.same(inShanghai.body.measures.map((m) => [m.code, m.applies]), [['sh-restrict-tourism-grading', true]], 'at home the list binds')
  t.same(inShanghai.body.asker, { principal: 'SH', role: 'platform', platform: 'SH', department: '上海市文化和旅游局' })

  // A department system may only check: the other read routes refuse it.
  const subjectView = await h.app.inject({ url: `/v1/subjects/${tourism.subject.creditCode as string}/entries`, headers: { authorization: `Bearer ${token}`, 'x-query-purpose': 'x' } })
  t.equal(subjectView.json().code, 'FORBIDDEN')
  const quality = await h.app.inject({ url: '/v1/deliveries', headers: { authorization: `Bearer ${token}` } })
  t.equal(quality.json().code, 'FORBIDDEN')
})

t.test('checks refused: no token, wrong role, bad subject, unknown decision type, missing purpose; nothing logged or stored', async (t) => {
  const h = await startHarness(t)
  const code = sampleEntry('SH', '310000', 1).subject.creditCode as string
  const token = await h.platformToken('SH')
  const body = { subject: code, purpose: 'x', decisionType: 'public-procurement' }
  const call = async (tok: string | undefined, b: unknown): Promise<[number, string]> => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/checks', headers: tok === undefined ? {} : { authorization: `Bearer ${tok}` }, payload: b as Record<string, unknown> })
    return [res.statusCode, res.json().code]
  }
  t.same(await call(undefined, body), [401, 'UNAUTHORIZED'])
  t.same(await call('not.a.jwt', body), [401, 'UNAUTHORIZED'])
  t.same(await call(await h.adminToken('admin'), body), [403, 'FORBIDDEN'], 'an admin does not decide, so does not check')
  const sh = h.platform('SH').signer
  t.same(await call(await mintToken({ kid: sh.kid, alg: sh.alg, key: sh.key }, 'SH', { lifetimeSeconds: 7200 }), body), [401, 'UNAUTHORIZED'])
  t.same(await call(token, { ...body, decisionType: 'lottery' }), [422, 'DECISION_TYPE_UNKNOWN'])
  t.same(await call(token, { ...body, subject: code.slice(0, 17) + (code.endsWith('Y') ? 'W' : 'Y') }), [422, 'USCC_INVALID'])
  const pid = sampleIdNumber('310000', 3)
  t.same(await call(token, { ...body, subject: pid.slice(0, 17) + (pid.endsWith('1') ? '2' : '1') }), [422, 'ID_NUMBER_INVALID'])
  t.same(await call(token, { ...body, purpose: '   ' }), [400, 'PURPOSE_REQUIRED'])
  t.same(await call(token, { subject: code, decisionType: 'public-procurement' }), [400, 'BAD_REQUEST'])
  t.same(await call(token, { ...body, extra: 1 }), [400, 'BAD_REQUEST'])
  t.equal(await h.count('query_log'), 0, 'a refused check is not a lookup')
  t.equal(await h.count('checks'), 0)

  const docs = await h.app.inject({ url: '/docs/json' })
  t.equal(docs.statusCode, 200)
  const paths = Object.keys((docs.json() as { paths: Record<string, unknown> }).paths)
  for (const p of ['/v1/checks', '/v1/checks/{id}', '/v1/checks/{id}/outcome', '/v1/checks/stats', '/v1/quality']) t.ok(paths.includes(p), `${p} documented`)
})

t.test('国发〔2016〕33号 (二十一): an entry not yet in force is answered as pending, and its measures do not apply', async (t) => {
  // The gateway's clock fixed on 1 April 2026 (China Standard Time): one listing started on 15 March
  // (sampleEntry's validFrom), the other starts on 1 May.
  const h = await startHarness(t, { clock: () => new Date('2026-04-01T10:00:00+08:00') })
  const validFrom = '2026-05-01'
  const current = sampleEntry('SH', '310000', 1)
  const future = { ...sampleEntry('JS', '320000', 1), subject: current.subject, validFrom, validUntil: dayBefore(addMonths(validFrom, 36)) }
  await publish(h, 'SH', [current])
  await publish(h, 'JS', [future])
  const res = await check(h, await h.platformToken('AH'), { subject: current.subject.creditCode, purpose: 'tender 12', decisionType: 'public-procurement' })
  t.equal(res.status, 200)
  t.same(res.body.entries.map((e) => [e.owner, e.status]), [['JS', 'pending'], ['SH', 'active']])
  t.same(res.body.measures.map((m) => [m.code, m.applies, m.notes]), [['restrict-public-procurement', true, [`JS:${future.entryId}: not in force before ${validFrom} (国发〔2016〕33号 (二十一))`]]],
    'the current entry applies the measure; the pending one only notes when it will')
  const view = await h.app.inject({ url: `/v1/subjects/${current.subject.creditCode as string}/entries`, headers: { authorization: `Bearer ${await h.platformToken('AH')}`, 'x-query-purpose': 'x' } })
  t.same((view.json() as { entries: Array<{ owner: string, status: string }> }).entries.map((e) => [e.owner, e.status]), [['JS', 'pending'], ['SH', 'active']],
    'the subject view shows the entry not yet in force as pending too')
  const alone = await check(h, await h.platformToken('AH'), { subject: current.subject.creditCode, purpose: 'tender 13', decisionType: 'routine-supervision' })
  t.same(alone.body.measures.map((m) => [m.code, m.entries]), [['strict-supervision', [`JS:${future.entryId}`, `SH:${current.entryId}`]]])
  await h.db.query("UPDATE entries SET status = 'removed' WHERE owner = 'SH'")
  const onlyPending = await check(h, await h.platformToken('AH'), { subject: current.subject.creditCode, purpose: 'tender 14', decisionType: 'public-procurement' })
  t.same(onlyPending.body.measures.map((m) => [m.code, m.applies]), [['restrict-public-procurement', false]], 'a pending entry alone applies nothing')
  const claims = JSON.parse(Buffer.from(onlyPending.body.receipt.split('.')[1] as string, 'base64url').toString()) as { answered: { entries: Array<{ status: string }> } }
  t.same(claims.answered.entries.map((e) => e.status), ['pending'], 'the receipt says pending too')
})
