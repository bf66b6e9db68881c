import t, { type Test } from 'tap'
import { createHash } from 'node:crypto'
import { decodeJwt } from 'jose'
import pg from 'pg'
import { startHarness, DATABASE_URL, type Harness } from '../helpers/harness.js'
import { schemaAtMigration } from '../helpers/schema-at-migration.js'
import { buildApp } from '../../src/app.js'
import { sampleIdNumber } from '../../sim/sample-entries.js'
import { verifyChain } from '../../src/audit/verify-audit.js'
import { migrate } from '../../src/ledger/migrate.js'
import { recordQuery } from '../../src/ledger/query-log.js'

const KEY_1 = 'k2026a:first-identifier-hash-secret-0123456789'
const KEY_2 = 'k2026b:second-identifier-hash-secret-abcdefghij'

/** Every unkeyed SHA-256 rendering of an identifier an attacker could match against. */
function unkeyedHashes (id: string): string[] {
  const d = createHash('sha256').update(id, 'utf8').digest()
  return [d.toString('hex'), d.toString('hex').toUpperCase(), d.toString('base64'), d.toString('base64url')]
}

function assertNoUnkeyedHash (t: Test, id: string, text: string, where: string): void {
  for (const h of unkeyedHashes(id)) t.notOk(text.includes(h), `${where}: no unkeyed SHA-256 of the identifier`)
}

const auth = async (h: Harness, who: 'auditor' | 'AH'): Promise<Record<string, string>> =>
  ({ authorization: `Bearer ${who === 'auditor' ? await h.adminToken('auditor') : await h.platformToken(who)}` })

/** Another gateway process on the same ledger (same schema, config and signing keys), with other identifier keys. */
async function sibling (t: Test, h: Harness, idHashKeys: string): Promise<Awaited<ReturnType<typeof buildApp>>> {
  const app = await buildApp(
    { config: h.config, runtime: { ...h.runtime, idHashKeys }, gatewayKeys: h.gatewayKeys, workers: false }
  )
  await app.ready()
  t.teardown(async () => { await app.close() })
  return app
}

t.test('a check of a person: no unkeyed SHA-256 of the number in the answer, the receipt, the stored check, the query log or its CSV', async (t) => {
  const h = await startHarness(t, { runtime: { idHashKeys: KEY_1 } })
  const person = sampleIdNumber('330000', 41)
  const res = await h.app.inject({
    method: 'POST', url: '/v1/checks', headers: await auth(h, 'AH'), payload: { subject: person, purpose: '政府采购 2026-GP-7', decisionType: 'public-procurement' }
  })
  t.equal(res.statusCode, 200)
  const answer = res.json() as { checkId: string, receipt: string, subject: Record<string, unknown> }
  t.same(Object.keys(answer.subject).sort(), ['id', 'kind'], 'the answer names the subject masked, with no digest')
  assertNoUnkeyedHash(t, person, res.body, 'answer')
  const claims = decodeJwt(answer.receipt)
  t.same(claims.subject, { masked: `${person.slice(0, 4)}**********${person.slice(14)}`, kind: 'person' }, 'the receipt carries no digest')
  assertNoUnkeyedHash(t, person, JSON.stringify(claims), 'receipt')

  for (const who of ['AH', 'auditor'] as const) {
    const stored = await h.app.inject({ url: `/v1/checks/${answer.checkId}`, headers: await auth(h, who) })
    t.equal(stored.statusCode, 200)
    t.equal(stored.json().receipt, answer.receipt, `${who} gets the receipt of a check made with keyed digests`)
    t.notOk('hash' in (stored.json().subject as object), `${who}: GET /v1/checks/{id} shows no digest`)
    assertNoUnkeyedHash(t, person, stored.body, `GET /v1/checks/{id} as ${who}`)
  }

  const rows = await h.db.query('SELECT q.*, c.* FROM checks c JOIN query_log q ON q.id = c.query_id')
  t.equal(rows.rows.length, 1)
  assertNoUnkeyedHash(t, person, JSON.stringify(rows.rows), 'the query_log and checks rows')
  const digest = rows.rows[0]?.subject_hash as string
  t.match(digest, /^k2026a:[0-9a-f]{64}$/, 'stored: the key id and an HMAC')

  const auditor = await auth(h, 'auditor')
  for (const url of ['/v1/admin/query-log', `/v1/admin/query-log?subject=${person}`, '/v1/admin/query-log.csv', `/v1/admin/query-log.csv?subject=${person}`]) {
    const page = await h.app.inject({ url, headers: auditor })
    t.equal(page.statusCode, 200, url)
    assertNoUnkeyedHash(t, person, page.body, url)
    t.notOk(page.body.includes(digest.slice(7)), `${url}: not even the keyed digest`)
  }
})

