import t from 'tap'
import { startHarness, type Harness } from '../helpers/harness.js'
import { sampleEntry, sampleIdNumber } from '../../sim/sample-entries.js'
import { mintToken } from '../../src/auth/mint-token.js'
import { ID_NUMBER_SHAPE } from '../helpers/id-number-shape.js'

async function publish (h: Harness, iss: string, items: unknown[]): Promise<string> {
  const { jws, jti } = await h.sign(iss, { kind: 'list.upsert', items })
  const res = await h.post(jws)
  if (res.status !== 202) throw new Error(`publish failed: ${JSON.stringify(res.body)}`)
  return jti
}

t.test('subject view: entries across platforms, identity numbers masked, every call in the query log', async (t) => {
  const h = await startHarness(t)
  const org = sampleEntry('SH', '310000', 1)
  const sameSubjectInJs = { ...sampleEntry('JS', '320000', 1), subject: org.subject }
  await publish(h, 'SH', [org])
  await publish(h, 'JS', [sameSubjectInJs])
  const person = sampleEntry('ZJ', '330000', 2, { person: true })
  await publish(h, 'ZJ', [person])
  const creditCode = org.subject.creditCode as string
  const idNumber = person.subject.idNumber as string

  const token = await h.platformToken('AH')
  const get = async (id: string, headers: Record<string, string>): Promise<{
    status: number, body: Record<string, unknown>, raw: string
  }> => {
    const res = await h.app.inject({ url: `/v1/subjects/${id}/entries`, headers })
    return { status: res.statusCode, body: res.json(), raw: res.body }
  }
  const ok = await get(creditCode, { authorization: `Bearer ${token}`, 'x-query-purpose': encodeURIComponent('政府采购资格审查') })
  t.equal(ok.status, 200)
  const entries = ok.body.entries as Array<{
    owner: string, entry: { subject: { responsiblePersons: Array<{ idNumber: string }> } }
  }>
  t.same(entries.map((e) => e.owner), ['JS', 'SH'], 'both provinces in one answer')
  t.same(ok.body.flags, {
    contradictions: [],
    repeatListings: [{ listType: 'black', domain: 'food-drug', platforms: ['JS', 'SH'], entries: ['JS:JS-black-1', 'SH:SH-black-1'] }]
  }, 'a repeat listing across provinces is flagged')
  t.match(entries[0]?.entry.subject.responsiblePersons[0]?.idNumber, /^\d{4}\*{10}[\dX]{4}$/, 'responsible person masked')
  t.notMatch(ok.raw, ID_NUMBER_SHAPE, 'no identity number in clear')
  t.same((
    ok.body.coverage as Array<{ platform: string, lastReceivedAt: string | null }>
  ).map((c) => [c.platform, c.lastReceivedAt === null]),
  [['SH', false], ['JS', false], ['ZJ', false], ['AH', true]], 'coverage says AH has sent nothing')

  const byPerson = await get(idNumber, { authorization: `Bearer ${await h.adminToken('operator')}`, 'x-query-purpose': 'licence check' })
  t.equal(byPerson.status, 200)
  t.equal((byPerson.body.subject as { id: string, kind: string }).kind, 'person')
  t.equal((byPerson.body.subject as { id: string }).id, `${idNumber.slice(0, 4)}**********${idNumber.slice(14)}`)
  t.notMatch(byPerson.raw, new RegExp(idNumber), 'the number asked about is not echoed')

  const log = await h.db.query('SELECT principal, role, subject_masked, subject_hash, purpose, result_count FROM query_log ORDER BY id')
  t.equal(log.rows.length, 2)
  t.same(log.rows.map((r) => [r.principal, r.role, r.purpose, r.result_count]), [
    ['AH', 'platform', '政府采购资格审查', 2],
    ['operator-console:operator-user', 'operator', 'licence check', 1]
  ])
  t.notMatch(JSON.stringify(log.rows), new RegExp(idNumber), 'query log keeps the number masked')
})

