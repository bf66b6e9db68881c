import t, { type Test } from 'tap'
import {
  CompactSign, FlattenedSign, createLocalJWKSet, generateKeyPair, importJWK,
  type CompactJWSHeaderParameters, type CryptoKey, type JWK, type JWTVerifyGetKey
} from 'jose'
import { ENVELOPE_TYP } from '../../contracts/envelope-v1.js'
import { digestOf } from '../../src/envelopes/parse-jws.js'
import { platformSigner, signEnvelope, type PlatformSigner } from '../../src/envelopes/sign-envelope.js'
import { EnvelopeVerifier, type Claimed, type VerifiedEnvelope } from '../../src/envelopes/verify-envelope.js'
import { GatewayError, type ErrorCode } from '../../src/errors/gateway-error.js'
import type { KeyDirectory } from '../../src/keys/platform-keys.js'
import { generatePrivateJwk, publicPart } from '../../src/keys/signing-keys.js'

// A fixed clock: every envelope is issued at NOW and verified at NOW unless a test says otherwise.
const NOW = 1_800_000_000
const NOW_MS = NOW * 1000
const SKEW = 60

const shJwk: JWK = await generatePrivateJwk('ES256', 'sh-k1')
const jsJwk: JWK = await generatePrivateJwk('EdDSA', 'js-k1')
const shKey = await importJWK(shJwk, 'ES256') as CryptoKey
const jsKey = await importJWK(jsJwk, 'EdDSA') as CryptoKey
const shSigner: PlatformSigner = await platformSigner('SH', shJwk)
const jsSigner: PlatformSigner = await platformSigner('JS', jsJwk)

const sets = new Map<string, JWTVerifyGetKey>([
  ['SH', createLocalJWKSet({ keys: [publicPart(shJwk)] })],
  ['JS', createLocalJWKSet({ keys: [publicPart(jsJwk)] })]
])
const keys: KeyDirectory = {
  platform: (id) => sets.get(id),
  admin: () => undefined
}
const verifier = new EnvelopeVerifier(keys, SKEW)

const SH_HEADER: CompactJWSHeaderParameters = { alg: 'ES256', kid: 'sh-k1', typ: ENVELOPE_TYP }
const encoder = new TextEncoder()
const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

function claimsOf (over: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: 'SH', aud: 'YRD', jti: 'SH-0001', iat: NOW, exp: NOW + 300, kind: 'list.upsert', items: [{}], ...over }
}

/** Signs arbitrary claims under an arbitrary protected header, as an attacker or a buggy platform could. */
async function signRaw (
  claims: Record<string, unknown>,
  header: CompactJWSHeaderParameters = SH_HEADER,
  key: CryptoKey | Uint8Array = shKey,
  crit?: Record<string, boolean>
): Promise<string> {
  const signer = new CompactSign(encoder.encode(JSON.stringify(claims))).setProtectedHeader(header)
  return await signer.sign(key, crit === undefined ? undefined : { crit })
}

const claimedOf = (body: Buffer): Claimed => ({ digest: digestOf(body) })

async function verify (jws: string, serialisation: 'compact' | 'flattened' = 'compact', nowMs = NOW_MS, claimed?: Claimed): Promise<VerifiedEnvelope> {
  const body = Buffer.from(jws)
  return await verifier.verify(body, serialisation, claimed ?? claimedOf(body), nowMs)
}

/** Resolves to the GatewayError a verification rejects with (fails the test when it resolves). */
async function rejection (jws: string, serialisation: 'compact' | 'flattened' = 'compact', nowMs = NOW_MS, claimed?: Claimed): Promise<GatewayError> {
  try {
    await verify(jws, serialisation, nowMs, claimed)
  } catch (err) {
    if (err instanceof GatewayError) return err
    throw new Error(`expected a GatewayError, got ${String(err)}`, { cause: err })
  }
  throw new Error('expected the envelope to be rejected, but it verified')
}

/** Asserts a rejection with `code`; an envelope that verifies fails the assertion without ending the test. */
async function rejectsWith (t: Test, code: ErrorCode, jws: string, what: string, serialisation: 'compact' | 'flattened' = 'compact', nowMs = NOW_MS): Promise<GatewayError | undefined> {
  try {
    await verify(jws, serialisation, nowMs)
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err
    t.equal(err.code, code, `${what}: ${code}`)
    return err
  }
  t.fail(`${what}: expected ${code}, but the envelope verified`)
  return undefined
}

