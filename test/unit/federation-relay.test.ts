import type { JWK, JWTVerifyGetKey } from 'jose'
import t from 'tap'
import type { PeerConfig } from '../../config/peer-schema.js'
import { RELAY_TYP } from '../../contracts/relay-v1.js'
import { platformSigner, signEnvelope } from '../../src/envelopes/sign-envelope.js'
import { GatewayError, type ErrorCode } from '../../src/errors/gateway-error.js'
import { peerDirectory } from '../../src/federation/peer-directory.js'
import { signRelay } from '../../src/federation/relay-message.js'
import { sharedBy } from '../../src/federation/share-policy.js'
import { RelayVerifier } from '../../src/federation/verify-relay.js'
import { SM2_ALG } from '../../src/keys/jws.js'
import { keySetFor } from '../../src/keys/platform-keys.js'
import { gatewayKeysFrom, generatePrivateJwk, publicPart } from '../../src/keys/signing-keys.js'
import { sampleEntry } from '../../sim/sample-entries.js'

// Issue 18, first part: a relay from a peer gateway carries the original publisher's envelope
// unchanged and is checked against both the peer's keys and the publisher's own; loops, other
// audiences, unknown peers and origins, and what the share policy does not admit are refused with
// stable problem codes. Real keys (ES256, EdDSA, SM2), no HTTP.

const NOW = 1_800_000_000
const NOW_MS = NOW * 1000
const COURT_LIST = 'court-dishonest-debtor'

const cnKeys = await gatewayKeysFrom([await generatePrivateJwk(SM2_ALG, 'cn-gw-1')])
const jjjKeys = await gatewayKeysFrom([await generatePrivateJwk('ES256', 'jjj-gw-1')])
const fyJwk: JWK = await generatePrivateJwk('ES256', 'fy-1')
const bjJwk: JWK = await generatePrivateJwk('EdDSA', 'bj-1')
const fy = await platformSigner('FY', fyJwk)
const bj = await platformSigner('BJ', bjJwk)

const peer = (over: Partial<PeerConfig> = {}): PeerConfig => ({
  id: 'CN',
  name: '全国信用信息共享平台',
  jwks: cnKeys.jwks,
  enabled: true,
  paused: false,
  origins: { FY: { regionCode: '000000', jwks: { keys: [publicPart(fyJwk)] } }, BJ: { regionCode: '110000', jwks: { keys: [publicPart(bjJwk)] } } },
  share: { down: [{ kinds: ['list.upsert', 'list.remove'], listCodes: [COURT_LIST, 'regional-black'] }], up: [] },
  ...over
})
const keySet = (holder: Parameters<typeof keySetFor>[0]): JWTVerifyGetKey => keySetFor(holder, 600_000, 0, [])
const verifierWith = (p: PeerConfig): RelayVerifier => new RelayVerifier(peerDirectory([p], keySet), 'YRD', 60)
const verifier = verifierWith(peer())

const courtEntry = { ...sampleEntry('FY', '110000', 1, { now: new Date(NOW_MS) }), listCode: COURT_LIST }
const published = await signEnvelope(fy, { kind: 'list.upsert', items: [courtEntry], iat: NOW - 3600, aud: 'CN', jti: 'FY-1' })

async function refusal (p: Promise<unknown>): Promise<ErrorCode | 'accepted'> {
  try {
    await p
    return 'accepted'
  } catch (err) {
    if (err instanceof GatewayError) return err.code
    throw err
  }
}
const verify = async (jws: string, v = verifier): Promise<unknown> => await v.verify(Buffer.from(jws), { digest: 'd' }, NOW_MS)

t.test('a national court-list entry relayed by CN: verified against CN\'s key and the court\'s own', async (t) => {
  const { jws } = await signRelay(cnKeys, { from: 'CN', to: 'YRD', envelope: published.jws, origin: 'FY', iat: NOW })
  const r = await verifier.verify(Buffer.from(jws), { digest: 'd' }, NOW_MS)
  t.same(r.claims.via, ['CN'])
  t.equal(r.original.claims.iss, 'FY', 'the owner is the original publisher, not the peer')
  t.equal(r.original.raw, published.jws, 'the original envelope, byte for byte')
  t.equal(r.original.alg, 'ES256')
  t.equal(r.peer.id, 'CN')
  t.ok(published.jws.length > 0 && r.original.claims.exp < NOW, 'an envelope past its own exp still verifies: the relay\'s lifetime is what is checked')
})