t.test('subject view refuses without token, purpose, valid id or role', async (t) => {
  const h = await startHarness(t)
  const id = sampleEntry('SH', '310000', 1).subject.creditCode as string
  const call = async (path: string, headers: Record<string, string>): Promise<{ status: number, code: string }> => {
    const res = await h.app.inject({ url: path, headers })
    return { status: res.statusCode, code: res.json().code }
  }
  const token = await h.platformToken('SH')
  t.same(await call(`/v1/subjects/${id}/entries`, { 'x-query-purpose': 'x' }), { status: 401, code: 'UNAUTHORIZED' })
  t.same(await call(`/v1/subjects/${id}/entries`, { authorization: 'Bearer not.a.jwt', 'x-query-purpose': 'x' }), { status: 401, code: 'UNAUTHORIZED' })
  t.same(await call(`/v1/subjects/${id}/entries`, { authorization: `Bearer ${token}` }), { status: 400, code: 'PURPOSE_REQUIRED' })
  t.same(await call(`/v1/subjects/${id}/entries`, { authorization: `Bearer ${await h.adminToken('auditor')}`, 'x-query-purpose': 'x' }), { status: 403, code: 'FORBIDDEN' })
  const badId = sampleIdNumber('310000', 3).slice(0, 17) + 'Y'
  t.same(await call(`/v1/subjects/${badId}/entries`, { authorization: `Bearer ${token}`, 'x-query-purpose': 'x' }), { status: 422, code: 'USCC_INVALID' })
  const badPerson = sampleIdNumber('310000', 3)
  const corrupted = badPerson.slice(0, 17) + (badPerson.endsWith('1') ? '2' : '1')
  t.same(await call(`/v1/subjects/${corrupted}/entries`, { authorization: `Bearer ${token}`, 'x-query-purpose': 'x' }), { status: 422, code: 'ID_NUMBER_INVALID' })
  t.equal(await h.count('query_log'), 0, 'refused calls are not answered, so not logged as lookups')

  // A token with a long lifetime, the wrong audience or an unknown issuer is refused.
  const sh = h.platform('SH').signer
  const long = await mintToken({ kid: sh.kid, alg: sh.alg, key: sh.key }, 'SH', { lifetimeSeconds: 7200 })
  t.same(await call(`/v1/subjects/${id}/entries`, { authorization: `Bearer ${long}`, 'x-query-purpose': 'x' }), { status: 401, code: 'UNAUTHORIZED' })
  const stranger = await mintToken({ kid: sh.kid, alg: sh.alg, key: sh.key }, 'XX')
  t.same(await call(`/v1/subjects/${id}/entries`, { authorization: `Bearer ${stranger}`, 'x-query-purpose': 'x' }), { status: 401, code: 'UNAUTHORIZED' })
})

t.test('message status: per destination, visible to its issuer, its destinations and admins', async (t) => {
  const h = await startHarness(t)
  const jti = await publish(h, 'SH', [sampleEntry('SH', '310000', 1)])
  const get = async (token: string, id = jti): Promise<{ status: number, body: Record<string, unknown> }> => {
    const res = await h.app.inject({ url: `/v1/messages/${encodeURIComponent(id)}`, headers: { authorization: `Bearer ${token}` } })
    return { status: res.statusCode, body: res.json() }
  }
  const mine = await get(await h.platformToken('SH'))
  t.equal(mine.status, 200)
  t.match(mine.body, { jti, iss: 'SH', kind: 'list.upsert', items: 1 })
  const dests = mine.body.destinations as Array<Record<string, unknown>>
  t.same(dests.map((d) => [d.platform, d.status, d.attempts, d.lastError, d.deliveredAt]), [
    ['AH', 'queued', 0, null, null], ['JS', 'queued', 0, null, null], ['ZJ', 'queued', 0, null, null]])
  t.equal((await get(await h.platformToken('JS'))).status, 200, 'a destination sees it')
  t.equal((await get(await h.adminToken('auditor'))).status, 200, 'an auditor sees it')
  const unknown = await get(await h.adminToken('admin'), 'no-such-jti')
  t.same([unknown.status, unknown.body.code], [404, 'NOT_FOUND'])
})

t.test('operations: healthz, readyz, metrics, jwks with every key, OpenAPI from the same schemas', async (t) => {
  const h = await startHarness(t)
  await publish(h, 'AH', [sampleEntry('AH', '340000', 1)])
  t.same((await h.app.inject({ url: '/healthz' })).json(), { status: 'ok' })
  t.same((await h.app.inject({ url: '/readyz' })).json(), { status: 'ok', redis: 'ok', database: 'ok' })
  const metrics = (await h.app.inject({ url: '/metrics' })).body
  t.match(metrics, /gw_envelopes_accepted_total\{iss="AH",kind="list.upsert"\} 1/)
  t.match(metrics, /gw_items_accepted_total\{iss="AH",kind="list.upsert"\} 1/)
  const jwks = (await h.app.inject({ url: '/.well-known/jwks.json' })).json() as { keys: Array<Record<string, unknown>> }
  t.same(jwks.keys.map((k) => k.kid), ['gw-k1', 'gw-k0-retired'], 'active and retired keys published')
  t.notOk(jwks.keys.some((k) => 'd' in k), 'no private part')
  const doc = (await h.app.inject({ url: '/docs/json' })).json() as { paths: Record<string, unknown>, components: { schemas: Record<string, unknown> } }
  for (const p of ['/v1/envelopes', '/v1/messages/{jti}', '/v1/subjects/{id}/entries', '/.well-known/jwks.json', '/healthz', '/readyz', '/metrics']) {
    t.ok(doc.paths[p], `documented: ${p}`)
  }
  for (const s of ['ListUpsertItemV1', 'ListRemoveItemV1', 'PunishmentNoticeItemV1', 'PunishmentFeedbackItemV1', 'ObjectionOpenItemV1', 'ObjectionResolveItemV1', 'EnvelopeClaimsV1', 'ReceiptClaimsV1']) {
    t.ok(doc.components.schemas[s], `schema documented: ${s}`)
  }
  const notFound = await h.app.inject({ url: '/v2/nothing' })
  t.same([notFound.statusCode, notFound.json().code], [404, 'NOT_FOUND'])
})