const parts = (jws: string): [string, string, string] => {
  const [p = '', pl = '', s = ''] = jws.split('.')
  return [p, pl, s]
}

t.test('a valid compact envelope verifies (ES256 and EdDSA)', async (t) => {
  for (const signer of [shSigner, jsSigner]) {
    const items = [{ n: 1 }, { n: 2 }]
    const { jws, jti } = await signEnvelope(signer, { kind: 'list.upsert', items, iat: NOW })
    const body = Buffer.from(jws)
    const claimed: Claimed = { digest: digestOf(body) }
    const v = await verifier.verify(body, 'compact', claimed, NOW_MS)
    t.same(v.claims, { iss: signer.iss, aud: 'YRD', jti, iat: NOW, exp: NOW + 300, kind: 'list.upsert', items }, `${signer.alg}: claims returned`)
    t.equal(v.digest, digestOf(body), `${signer.alg}: digest is the SHA-256 of the bytes received`)
    t.equal(v.kid, signer.kid, `${signer.alg}: kid`)
    t.equal(v.alg, signer.alg, `${signer.alg}: alg`)
    t.equal(v.raw, jws, `${signer.alg}: raw`)
    t.equal(claimed.iss, signer.iss, `${signer.alg}: claimed iss`)
    t.equal(claimed.jti, jti, `${signer.alg}: claimed jti`)
  }
})

t.test('a valid flattened envelope verifies (ES256 and EdDSA)', async (t) => {
  for (const signer of [shSigner, jsSigner]) {
    const { jws, jti } = await signEnvelope(signer, { kind: 'objection.open', items: [{ a: 'b' }], iat: NOW }, 'flattened')
    const v = await verify(jws, 'flattened')
    t.equal(v.claims.jti, jti, `${signer.alg}: jti`)
    t.equal(v.claims.iss, signer.iss, `${signer.alg}: iss`)
    t.equal(v.claims.kind, 'objection.open', `${signer.alg}: kind`)
    t.same(v.claims.items, [{ a: 'b' }], `${signer.alg}: items`)
    t.equal(v.digest, digestOf(Buffer.from(jws)), `${signer.alg}: digest`)
  }
})

t.test('surrounding whitespace is tolerated; the digest covers the bytes as received', async (t) => {
  const { jws } = await signEnvelope(shSigner, { kind: 'list.upsert', items: [{}], iat: NOW })
  const v = await verify(`\n${jws}\r\n`)
  t.equal(v.digest, digestOf(Buffer.from(`\n${jws}\r\n`)))
})

t.test('algorithms other than ES256 and EdDSA: ALG_NOT_ALLOWED', async (t) => {
  const payload = b64(claimsOf())
  const noneHeader = b64({ alg: 'none', kid: 'sh-k1', typ: ENVELOPE_TYP })
  await rejectsWith(t, 'ALG_NOT_ALLOWED', `${noneHeader}.${payload}.AAAA`, 'alg none with a filler signature')

  const hs = await signRaw(claimsOf(), { alg: 'HS256', kid: 'sh-k1', typ: ENVELOPE_TYP }, new Uint8Array(32).fill(7))
  await rejectsWith(t, 'ALG_NOT_ALLOWED', hs, 'HS256')

  const rsa = await generateKeyPair('RS256')
  const rs = await signRaw(claimsOf(), { alg: 'RS256', kid: 'sh-k1', typ: ENVELOPE_TYP }, rsa.privateKey)
  await rejectsWith(t, 'ALG_NOT_ALLOWED', rs, 'RS256')

  const p384 = await generateKeyPair('ES384')
  const es384 = await signRaw(claimsOf(), { alg: 'ES384', kid: 'sh-k1', typ: ENVELOPE_TYP }, p384.privateKey)
  const err = await rejectsWith(t, 'ALG_NOT_ALLOWED', es384, 'ES384')
  t.equal(err?.status, 401, 'ALG_NOT_ALLOWED is 401')

  const noAlg = `${b64({ kid: 'sh-k1', typ: ENVELOPE_TYP })}.${payload}.AAAA`
  await rejectsWith(t, 'ENVELOPE_MALFORMED', noAlg, 'no alg at all')
})