t.test('two hops: published in JJJ, relayed JJJ → CN → YRD; the path and the publisher both hold', async (t) => {
  const bjEntry = { ...sampleEntry('BJ', '110000', 2, { now: new Date(NOW_MS) }), listCode: 'regional-black' }
  const original = await signEnvelope(bj, { kind: 'list.upsert', items: [bjEntry], iat: NOW, aud: 'JJJ', jti: 'BJ-1' })
  const first = await signRelay(jjjKeys, { from: 'JJJ', to: 'CN', envelope: original.jws, origin: 'BJ', iat: NOW })
  const second = await signRelay(cnKeys, { from: 'CN', to: 'YRD', envelope: first.claims.envelope, origin: 'BJ', via: first.claims.via, iat: NOW })
  const r = await verifier.verify(Buffer.from(second.jws), { digest: 'd' }, NOW_MS)
  t.same(r.claims.via, ['JJJ', 'CN'])
  t.equal(r.original.claims.iss, 'BJ')
  t.equal(r.original.alg, 'EdDSA')
})

t.test('refusals, each with a stable code', async (t) => {
  const relay = async (over: Record<string, unknown>, keys = cnKeys): Promise<string> => await keys.sign({
    iss: 'CN', aud: 'YRD', jti: 'r-1', iat: NOW, exp: NOW + 300, via: ['CN'], origin: 'FY', envelope: published.jws, ...over
  }, RELAY_TYP)
  t.equal(await refusal(verify(await relay({ via: ['YRD', 'CN'] }))), 'RELAY_LOOP', 'the message already passed here')
  t.equal(await refusal(verify(await relay({ via: ['JJJ', 'CN', 'JJJ', 'CN'] }))), 'RELAY_LOOP', 'a path that repeats a gateway')
  t.equal(await refusal(verify(await relay({ via: ['JJJ'] }))), 'ENVELOPE_MALFORMED', 'a path that does not end with the relaying gateway')
  t.equal(await refusal(verify(await relay({ aud: 'JJJ' }))), 'AUDIENCE_INVALID', 'addressed to another gateway')
  t.equal(await refusal(verify(await relay({ iat: NOW - 1000, exp: NOW - 700 }))), 'ENVELOPE_EXPIRED', 'an expired relay')
  t.equal(await refusal(verify(await relay({ origin: 'ZJ' }))), 'ISSUER_UNKNOWN', 'an origin the peer may not relay')
  t.equal(await refusal(verify(await relay({ origin: 'BJ' }))), 'ISSUER_UNKNOWN', 'an origin other than the envelope\'s publisher')
  t.equal(await refusal(verify(await relay({ iss: 'JJJ', via: ['JJJ'] }, jjjKeys))), 'ISSUER_UNKNOWN', 'a gateway that is not a peer')
  t.equal(await refusal(verify(await relay({}, jjjKeys))), 'KEY_UNKNOWN', 'signed by a key not in CN\'s set')
  t.equal(await refusal(verify(await relay({ extra: 1 }))), 'ENVELOPE_MALFORMED', 'claims beyond the contract')

  const [h, p, s] = published.jws.split('.') as [string, string, string]
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { items: Array<{ facts: string }> }
  if (claims.items[0] !== undefined) claims.items[0].facts = '（篡改）'
  const doctored = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`
  t.equal(await refusal(verify(await relay({ envelope: doctored }))), 'SIGNATURE_INVALID', 'a nested envelope changed by the relaying gateway')
  const toYrd = await signEnvelope(fy, { kind: 'list.upsert', items: [courtEntry], iat: NOW, aud: 'YRD', jti: 'FY-2' })
  t.equal(await refusal(verify(await relay({ envelope: toYrd.jws }))), 'AUDIENCE_INVALID', 'a nested envelope not addressed to the first gateway of the path')

  const other = { ...courtEntry, listCode: 'ecology-serious-violation' }
  const unshared = await signEnvelope(fy, { kind: 'list.upsert', items: [courtEntry, other], iat: NOW, aud: 'CN', jti: 'FY-3' })
  t.equal(await refusal(verify(await relay({ envelope: unshared.jws }))), 'RELAY_NOT_SHARED', 'one item of a list CN may not send here')
  const notice = await signEnvelope(fy, { kind: 'objection.open', items: [{}], iat: NOW, aud: 'CN', jti: 'FY-4' })
  t.equal(await refusal(verify(await relay({ envelope: notice.jws }))), 'RELAY_NOT_SHARED', 'a kind CN may not send here')

  const good = await relay({})
  t.equal(await refusal(verify(good, verifierWith(peer({ paused: true })))), 'UNAVAILABLE', 'a paused peer: try again later')
  t.equal(await refusal(verify(good, verifierWith(peer({ enabled: false })))), 'ISSUER_UNKNOWN', 'a disabled peer')
  t.equal(await refusal(verify(good)), 'accepted', 'and the same relay from the peer as configured')
})

t.test('a removal is shared as the list of the entry it removes', async (t) => {
  const removal = { entryId: courtEntry.entryId, owner: 'FY', version: 2, reason: 'revoked', basis: '撤销', effectiveOn: '2027-01-01' }
  const removed = await signEnvelope(fy, { kind: 'list.remove', items: [removal], iat: NOW, aud: 'CN', jti: 'FY-9' })
  const { jws } = await signRelay(cnKeys, { from: 'CN', to: 'YRD', envelope: removed.jws, origin: 'FY', iat: NOW })
  const held = (listCode: string) => async (owner: string, ids: string[]) =>
    new Map(owner === 'FY' ? ids.map((id): [string, { listCode: string, domain: string }] => [id, { listCode, domain: 'court' }]) : [])
  const withHeld = (listCode: string): RelayVerifier => new RelayVerifier(peerDirectory([peer()], keySet), 'YRD', 60, held(listCode))
  t.equal(await refusal(verify(jws, withHeld(COURT_LIST))), 'accepted', 'the entry is on the court list: shared')
  t.equal(await refusal(verify(jws, withHeld('ecology-serious-violation'))), 'RELAY_NOT_SHARED', 'on another list: not')
  t.equal(await refusal(verify(jws)), 'RELAY_NOT_SHARED', 'an entry not held here: not shared')
})

t.test('signRelay never makes a loop', async (t) => {
  await t.rejects(signRelay(cnKeys, { from: 'CN', to: 'JJJ', envelope: published.jws, origin: 'FY', via: ['JJJ'] }), /would loop/)
  await t.rejects(signRelay(cnKeys, { from: 'CN', to: 'YRD', envelope: published.jws, origin: 'FY', via: ['CN'] }), /repeats a gateway/)
})

t.test('share rules: kinds, list codes and domains; every item of a message, never part of it', async (t) => {
  const rules = [{ kinds: ['list.upsert' as const], listCodes: ['a'] }, { kinds: ['list.upsert' as const], domains: ['ecology'] }]
  t.ok(sharedBy(rules, 'list.upsert', [{ listCode: 'a' }, { listCode: 'a', domain: 'x' }]))
  t.ok(sharedBy(rules, 'list.upsert', [{ listCode: 'b', domain: 'ecology' }]))
  t.notOk(sharedBy(rules, 'list.upsert', [{ listCode: 'a' }, { listCode: 'b', domain: 'tourism' }]), 'one item admitted by no rule')
  t.notOk(sharedBy(rules, 'list.remove', [{ listCode: 'a' }]), 'a kind no rule names')
  t.notOk(sharedBy([], 'list.upsert', [{ listCode: 'a' }]), 'no rule, nothing shared')
  t.ok(sharedBy([{ kinds: ['list.remove'] }], 'list.remove', [{ entryId: 'x' }]), 'a rule without codes admits any')
})
