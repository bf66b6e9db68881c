import t from 'tap'
import { SignJWT, type JWTPayload } from 'jose'
import { startHarness, type Harness } from '../helpers/harness.js'
import { ENVELOPE_TYP } from '../../contracts/envelope-v1.js'
const BEARER_TYPS = ['JWT', 'at+jwt']

// Issue 12 item 4: bearer tokens signed with a platform's real key, probed on a read route. A
// token that authenticates reaches the route (404 NOT_FOUND for an unknown message); one that
// does not is refused 401 UNAUTHORIZED before the route runs.

const now = (): number => Math.floor(Date.now() / 1000)

async function tokenOf (h: Harness, claims: JWTPayload, typ: string | null = 'JWT'): Promise<string> {
  const sh = h.platform('SH').signer
  const header = typ === null ? { alg: sh.alg, kid: sh.kid } : { alg: sh.alg, kid: sh.kid, typ }
  return await new SignJWT(claims).setProtectedHeader(header).sign(sh.key)
}

async function probe (h: Harness, token: string): Promise<[number, string]> {
  const res = await h.app.inject({ url: '/v1/messages/no-such-message', headers: { authorization: `Bearer ${token}` } })
  return [res.statusCode, res.json().code]
}

const REFUSED: [number, string] = [401, 'UNAUTHORIZED']
const ADMITTED: [number, string] = [404, 'NOT_FOUND']

t.test('a token from the future is refused: iat, exp and nbf are judged against the clock', async (t) => {
  const h = await startHarness(t)
  const base = { iss: 'SH', aud: 'YRD' }
  const yearAhead = now() + 365 * 86_400
  // Regression: only exp − iat was checked, so a token minted for next year worked all year long.
  t.same(await probe(h, await tokenOf(h, { ...base, iat: yearAhead, exp: yearAhead + 900 })), REFUSED, 'iat a year ahead, exp = iat + 900')
  t.same(await probe(h, await tokenOf(h, { ...base, iat: now() + 120, exp: now() + 600 })), REFUSED, 'iat 2 min ahead (beyond the 60 s skew)')
  t.same(await probe(h, await tokenOf(h, { ...base, iat: now() + 30, exp: now() + 300 })), ADMITTED, 'iat 30 s ahead (within the skew)')
  t.same(await probe(h, await tokenOf(h, { ...base, iat: now(), exp: now() + 300, nbf: now() + 3600 })), REFUSED, 'nbf an hour ahead')
  t.same(await probe(h, await tokenOf(h, { ...base, iat: now() - 5, exp: now() + 300, nbf: now() - 5 })), ADMITTED, 'nbf passed')
  t.same(await probe(h, await tokenOf(h, { ...base, iat: now() - 1000, exp: now() + 100 })), REFUSED, 'lifetime 1,100 s > 900 s')
  t.same(await probe(h, await tokenOf(h, { ...base, iat: now() - 300, exp: now() + 600 })), ADMITTED, 'lifetime 900 s, issued 5 min ago')
})

t.test('only a bearer typ is a token: an envelope or any yrd-* object signed by the same key is refused', async (t) => {
  const h = await startHarness(t)
  const claims = { iss: 'SH', aud: 'YRD', iat: now(), exp: now() + 300 }
  // Regression: any signed envelope (same key, iss, aud, iat, exp) worked as a bearer token.
  const { jws } = await h.sign('SH', { kind: 'list.upsert', items: [{}] })
  t.same(await probe(h, jws), REFUSED, 'a signed envelope as a token')
  for (const typ of [ENVELOPE_TYP, 'yrd-receipt+jwt', 'yrd-attested+jwt', 'yrd-check-receipt+jwt', 'yrd-checkpoint+jwt', 'application/yrd-envelope+jwt', 'jose', 'JWS']) {
    t.same(await probe(h, await tokenOf(h, { ...claims, jti: 'x' }, typ)), REFUSED, `typ ${typ}`)
  }
  t.same(await probe(h, await tokenOf(h, claims, null)), REFUSED, 'no typ')
  for (const typ of [...BEARER_TYPS, 'jwt', 'application/at+jwt']) {
    t.same(await probe(h, await tokenOf(h, claims, typ)), ADMITTED, `typ ${typ} accepted`)
  }
  t.same(await probe(h, await h.platformToken('SH')), ADMITTED, 'mintToken writes a bearer typ')
  t.same(await probe(h, await h.adminToken('auditor')), ADMITTED, 'so for admin tokens')
})
