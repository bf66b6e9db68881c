import t from 'tap'
import { CompactSign, SignJWT, generateKeyPair } from 'jose'
import { startHarness, type Harness } from '../helpers/harness.js'
import { sampleEntry, sampleIdNumber, sampleNotice } from '../../sim/sample-entries.js'
import { ID_NUMBER_SHAPE } from '../helpers/id-number-shape.js'

const now = (): number => Math.floor(Date.now() / 1000)
const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')

interface Case {
  name: string
  status: number
  code: string
  make: (h: Harness) => Promise<{ body: string | Buffer, contentType?: string }>
}

async function signRaw (
  h: Harness, iss: string, header: Record<string, unknown>, claims: Record<string, unknown>
): Promise<string> {
  const p = h.platform(iss).signer
  return await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: p.alg, kid: p.kid, typ: 'yrd-envelope+jwt', ...header } as { alg: string })
    .sign(p.key)
}

const claimsOf = (iss: string, items: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ iss, aud: 'YRD', jti: `rej-${Math.random().toString(36).slice(2)}`, iat: now(), exp: now() + 300, kind: 'list.upsert', items, ...extra })

const entry = (n = 1): ReturnType<typeof sampleEntry> => sampleEntry('SH', '310000', n)
const signed = async (h: Harness, items: unknown[], kind = 'list.upsert', iss = 'SH'): Promise<{ body: string }> =>
  ({ body: (await h.sign(iss, { kind: kind as 'list.upsert', items })).jws })

