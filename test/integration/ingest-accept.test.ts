import t from 'tap'
import { compactVerify, createLocalJWKSet } from 'jose'
import { startHarness } from '../helpers/harness.js'
import { sampleDay, sampleEntry } from '../../sim/sample-entries.js'
import { digestOf } from '../../src/envelopes/parse-jws.js'

t.test('an accepted envelope is committed whole: envelope, entries, history, one outbox row per other platform', async (t) => {
  const h = await startHarness(t)
  const items = [sampleEntry('SH', '310000', 1), sampleEntry('SH', '310000', 2, { person: true })]
  const { jws, jti } = await h.sign('SH', { kind: 'list.upsert', items })
  const res = await h.post(jws)
  t.equal(res.status, 202)
  t.equal(res.body.jti, jti)

  const jwks = createLocalJWKSet((await h.app.inject({ url: '/.well-known/jwks.json' })).json())
  const { payload, protectedHeader } = await compactVerify(String(res.body.receipt), jwks)
  const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>
  t.equal(protectedHeader.typ, 'yrd-receipt+jwt')
  t.equal(protectedHeader.kid, 'gw-k1', 'signed by the active key')
  t.same(Object.keys(claims).sort(), ['digest', 'iss', 'items', 'jti', 'receivedAt'])
  t.equal(claims.digest, digestOf(Buffer.from(jws)), 'digest of the exact bytes received')
  t.equal(claims.items, 2)
  t.equal(claims.iss, 'SH')

  const env = await h.db.query('SELECT iss, kind, digest, jws, item_count, receipt FROM envelopes WHERE jti = $1', [jti])
  t.equal(env.rows[0]?.jws, jws, 'raw JWS kept as evidence')
  t.equal(env.rows[0]?.receipt, res.body.receipt)
  const entries = await h.db.query('SELECT entry_id, version, status, subject_id FROM entries ORDER BY entry_id')
  t.same(entries.rows.map((r) => [r.entry_id, r.version, r.status]), [['SH-black-1', 1, 'active'], ['SH-black-2', 1, 'active']])
  t.equal(await h.count('entry_history'), 2)
  const outbox = await h.db.query('SELECT destination, status FROM deliveries WHERE jti = $1 ORDER BY destination', [jti])
  t.same(outbox.rows, [{ destination: 'AH', status: 'queued' }, { destination: 'JS', status: 'queued' }, { destination: 'ZJ', status: 'queued' }])
})

t.test('flattened JSON serialisation is accepted like compact', async (t) => {
  const h = await startHarness(t)
  const { jws } = await h.sign('JS', { kind: 'list.upsert', items: [sampleEntry('JS', '320000', 1)] }, 'flattened')
  const res = await h.post(jws, 'application/jose+json')
  t.equal(res.status, 202)
  t.equal(await h.count('entries'), 1)
})

t.test('a resubmission of the same bytes answers 200 with the original receipt, from the cache and from the ledger', async (t) => {
  const h = await startHarness(t)
  const { jws, jti } = await h.sign('ZJ', { kind: 'list.upsert', items: [sampleEntry('ZJ', '330000', 1)] })
  const first = await h.post(jws)
  t.equal(first.status, 202)
  const again = await h.post(jws)
  t.equal(again.status, 200)
  t.equal(again.body.receipt, first.body.receipt)

  // Redis forgets (restart, eviction): the ledger's primary key still answers.
  await h.redis.del(`${h.runtime.redisPrefix}:jti:${jti}`)
  const third = await h.post(jws)
  t.equal(third.status, 200)
  t.equal(third.body.receipt, first.body.receipt)
  t.equal(await h.count('envelopes'), 1)
  t.equal(await h.count('entry_history'), 1, 'nothing applied twice')
  t.equal(await h.count('deliveries'), 3)
})

t.test('the same jti with other bytes is JTI_CONFLICT, from the cache and from the ledger', async (t) => {
  const h = await startHarness(t)
  const { jws, jti } = await h.sign('AH', { kind: 'list.upsert', items: [sampleEntry('AH', '340000', 1)] })
  t.equal((await h.post(jws)).status, 202)
  const other = await h.sign('AH', { kind: 'list.upsert', items: [sampleEntry('AH', '340000', 2)], jti })
  const conflict = await h.post(other.jws)
  t.equal(conflict.status, 409)
  t.equal(conflict.body.code, 'JTI_CONFLICT')
  await h.redis.del(`${h.runtime.redisPrefix}:jti:${jti}`)
  const again = await h.post(other.jws)
  t.equal(again.body.code, 'JTI_CONFLICT')
  t.equal(await h.count('entries'), 1)
  t.equal(await h.count('envelopes'), 1)
})