t.test('searches of the query log by subject are limited per principal and each is recorded as a lookup', async (t) => {
  const h = await startHarness(t, { settings: { subjectSearchRateLimitPerMinute: 3 } })
  const person = sampleIdNumber('340000', 7)
  const auditor = await auth(h, 'auditor')
  const lookup = await h.app.inject({ url: `/v1/subjects/${person}/entries`, headers: { ...await auth(h, 'AH'), 'x-query-purpose': 'licence check' } })
  t.equal(lookup.statusCode, 200)

  const first = await h.app.inject({ url: `/v1/admin/query-log?subject=${person}`, headers: { ...auditor, 'x-query-purpose': encodeURIComponent('复核 review 42') } })
  t.equal(first.statusCode, 200)
  t.equal(first.json().rows.length, 1, 'the platform\'s lookup is found')
  t.equal((await h.app.inject({ url: `/v1/admin/query-log.csv?subject=${person}`, headers: auditor })).statusCode, 200, 'the CSV search counts too')
  t.equal((await h.app.inject({ url: `/v1/admin/query-log?subject=${person.toLowerCase()}`, headers: auditor })).statusCode, 200)
  const refused = await h.app.inject({ url: `/v1/admin/query-log?subject=${person}`, headers: auditor })
  t.equal(refused.statusCode, 429)
  t.equal(refused.json().code, 'RATE_LIMITED')
  t.equal((await h.app.inject({ url: `/v1/admin/query-log.csv?subject=${person}`, headers: auditor })).json().code, 'RATE_LIMITED')
  t.equal((await h.app.inject({ url: '/v1/admin/query-log', headers: auditor })).statusCode, 200, 'the log without a subject filter is not limited')
  t.equal((await h.app.inject({ url: '/v1/admin/query-log?subject=330106199001011234', headers: auditor })).json().code, 'ID_NUMBER_INVALID')

  const recorded = await h.db.query<{
    principal: string,
    route: string,
    subject_masked: string,
    subject_hash: string,
    purpose: string,
    result_count: number
  }>(
    "SELECT principal, route, subject_masked, subject_hash, purpose, result_count FROM query_log WHERE route LIKE 'GET /v1/admin/%' ORDER BY seq")
  const masked = `${person.slice(0, 4)}**********${person.slice(14)}`
  t.match(recorded.rows, [
    { principal: 'auditor-console:auditor-user', route: 'GET /v1/admin/query-log', subject_masked: masked, purpose: '复核 review 42', result_count: 1 },
    { principal: 'auditor-console:auditor-user', route: 'GET /v1/admin/query-log.csv', subject_masked: masked, purpose: /query-log review by subject/, result_count: 2 },
    { principal: 'auditor-console:auditor-user', route: 'GET /v1/admin/query-log', subject_masked: masked, result_count: 3 }
  ], 'each search answered is in the query log, under the subject; refused ones are not')
  t.equal(recorded.rows.length, 3)
  const platformRow = (await h.db.query<{ subject_hash: string }>("SELECT subject_hash FROM query_log WHERE principal = 'AH'")).rows[0]
  t.ok(recorded.rows.every((r) => r.subject_hash === platformRow?.subject_hash), 'recorded under the subject\'s digest: a later search finds the searches')
  t.match(await verifyChain(h.db, 'query_log'), { ok: true, rows: 4 })
})

t.test('concurrent searches by subject cannot slip past the limit', async (t) => {
  const h = await startHarness(t, { settings: { subjectSearchRateLimitPerMinute: 3 } })
  const auditor = await auth(h, 'auditor')
  const person = sampleIdNumber('330000', 9)
  const codes = await Promise.all(Array.from({ length: 8 }, async () => (await h.app.inject({ url: `/v1/admin/query-log?subject=${person}`, headers: auditor })).statusCode))
  t.same(codes.sort(), [200, 200, 200, 429, 429, 429, 429, 429])
  t.equal(await h.count('query_log'), 3, 'the three answered searches, recorded')
})