t.test('alg none as a real unsecured JWS (empty signature): ALG_NOT_ALLOWED', async (t) => {
  // RFC 7515 Appendix A.5: an unsecured JWS has an empty third part.
  const unsecured = `${b64({ alg: 'none', kid: 'sh-k1', typ: ENVELOPE_TYP })}.${b64(claimsOf())}.`
  await rejectsWith(t, 'ALG_NOT_ALLOWED', unsecured, 'alg none, unsecured JWS')
})

t.test('typ must be yrd-envelope+jwt', async (t) => {
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf(), { alg: 'ES256', kid: 'sh-k1', typ: 'JWT' }), 'typ JWT')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf(), { alg: 'ES256', kid: 'sh-k1', typ: 'YRD-ENVELOPE+JWT' }), 'typ in another case')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf(), { alg: 'ES256', kid: 'sh-k1' }), 'typ missing')
})

t.test('kid is required and must be in the issuer\'s key set', async (t) => {
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf(), { alg: 'ES256', typ: ENVELOPE_TYP }), 'kid missing')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf(), { alg: 'ES256', kid: '', typ: ENVELOPE_TYP }), 'kid empty')
  const err = await rejectsWith(t, 'KEY_UNKNOWN', await signRaw(claimsOf(), { alg: 'ES256', kid: 'sh-k9', typ: ENVELOPE_TYP }), 'kid not in the set')
  t.equal(err?.status, 401)
  // JS's key and kid, but claiming to be SH: SH's set has no js-k1.
  const crossed = await signRaw(claimsOf({ iss: 'SH' }), { alg: 'EdDSA', kid: 'js-k1', typ: ENVELOPE_TYP }, jsKey)
  await rejectsWith(t, 'KEY_UNKNOWN', crossed, 'signed by JS, iss SH')
  // SH's kid, but signed with JS's Ed25519 key: no SH key matches alg EdDSA.
  const forged = await signRaw(claimsOf({ iss: 'SH' }), { alg: 'EdDSA', kid: 'sh-k1', typ: ENVELOPE_TYP }, jsKey)
  await rejectsWith(t, 'KEY_UNKNOWN', forged, 'SH kid with an EdDSA signature')
})

t.test('iss must be a configured platform', async (t) => {
  const claimed: Claimed = { digest: 'x' }
  const err = await rejection(await signRaw(claimsOf({ iss: 'ZJ' })), 'compact', NOW_MS, claimed)
  t.equal(err.code, 'ISSUER_UNKNOWN')
  t.equal(err.status, 401)
  t.equal(claimed.iss, 'ZJ', 'the claimed issuer is recorded for the security log')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf({ iss: 42 })), 'iss not a string')
  const { iss: _omit, ...noIss } = claimsOf()
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(noIss), 'iss missing')
})

t.test('a payload altered after signing: SIGNATURE_INVALID', async (t) => {
  const jws = await signRaw(claimsOf({ items: [{ n: 1 }] }))
  const [p, , s] = parts(jws)
  const tampered = `${p}.${b64(claimsOf({ items: [{ n: 2 }] }))}.${s}`
  const claimed: Claimed = { digest: 'x' }
  const err = await rejection(tampered, 'compact', NOW_MS, claimed)
  t.equal(err.code, 'SIGNATURE_INVALID')
  t.equal(err.status, 401)
  t.equal(claimed.iss, 'SH', 'claimed iss filled before the signature check')
  t.equal(claimed.jti, 'SH-0001', 'claimed jti filled before the signature check')

  const flat = JSON.parse((await signEnvelope(jsSigner, { kind: 'list.upsert', items: [{ n: 1 }], iat: NOW }, 'flattened')).jws) as Record<string, string>
  const payload = JSON.parse(Buffer.from(flat.payload ?? '', 'base64url').toString()) as Record<string, unknown>
  const flatTampered = JSON.stringify({ ...flat, payload: b64({ ...payload, kind: 'list.remove' }) })
  await rejectsWith(t, 'SIGNATURE_INVALID', flatTampered, 'flattened payload altered', 'flattened')
})