t.test('concurrent submissions of one jti: exactly one wins', async (t) => {
  const h = await startHarness(t)
  const same = await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 1)] })
  const results = await Promise.all(Array.from({ length: 12 }, async () => await h.post(same.jws)))
  t.equal(results.filter((r) => r.status === 202).length, 1, 'one 202')
  t.equal(results.filter((r) => r.status === 200).length, 11, 'the rest 200')
  t.equal(new Set(results.map((r) => r.body.receipt)).size, 1, 'all hold the one receipt')

  const jti = 'concurrent-different-bytes'
  const variants = await Promise.all(Array.from({ length: 12 }, async (_v, i) =>
    await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 100 + i)], jti })))
  const raced = await Promise.all(variants.map(async (v) => await h.post(v.jws)))
  t.equal(raced.filter((r) => r.status === 202).length, 1, 'one 202')
  t.equal(raced.filter((r) => r.status === 409 && r.body.code === 'JTI_CONFLICT').length, 11, 'the rest JTI_CONFLICT')
  t.equal(await h.count('envelopes'), 2)
  t.equal(await h.count('entries'), 2)
  t.equal(await h.count('deliveries'), 6)
})

t.test('versions: newer replaces, equal or older never overwrites; a removal is a version too', async (t) => {
  const h = await startHarness(t)
  const post = async (kind: 'list.upsert' | 'list.remove', items: unknown[]): Promise<{ status: number, body: Record<string, unknown> }> =>
    await h.post((await h.sign('SH', { kind, items })).jws)
  t.equal((await post('list.upsert', [sampleEntry('SH', '310000', 1, { version: 3 })])).status, 202)
  for (const v of [3, 2]) {
    const res = await post('list.upsert', [sampleEntry('SH', '310000', 1, { version: v })])
    t.equal(res.status, 409, `version ${v}`)
    t.equal(res.body.code, 'VERSION_CONFLICT')
    t.same((res.body.errors as Array<{ index: number, path: string }>).map((e) => [e.index, e.path]), [[0, '/version']])
  }
  t.equal((await post('list.upsert', [sampleEntry('SH', '310000', 1, { version: 4 })])).status, 202)
  const removal = { entryId: 'SH-black-1', owner: 'SH', version: 5, reason: 'repair', basis: '信用修复决定', effectiveOn: sampleDay() }
  t.equal((await post('list.remove', [removal])).status, 202)
  const late = await post('list.upsert', [sampleEntry('SH', '310000', 1, { version: 4 })])
  t.equal(late.body.code, 'VERSION_CONFLICT', 'a late older version cannot bring a removed entry back')
  const row = await h.db.query('SELECT version, status, removal FROM entries')
  t.same([row.rows[0]?.version, row.rows[0]?.status, row.rows[0]?.removal?.reason], [5, 'removed', 'repair'])
  const history = await h.db.query('SELECT version, action FROM entry_history ORDER BY id')
  t.same(history.rows.map((r) => [r.version, r.action]), [[3, 'upsert'], [4, 'upsert'], [5, 'remove']], 'every state change kept')
})

t.test('entries of the same id at different owners are different entries', async (t) => {
  const h = await startHarness(t)
  const sh = sampleEntry('SH', '310000', 1)
  const js = { ...sampleEntry('JS', '320000', 1), entryId: sh.entryId }
  t.equal((await h.post((await h.sign('SH', { kind: 'list.upsert', items: [sh] })).jws)).status, 202)
  t.equal((await h.post((await h.sign('JS', { kind: 'list.upsert', items: [js] })).jws)).status, 202)
  t.equal(await h.count('entries'), 2)
})

t.test('non-list kinds are committed with their outbox rows', async (t) => {
  const h = await startHarness(t)
  const entry = sampleEntry('JS', '320000', 1)
  t.equal((await h.post((await h.sign('JS', { kind: 'list.upsert', items: [entry] })).jws)).status, 202)
  const notice = {
    caseId: 'JS-case-1',
    mode: 'punishment',
    entryId: entry.entryId,
    owner: 'JS',
    initiatingDepartment: { name: '江苏省市场监督管理局' },
    subject: entry.subject,
    measures: ['restrict-public-procurement'],
    respondBy: '2026-12-01',
    feedbackBy: '2026-12-15'
  }
  const res = await h.post((await h.sign('JS', { kind: 'punishment.notice', items: [notice] })).jws)
  t.equal(res.status, 202)
  const objection = { objectionId: 'obj-1', entryId: entry.entryId, owner: 'JS', lodgedOn: '2026-11-20', grounds: '处罚决定已被撤销' }
  t.equal((await h.post((await h.sign('ZJ', { kind: 'objection.open', items: [objection] })).jws)).status, 202, 'any platform forwards an objection')
  t.equal(await h.count('deliveries'), 9)
})