t.test('key rotation: records made under a previous key are found while it is listed, and only then', async (t) => {
  const h = await startHarness(t, { runtime: { idHashKeys: KEY_1 } })
  const person = sampleIdNumber('310000', 77)
  t.equal((await h.app.inject({ url: `/v1/subjects/${person}/entries`, headers: { ...await auth(h, 'AH'), 'x-query-purpose': 'before rotation' } })).statusCode, 200)
  const auditor = await auth(h, 'auditor')
  const purposes = async (app: Harness['app']): Promise<string[]> => {
    const res = await app.inject({ url: `/v1/admin/query-log?subject=${person}`, headers: auditor })
    t.equal(res.statusCode, 200)
    return (res.json().rows as Array<{ purpose: string }>).map((r) => r.purpose)
  }

  const rotated = await sibling(t, h, `${KEY_2},${KEY_1}`)
  t.same(await purposes(rotated), ['before rotation'], 'new key first, old key listed: the old record is found')
  t.equal((await rotated.inject({ url: `/v1/subjects/${person}/entries`, headers: { ...await auth(h, 'AH'), 'x-query-purpose': 'after rotation' } })).statusCode, 200)
  const kids = (await h.db.query<{ purpose: string, kid: string }>("SELECT purpose, split_part(subject_hash, ':', 1) AS kid FROM query_log WHERE principal = 'AH' ORDER BY seq")).rows
  t.same(kids, [{ purpose: 'before rotation', kid: 'k2026a' }, { purpose: 'after rotation', kid: 'k2026b' }], 'each digest keeps its key id; new ones use the first key')

  const retired = await sibling(t, h, KEY_2)
  t.notOk((await purposes(retired)).includes('before rotation'), 'once the old key is dropped its records are no longer found')
  t.ok((await purposes(retired)).includes('after rotation'))
  t.equal((await sibling(t, h, KEY_1).then(purposes)).includes('after rotation'), false, 'the old key alone does not find the new records')
  t.match(await verifyChain(h.db, 'query_log'), { ok: true }, 'the chain verifies across keys')
})

t.test('rows written before migration 010 keep their unkeyed hash: the chain still verifies, new unkeyed rows are refused, old ones are still found, old receipts go back only to their asker', async (t) => {
  const h = await startHarness(t, { runtime: { idHashKeys: KEY_1 } })
  const schema = `${h.runtime.dbSchema}_old`
  await schemaAtMigration(schema, '009')
  const db = new pg.Pool({ connectionString: DATABASE_URL, options: `-c search_path=${schema}`, max: 2 })
  t.teardown(async () => { await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`); await db.end() })
  const person = sampleIdNumber('320000', 5)
  const legacy = createHash('sha256').update(person).digest('hex')
  await recordQuery(db, { principal: 'JS', role: 'platform', route: 'GET /v1/subjects/{id}/entries', subjectDigest: legacy, subjectMasked: 'x', purpose: 'old', resultCount: 0 })
  // A check stored then: its signed receipt carries the unkeyed hash (stand-in text: only who gets it back matters
  // here).
  await db.query(`INSERT INTO checks (id, at, principal, role, platform, department, purpose, decision_type, subject_kind, subject_masked, subject_hash, query_id, answered, answer_digest, receipt)
    VALUES ('old-check', now(), 'AH', 'platform', 'AH', NULL, 'p', 'public-procurement', 'person', 'x', $1, 1, '{"entries":[]}', 'd', $2)`, [legacy, `receipt-with-${legacy}`])
  await migrate(DATABASE_URL, schema)

  t.match(await verifyChain(db, 'query_log'), { ok: true, rows: 1 }, 'the old row is untouched and verifies')
  await t.rejects(recordQuery(db, { principal: 'JS', role: 'platform', route: 'r', subjectDigest: legacy, subjectMasked: 'x', purpose: 'new', resultCount: 0 }),
    { code: '23514' }, 'a new row with an unkeyed digest is refused by the database')
  const app = await buildApp(
    {
      config: h.config,
      runtime: { ...h.runtime, dbSchema: schema, idHashKeys: KEY_1 },
      gatewayKeys: h.gatewayKeys,
      workers: false
    }
  )
  t.teardown(async () => { await app.close() })
  await app.ready()
  const res = await app.inject({ url: `/v1/admin/query-log?subject=${person}`, headers: await auth(h, 'auditor') })
  t.same((res.json().rows as Array<{ purpose: string }>).map((r) => r.purpose), ['old'], 'the old record is still found by the identifier')
  t.match(await verifyChain(db, 'query_log'), { ok: true, rows: 2 }, 'and the search itself continues the chain')
  const asAuditor = await app.inject({ url: '/v1/checks/old-check', headers: await auth(h, 'auditor') })
  t.equal(asAuditor.statusCode, 200)
  t.equal(asAuditor.json().receipt, null, 'an old receipt (with its unkeyed hash) is not handed to an auditor')
  assertNoUnkeyedHash(t, person, asAuditor.body, 'an old check read by an auditor')
  t.equal((await app.inject({ url: '/v1/checks/old-check', headers: await auth(h, 'AH') })).json().receipt, `receipt-with-${legacy}`, 'the asker still gets the receipt it was given')
})