t.test('a signature altered: SIGNATURE_INVALID', async (t) => {
  for (const [key, header] of [[shKey, SH_HEADER], [jsKey, { alg: 'EdDSA', kid: 'js-k1', typ: ENVELOPE_TYP }]] as const) {
    const jws = await signRaw(claimsOf({ iss: header.kid === 'js-k1' ? 'JS' : 'SH' }), header, key)
    const [p, pl, s] = parts(jws)
    const sig = Buffer.from(s, 'base64url')
    sig[10] = (sig[10] ?? 0) ^ 0x01
    await rejectsWith(t, 'SIGNATURE_INVALID', `${p}.${pl}.${sig.toString('base64url')}`, `${header.alg}: one bit flipped`)
    const zero = Buffer.alloc(sig.length).toString('base64url')
    await rejectsWith(t, 'SIGNATURE_INVALID', `${p}.${pl}.${zero}`, `${header.alg}: all-zero signature`)
  }
})

t.test('aud must be YRD, or an array naming YRD alone', async (t) => {
  const arrayErr = await rejectsWith(t, 'AUDIENCE_INVALID', await signRaw(claimsOf({ aud: ['JS', 'ZJ'] })), 'aud array without YRD')
  t.equal(arrayErr?.status, 401)
  // Regression (issue 12 item 4): an envelope addressed to YRD and another party was accepted.
  await rejectsWith(t, 'AUDIENCE_INVALID', await signRaw(claimsOf({ aud: ['JS', 'YRD'] })), 'aud array naming YRD and JS')
  await rejectsWith(t, 'AUDIENCE_INVALID', await signRaw(claimsOf({ aud: ['YRD', 'yrd'] })), 'aud array naming YRD and yrd')
  const v = await verify(await signRaw(claimsOf({ aud: ['YRD'] })))
  t.same(v.claims.aud, ['YRD'], 'aud array naming YRD alone accepted')
  // Regression: a single string audience other than YRD must be refused as AUDIENCE_INVALID, like an array.
  await rejectsWith(t, 'AUDIENCE_INVALID', await signRaw(claimsOf({ aud: 'JS' })), 'aud string JS')
  await rejectsWith(t, 'AUDIENCE_INVALID', await signRaw(claimsOf({ aud: 'yrd' })), 'aud string yrd (case matters)')
})

t.test('exp and iat against the clock, with 60 s of skew', async (t) => {
  const jws = await signRaw(claimsOf({ iat: NOW, exp: NOW + 300 }))
  const expired = await rejectsWith(t, 'ENVELOPE_EXPIRED', jws, 'exp + 61 s', 'compact', (NOW + 300 + SKEW + 1) * 1000)
  t.equal(expired?.status, 401)
  await rejectsWith(t, 'ENVELOPE_EXPIRED', jws, 'a day after exp', 'compact', (NOW + 86_400) * 1000)
  t.ok(await verify(jws, 'compact', (NOW + 300 + SKEW) * 1000), 'exp + 60 s accepted (within skew)')
  t.ok(await verify(jws, 'compact', (NOW + 310) * 1000), 'exp + 10 s accepted')
  await rejectsWith(t, 'ENVELOPE_EXPIRED', jws, 'iat 61 s in the future', 'compact', (NOW - SKEW - 1) * 1000)
  t.ok(await verify(jws, 'compact', (NOW - SKEW) * 1000), 'iat 60 s in the future accepted (within skew)')
})

t.test('nbf is honoured, with 60 s of skew (regression: it was ignored)', async (t) => {
  const early = await rejectsWith(t, 'ENVELOPE_EXPIRED', await signRaw(claimsOf({ nbf: NOW + SKEW + 1 })), 'nbf 61 s ahead')
  t.match(early?.message, /nbf/)
  await rejectsWith(t, 'ENVELOPE_EXPIRED', await signRaw(claimsOf({ nbf: NOW + 86_400 })), 'nbf a day ahead')
  t.ok(await verify(await signRaw(claimsOf({ nbf: NOW + SKEW }))), 'nbf 60 s ahead accepted (within skew)')
  t.ok(await verify(await signRaw(claimsOf({ nbf: NOW - 10 }))), 'nbf in the past accepted')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf({ nbf: 'soon' })), 'nbf not a number')
})

