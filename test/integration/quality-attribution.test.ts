import { randomBytes } from 'node:crypto'
import t from 'tap'
import { CompactSign } from 'jose'
import { startHarness, urlOf, type Harness } from '../helpers/harness.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { publishShNative } from '../../sim/sh-rest-publisher.js'
import { currentMonth } from '../../src/quality/quality-routes.js'
import { ENVELOPE_TYP } from '../../contracts/envelope-v1.js'

// Issue 12 item 10: a refusal at or before the signature check was charged to the issuer the
// envelope claimed, so anyone could inflate SH's rejection rate in /v1/quality.

const appKey = 'sh-app'
const appSecret = randomBytes(24).toString('base64url')
const now = (): number => Math.floor(Date.now() / 1000)

/** Refusals per source over every month the test ran in (it may straddle a month's end). */
async function refusedBySource (h: Harness, from: string): Promise<Record<string, Record<string, number>>> {
  const token = await h.adminToken('auditor')
  const res = await h.app.inject({ url: `/v1/quality?from=${from}&to=${currentMonth()}`, headers: { authorization: `Bearer ${token}` } })
  const rows = (
    res.json() as { rows: Array<{ source: string, envelopes: { refusedByReason: Record<string, number> } }> }
  ).rows
  const out: Record<string, Record<string, number>> = {}
  for (const r of rows) {
    const into = out[r.source] ?? {}
    for (const [code, n] of Object.entries(r.envelopes.refusedByReason)) into[code] = (into[code] ?? 0) + n
    out[r.source] = into
  }
  return out
}

t.test('a forged envelope claiming SH counts as unattributed; SH\'s own refusals still count as SH\'s', async (t) => {
  const h = await startHarness(t, {
    listen: true,
    platformSecrets: { SH: { APP_KEY: appKey, APP_SECRET: appSecret } },
    platformOverrides: (p) => p.id === 'SH' ? { ...p, adapter: 'sh-rest', endpoint: 'http://127.0.0.1:9/api/credit/v2/records' } : p
  })
  const from = currentMonth()
  const claims = { iss: 'SH', aud: 'YRD', jti: 'forged-1', iat: now(), exp: now() + 300, kind: 'list.upsert', items: [sampleEntry('SH', '310000', 1)] }
  // Signed with ZJ's real key under SH's kid: the signature does not verify.
  const zj = h.platform('ZJ').signer
  const forged = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: zj.alg, kid: h.platform('SH').signer.kid, typ: ENVELOPE_TYP }).sign(zj.key)
  const refusal = await h.post(forged)
  t.same([refusal.status, refusal.body.code], [401, 'SIGNATURE_INVALID'])
  const unknownKid = await new CompactSign(new TextEncoder().encode(JSON.stringify({ ...claims, jti: 'forged-2' })))
    .setProtectedHeader({ alg: zj.alg, kid: 'sh-k9', typ: ENVELOPE_TYP }).sign(zj.key)
  t.same((await h.post(unknownKid)).body.code, 'KEY_UNKNOWN')
  // Natively: a wrong HMAC under SH's app key.
  const badHmac = await publishShNative(urlOf(h), { appKey, appSecret: 'not-the-secret', kind: 'list.upsert', items: [sampleEntry('SH', '310000', 2)] })
  t.equal(badHmac.answer.code, '1001', 'native: bad HMAC')

  // SH's own, authenticated, refusals: by JWS and natively.
  const own = await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('JS', '320000', 1)] })
  t.same((await h.post(own.jws)).body.code, 'NOT_OWNER')
  const nativeOwn = await publishShNative(urlOf(h), { appKey, appSecret, kind: 'list.upsert', items: [sampleEntry('JS', '320000', 2)] })
  t.equal(nativeOwn.answer.data?.gatewayCode, 'NOT_OWNER', 'native, authenticated: refused for ownership')

  const refused = await refusedBySource(h, from)
  t.same(refused.SH, { NOT_OWNER: 2 }, 'SH is charged with its own refusals only')
  t.same(refused.unattributed, { SIGNATURE_INVALID: 2, KEY_UNKNOWN: 1 }, 'the forgeries are unattributed')
  const log = await h.db.query<{ code: string, iss_claimed: string, authenticated: boolean }>('SELECT code, iss_claimed, authenticated FROM security_log ORDER BY id')
  t.same(log.rows.map((r) => [r.code, r.iss_claimed, r.authenticated]), [
    ['SIGNATURE_INVALID', 'SH', false], ['KEY_UNKNOWN', 'SH', false], ['SIGNATURE_INVALID', 'SH', false], ['NOT_OWNER', 'SH', true], ['NOT_OWNER', 'SH', true]
  ], 'the security log still says what was claimed, and whether it was proved')
})
