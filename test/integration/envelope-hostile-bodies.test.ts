import t from 'tap'
import { startHarness, urlOf } from '../helpers/harness.js'
import { ascii, fill, post, refusedUnparsed } from '../helpers/hostile-post.js'

/**
 * Regression (outside probe of issue 12, item 2's class beyond the native routes): an
 * unauthenticated 8 MiB flattened JWS built to make JSON.parse slow held the event loop for about a
 * second on `POST /v1/envelopes`, and 8 MiB of JSON to `POST /v1/admin/session` for 200 ms. The
 * envelope's outer JSON, protected header and payload are shape-checked in one bounded pass before
 * any parse, and every route without a limit of its own takes at most 256 KiB. Asserted here: each
 * body is refused by that pass (its own detail) or by the size limit, and no large input reaches
 * JSON.parse meanwhile; the time it takes is bench/hostile-bodies.ts's.
 */

const MiB = 1024 * 1024
const FLAT = { 'content-type': 'application/jose+json' }
const b64 = (b: Buffer): string => b.toString('base64url')

t.test('hostile envelopes and JSON bodies are refused by the shape check or the size limit, unparsed', async (t) => {
  const h = await startHarness(t, { listen: true, settings: { apiRateLimitPerMinute: 1_000_000 } })
  const gw = urlOf(h)
  const flattened = (body: Buffer) => async () => await post(gw, '/v1/envelopes', FLAT, body)

  // `{"a":{},"a":{},…}`: a million tiny objects as the flattened JWS itself.
  const wide = Buffer.concat([ascii('{'), fill(8 * MiB - 16, '"a":{},'), ascii('"b":{}}')])
  const r1 = await refusedUnparsed(t, gw, '8 MiB of tiny objects as a flattened JWS', flattened(wide))
  t.same([r1.status, r1.body.code], [400, 'ENVELOPE_MALFORMED'])
  t.equal(r1.body.detail, 'the flattened JWS is not the shape of a JWS envelope (nested more than 1 levels deep)')

  const deep = Buffer.concat([fill(4 * MiB - 1, '['), fill(4 * MiB - 1, ']')])
  const r2 = await refusedUnparsed(t, gw, '8 MiB nested arrays as a flattened JWS', flattened(deep))
  t.same([r2.status, r2.body.code], [400, 'ENVELOPE_MALFORMED'])
  t.equal(r2.body.detail, 'the flattened JWS is not the shape of a JWS envelope (nested more than 1 levels deep)')

  // A well-formed compact JWS whose payload (parsed before the signature can be checked, to find
  // the issuer's key) is six million values.
  const header = b64(Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'yrd-envelope+jwt', kid: 'k' })))
  const payload = b64(Buffer.concat([ascii('{"iss":"SH","items":['), fill(4 * MiB, '0,'), ascii('0]}')]))
  const compact = ascii(`${header}.${payload}.${b64(Buffer.alloc(64))}`)
  const r3 = await refusedUnparsed(t, gw, 'a compact JWS whose payload is 2 million values',
    async () => await post(gw, '/v1/envelopes', { 'content-type': 'application/jose' }, compact))
  t.same([r3.status, r3.body.code], [400, 'ENVELOPE_MALFORMED'])
  t.equal(r3.body.detail, 'payload is not the shape of a JWS envelope (more than 500000 values)')

  const login = Buffer.concat([ascii('{"username":"a","password":"'), fill(8 * MiB, 'x'), ascii('"}')])
  const r4 = await refusedUnparsed(t, gw, '8 MiB to the login route',
    async () => await post(gw, '/v1/admin/session', { 'content-type': 'application/json' }, login))
  t.equal(r4.status, 413, 'over the 256 KiB of a route without a limit of its own')

  t.equal(await h.count('envelopes'), 0, 'nothing stored')
})

t.test('a legitimate envelope of 1,000 items still goes through', async (t) => {
  const { sampleEntry } = await import('../../sim/sample-entries.js')
  const h = await startHarness(t)
  const items = Array.from({ length: 1000 }, (_, i) => sampleEntry('SH', '310000', i + 1, { person: i % 2 === 0 }))
  for (const serialisation of ['compact', 'flattened'] as const) {
    const { jws } = await h.sign('SH', { kind: 'list.upsert', items: serialisation === 'compact' ? items : items.map((e) => ({ ...e, version: 2 })) }, serialisation)
    const res = await h.post(jws, serialisation === 'compact' ? 'application/jose' : 'application/jose+json')
    t.equal(res.status, 202, `${serialisation}: accepted`)
  }
})