t.test('lifetime and claim shapes', async (t) => {
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf({ exp: NOW + 601 })), 'exp − iat = 601')
  t.ok(await verify(await signRaw(claimsOf({ exp: NOW + 600 }))), 'exp − iat = 600 accepted')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf({ exp: NOW })), 'exp = iat')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf({ exp: NOW - 10 })), 'exp before iat')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf({ iat: NOW + 0.5 })), 'iat not an integer')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf({ jti: 'j'.repeat(129) })), 'jti of 129 characters')
  t.ok(await verify(await signRaw(claimsOf({ jti: 'j'.repeat(128) }))), 'jti of 128 characters accepted')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf({ jti: '' })), 'empty jti')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf({ jti: 'a b' })), 'jti with a space')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf({ kind: 'list.delete' })), 'unknown kind')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf({ items: [] })), 'empty items')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf({ items: {} })), 'items not an array')
  const tooMany = await rejectsWith(t, 'PAYLOAD_TOO_LARGE', await signRaw(claimsOf({ items: Array.from({ length: 1001 }, () => ({})) })), '1,001 items')
  t.equal(tooMany?.status, 413)
  const v = await verify(await signRaw(claimsOf({ items: Array.from({ length: 1000 }, () => ({})) })))
  t.equal(v.claims.items.length, 1000, '1,000 items accepted')
})

t.test('compact strings that are not a JWS: ENVELOPE_MALFORMED', async (t) => {
  const jws = await signRaw(claimsOf())
  const [p, pl, s] = parts(jws)
  await rejectsWith(t, 'ENVELOPE_MALFORMED', `${p}.${pl}`, 'two parts')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', `${p}.${pl}.${s}.${s}`, 'four parts')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', `${p}..${s}`, 'empty payload (detached)')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', '', 'empty body')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', `${p}.${pl}.${s.slice(0, 10)}+${s.slice(11)}`, '+ in the signature')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', `${p}.${pl}.${s}=`, '= padding')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', `${p}.${pl.slice(0, 5)}/${pl.slice(6)}.${s}`, '/ in the payload')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', `${p}.${pl} .${s}`, 'a space inside')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', `${b64('not json')}.${pl}.${s}`, 'header not JSON')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', `${b64('["ES256"]')}.${pl}.${s}`, 'header a JSON array')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', `${p}.${b64('{"iss":"SH"')}.${s}`, 'payload not JSON')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', `${p}.${b64('null')}.${s}`, 'payload JSON null')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', jws, 'a compact JWS sent as flattened', 'flattened')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', `${p}.${pl.slice(0, 5)}é${pl.slice(6)}.${s}`, 'a non-ASCII character in the payload')
  // A byte with the high bit set is not taken for the ASCII letter below it (ASCII decoding alone would).
  const highBit = Buffer.from(jws)
  highBit[p.length + 10] = (highBit[p.length + 10] ?? 0) | 0x80
  const err = await verifier.verify(highBit, 'compact', { digest: digestOf(highBit) }, NOW_MS).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof GatewayError && err.code === 'ENVELOPE_MALFORMED', 'a byte above 0x7f in the payload: ENVELOPE_MALFORMED')
})

t.test('flattened bodies that are not an acceptable JWS: ENVELOPE_MALFORMED', async (t) => {
  const { jws } = await signEnvelope(shSigner, { kind: 'list.upsert', items: [{}], iat: NOW }, 'flattened')
  const flat = JSON.parse(jws) as Record<string, string>
  await rejectsWith(t, 'ENVELOPE_MALFORMED', jws.slice(0, -1), 'not JSON', 'flattened')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', '[]', 'a JSON array', 'flattened')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', JSON.stringify({ ...flat, signatures: [] }), 'an extra member', 'flattened')
  const { signature: _sig, ...noSig } = flat
  await rejectsWith(t, 'ENVELOPE_MALFORMED', JSON.stringify(noSig), 'no signature', 'flattened')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', JSON.stringify({ ...flat, payload: `${flat.payload ?? ''}=` }), 'padded payload', 'flattened')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', JSON.stringify({ ...flat, protected: 42 }), 'protected not a string', 'flattened')
})