const CASES: Case[] = [
  { name: 'unsupported content type', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', make: async (h) => ({ ...(await signed(h, [entry()])), contentType: 'application/json' }) },
  { name: 'body over the size limit', status: 413, code: 'PAYLOAD_TOO_LARGE', make: async () => ({ body: 'a'.repeat(300_000) }) },
  { name: 'more than 1,000 items', status: 413, code: 'PAYLOAD_TOO_LARGE', make: async (h) => signed(h, Array.from({ length: 1001 }, () => ({}))) },
  { name: 'not a JWS', status: 400, code: 'ENVELOPE_MALFORMED', make: async () => ({ body: 'hello.world' }) },
  { name: 'empty body', status: 400, code: 'ENVELOPE_MALFORMED', make: async () => ({ body: '' }) },
  { name: 'flattened body that is not JSON', status: 400, code: 'ENVELOPE_MALFORMED', make: async () => ({ body: '{nope', contentType: 'application/jose+json' }) },
  { name: 'alg none', status: 401, code: 'ALG_NOT_ALLOWED', make: async () => ({ body: `${b64({ alg: 'none', kid: 'sh-k1', typ: 'yrd-envelope+jwt' })}.${b64(claimsOf('SH', [entry()]))}.` + 'AA' }) },
  {
    name: 'alg HS256',
    status: 401,
    code: 'ALG_NOT_ALLOWED',
    make: async () => ({ body: await new SignJWT(claimsOf('SH', [entry()])).setProtectedHeader({ alg: 'HS256', kid: 'sh-k1', typ: 'yrd-envelope+jwt' }).sign(new TextEncoder().encode('x'.repeat(32))) })
  },
  {
    name: 'alg RS256',
    status: 401,
    code: 'ALG_NOT_ALLOWED',
    make: async () => {
      const { privateKey } = await generateKeyPair('RS256')
      return { body: await new SignJWT(claimsOf('SH', [entry()])).setProtectedHeader({ alg: 'RS256', kid: 'sh-k1', typ: 'yrd-envelope+jwt' }).sign(privateKey) }
    }
  },
  { name: 'wrong typ', status: 400, code: 'ENVELOPE_MALFORMED', make: async (h) => ({ body: await signRaw(h, 'SH', { typ: 'JWT' }, claimsOf('SH', [entry()])) }) },
  { name: 'kid not in the issuer\'s set', status: 401, code: 'KEY_UNKNOWN', make: async (h) => ({ body: await signRaw(h, 'SH', { kid: 'sh-k9' }, claimsOf('SH', [entry()])) }) },
  { name: 'issuer not configured', status: 401, code: 'ISSUER_UNKNOWN', make: async (h) => ({ body: await signRaw(h, 'SH', {}, claimsOf('BJ', [entry()])) }) },
  {
    name: 'another platform\'s key claiming to be SH',
    status: 401,
    code: 'KEY_UNKNOWN',
    make: async (h) => ({ body: await signRaw(h, 'JS', {}, claimsOf('SH', [entry()])) })
  },
  {
    name: 'tampered payload',
    status: 401,
    code: 'SIGNATURE_INVALID',
    make: async (h) => {
      const [hd, , sig] = (await signed(h, [entry()])).body.split('.')
      const changed = { ...entry(), facts: '篡改' }
      return { body: `${hd}.${b64(claimsOf('SH', [changed]))}.${sig}` }
    }
  },
  { name: 'expired', status: 401, code: 'ENVELOPE_EXPIRED', make: async (h) => ({ body: await signRaw(h, 'SH', {}, claimsOf('SH', [entry()], { iat: now() - 900, exp: now() - 600 })) }) },
  { name: 'issued in the future', status: 401, code: 'ENVELOPE_EXPIRED', make: async (h) => ({ body: await signRaw(h, 'SH', {}, claimsOf('SH', [entry()], { iat: now() + 600, exp: now() + 700 })) }) },
  { name: 'lifetime over 10 minutes', status: 400, code: 'ENVELOPE_MALFORMED', make: async (h) => ({ body: await signRaw(h, 'SH', {}, claimsOf('SH', [entry()], { exp: now() + 3600 })) }) },
  { name: 'wrong audience', status: 401, code: 'AUDIENCE_INVALID', make: async (h) => ({ body: await signRaw(h, 'SH', {}, claimsOf('SH', [entry()], { aud: 'JS' })) }) },
  { name: 'unknown kind', status: 400, code: 'ENVELOPE_MALFORMED', make: async (h) => ({ body: await signRaw(h, 'SH', {}, claimsOf('SH', [entry()], { kind: 'list.delete' })) }) },
  { name: 'an item missing its facts', status: 422, code: 'SCHEMA_INVALID', make: async (h) => { const { facts: _f, ...rest } = entry(); return signed(h, [entry(2), rest]) } },
  { name: 'a corrupted credit code', status: 422, code: 'USCC_INVALID', make: async (h) => { const e = entry(); e.subject.creditCode = `${(e.subject.creditCode ?? '').slice(0, 17)}${(e.subject.creditCode ?? '').endsWith('0') ? '1' : '0'}`; return signed(h, [e]) } },
  {
    name: 'a corrupted identity number',
    status: 422,
    code: 'ID_NUMBER_INVALID',
    make: async (h) => {
      const e = sampleEntry('SH', '310000', 1, { person: true })
      const id = sampleIdNumber('310000', 1)
      e.subject.idNumber = `${id.slice(0, 17)}${id.endsWith('1') ? '2' : '1'}`
      return signed(h, [e])
    }
  },
  { name: 'a list type not in the registry', status: 422, code: 'LIST_TYPE_UNKNOWN', make: async (h) => signed(h, [{ ...entry(), listCode: 'no-such-list' }]) },
  { name: 'another province\'s own list type', status: 422, code: 'LIST_TYPE_UNKNOWN', make: async (h) => signed(h, [{ ...entry(), listCode: 'zj-ecology-serious-violation', domain: 'ecology' }]) },
  { name: 'a measure not in the measures list', status: 422, code: 'MEASURE_UNKNOWN', make: async (h) => signed(h, [{ ...entry(), measures: [{ code: 'public-shaming', mandatory: true }] }]) },
  // Issue 13 items 3, 4 and 7: the measures list, the listing period and 告知, at the HTTP boundary.
  { name: '国办发〔2020〕49号 (九): a recommended measure sent as mandatory', status: 422, code: 'MEASURE_KIND_MISMATCH', make: async (h) => signed(h, [{ ...entry(), measures: [{ code: 'strict-supervision', mandatory: true }] }]) },
  { name: '国办发〔2020〕49号 (十): a punitive measure on a red entry', status: 422, code: 'MEASURE_NOT_APPLICABLE', make: async (h) => signed(h, [{ ...sampleEntry('SH', '310000', 1, { listType: 'red' }), measures: [{ code: 'restrict-public-procurement', mandatory: true }] }]) },
  { name: '国发〔2016〕33号 (二十一): a food-drug listing of ten years', status: 422, code: 'VALIDITY_OUT_OF_RANGE', make: async (h) => signed(h, [{ ...entry(), validUntil: '2036-03-14' }]) },
  { name: '国办发〔2020〕49号 (八): a black entry without its 告知 record', status: 422, code: 'SCHEMA_INVALID', make: async (h) => { const { notification: _n, ...e } = entry(); return await signed(h, [e]) } },
  { name: 'changing another platform\'s entry', status: 403, code: 'NOT_OWNER', make: async (h) => signed(h, [sampleEntry('SH', '310000', 1)], 'list.upsert', 'JS') },
  { name: 'removing an unknown entry', status: 422, code: 'ENTRY_UNKNOWN', make: async (h) => signed(h, [{ entryId: 'SH-none', owner: 'SH', version: 2, reason: 'expiry', basis: '期满', effectiveOn: '2026-11-01' }], 'list.remove') },
  { name: 'an older version', status: 409, code: 'VERSION_CONFLICT', make: async (h) => signed(h, [sampleEntry('SH', '310000', 50, { version: 1 })]) },
  { name: 'a platform sending a gateway notice', status: 403, code: 'FORBIDDEN', make: async (h) => signed(h, [sampleNotice(1)], 'gateway.notice') },
  { name: 'a platform sending an invalid gateway notice', status: 403, code: 'FORBIDDEN', make: async (h) => signed(h, [{ noticeId: 'x' }], 'gateway.notice', 'JS') },
  { name: 'a platform signing a gateway notice as YRD', status: 401, code: 'ISSUER_UNKNOWN', make: async (h) => ({ body: await signRaw(h, 'SH', {}, claimsOf('YRD', [sampleNotice(1)], { kind: 'gateway.notice' })) }) }
]

t.test('every rejection path answers problem+json with its code and stores nothing but a security-log line', async (t) => {
  const h = await startHarness(t, { settings: { bodyLimitBytes: 256 * 1024 } })
  // The state every rejection must leave untouched: one accepted envelope (entry 50 at version 2).
  t.equal((await h.post((await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 50, { version: 2 })] })).jws)).status, 202)
  const tables = ['envelopes', 'entries', 'entry_history', 'deliveries', 'query_log']
  const before = await Promise.all(tables.map(async (x) => await h.count(x)))
  const redisKeys = (await h.redis.keys(`${h.runtime.redisPrefix}:*`)).length

  for (const [i, c] of CASES.entries()) {
    const { body, contentType } = await c.make(h)
    const res = await h.app.inject({ method: 'POST', url: '/v1/envelopes', headers: { 'content-type': contentType ?? 'application/jose' }, payload: body })
    t.equal(res.statusCode, c.status, `${c.name}: status`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', `${c.name}: problem+json`)
    const problem = res.json()
    t.equal(problem.code, c.code, `${c.name}: code`)
    t.match(problem, { type: String, title: String, status: c.status, detail: String }, `${c.name}: problem shape`)
    t.same(await Promise.all(tables.map(async (x) => await h.count(x))), before, `${c.name}: nothing stored`)
    const log = await h.db.query('SELECT code, status FROM security_log ORDER BY id')
    t.equal(log.rows.length, i + 1, `${c.name}: one security-log line`)
    t.same(log.rows.at(-1), { code: c.code, status: c.status }, `${c.name}: logged with its code`)
  }
  t.equal((await h.redis.keys(`${h.runtime.redisPrefix}:*`)).length, redisKeys, 'nothing cached for rejected envelopes')
  const all = JSON.stringify((await h.db.query('SELECT * FROM security_log')).rows)
  t.notMatch(all, ID_NUMBER_SHAPE, 'no identity number in the security log')
  t.notMatch(all, /篡改|食品/, 'no item content in the security log')
})

t.test('item errors name the index and path of every invalid item', async (t) => {
  const h = await startHarness(t)
  const bad = entry(3)
  bad.subject.creditCode = 'not-a-credit-code!'
  const res = await h.post((await h.sign('SH', { kind: 'list.upsert', items: [entry(1), entry(2), bad] })).jws)
  t.equal(res.status, 422)
  t.same((res.body.errors as Array<{ index: number, path: string, code: string }>).map((e) => [e.index, e.path, e.code]), [[2, '/subject/creditCode', 'USCC_INVALID']])
  t.equal(await h.count('entries'), 0, 'accepted whole or not at all')
})

t.test('a POST without a body or content type is ENVELOPE_MALFORMED, not an internal error', async (t) => {
  const h = await startHarness(t)
  const res = await h.app.inject({ method: 'POST', url: '/v1/envelopes' })
  t.equal(res.statusCode, 400)
  t.equal(res.json().code, 'ENVELOPE_MALFORMED')
  const log = await h.db.query('SELECT code, status FROM security_log')
  t.same(log.rows, [{ code: 'ENVELOPE_MALFORMED', status: 400 }], 'one security-log line')
})