t.test('a flattened JWS with an unprotected header member: ENVELOPE_MALFORMED', async (t) => {
  const { jws } = await signEnvelope(shSigner, { kind: 'list.upsert', items: [{}], iat: NOW }, 'flattened')
  const flat = JSON.parse(jws) as Record<string, string>
  // Unprotected header parameters are not covered by the signature; the contract accepts none.
  await rejectsWith(t, 'ENVELOPE_MALFORMED', JSON.stringify({ ...flat, header: { kid: 'sh-k1' } }), 'header { kid }', 'flattened')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', JSON.stringify({ ...flat, header: {} }), 'header {}', 'flattened')
  // jose's own FlattenedSign can produce one; it must be refused all the same.
  const withHeader = await new FlattenedSign(encoder.encode(JSON.stringify(claimsOf())))
    .setProtectedHeader(SH_HEADER).setUnprotectedHeader({ 'x-note': 'unsigned' }).sign(shKey)
  await rejectsWith(t, 'ENVELOPE_MALFORMED', JSON.stringify(withHeader), 'header from FlattenedSign', 'flattened')
})

t.test('crit, jku, jwk, x5u and b64 header parameters: ENVELOPE_MALFORMED', async (t) => {
  const crit = await signRaw(claimsOf(), { ...SH_HEADER, crit: ['x-ext'], 'x-ext': 1 }, shKey, { 'x-ext': true })
  const critErr = await rejectsWith(t, 'ENVELOPE_MALFORMED', crit, 'crit')
  t.match(critErr?.message, /crit/)
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf(), { ...SH_HEADER, jku: 'https://attacker.example/jwks.json' }), 'jku')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf(), { ...SH_HEADER, jwk: publicPart(shJwk) }), 'jwk')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf(), { ...SH_HEADER, x5u: 'https://attacker.example/cert.pem' }), 'x5u')
  await rejectsWith(t, 'ENVELOPE_MALFORMED', await signRaw(claimsOf(), { ...SH_HEADER, b64: true }), 'b64 true')
  // b64 false: an unencoded payload, hand-made (the JSON payload contains '{' so it fails the part check too).
  const unencoded = `${b64({ ...SH_HEADER, b64: false, crit: ['b64'] })}.${JSON.stringify(claimsOf())}.AAAA`
  await rejectsWith(t, 'ENVELOPE_MALFORMED', unencoded, 'b64 false, unencoded payload')
})

t.test('claimed is filled with iss and jti once known, and not before', async (t) => {
  const early: Claimed = { digest: 'd' }
  await rejection(`${b64({ alg: 'HS256', typ: ENVELOPE_TYP, kid: 'k' })}.${b64(claimsOf())}.AAAA`, 'compact', NOW_MS, early)
  t.equal(early.iss, undefined, 'header rejected: payload not read')
  t.equal(early.jti, undefined)
  t.equal(early.digest, 'd', 'digest left as given')

  const late: Claimed = { digest: 'd' }
  await rejection(await signRaw(claimsOf({ jti: 'SH-late', exp: NOW + 5 })), 'compact', (NOW + 1000) * 1000, late)
  t.equal(late.iss, 'SH', 'expired: iss known')
  t.equal(late.jti, 'SH-late', 'expired: jti known')

  const long: Claimed = { digest: 'd' }
  await rejection(await signRaw(claimsOf({ iss: 'X'.repeat(100), jti: 'j'.repeat(300) })), 'compact', NOW_MS, long)
  t.equal(long.iss?.length, 32, 'claimed iss truncated to 32 characters')
  t.equal(long.jti?.length, 128, 'claimed jti truncated to 128 characters')

  const noJti: Claimed = { digest: 'd' }
  const { jti: _j, ...rest } = claimsOf()
  await rejection(await signRaw({ ...rest, aud: 'ZZZ' }), 'compact', NOW_MS, noJti)
  t.equal(noJti.iss, 'SH')
  t.equal(noJti.jti, undefined, 'no jti claimed when there is none')
})
