import { createHash } from 'node:crypto'
import { decodeJwt, type JWK } from 'jose'
import t from 'tap'
import type { PeerConfig } from '../../config/peer-schema.js'
import type { ReceiptClaimsV1 } from '../../contracts/receipt-v1.js'
import { RELAY_TYP } from '../../contracts/relay-v1.js'
import { platformSigner, signEnvelope } from '../../src/envelopes/sign-envelope.js'
import { signRelay } from '../../src/federation/relay-message.js'
import { SM2_ALG } from '../../src/keys/jws.js'
import { gatewayKeysFrom, generatePrivateJwk, publicPart } from '../../src/keys/signing-keys.js'
import { sampleDay, sampleEntry, sampleUscc } from '../../sim/sample-entries.js'
import { accept, notice, read } from '../helpers/coordination-items.js'
import { startHarness, type Harness } from '../helpers/harness.js'
import { nationalPeer } from '../helpers/national-peer.js'

// Issue 18 item 2 through the API: a national court-list entry comes down from the national gateway
// (CN) relayed as its court (FY) published it; the ledger keeps the court as owner, both JWSs, and
// sends it to all four provinces; the same envelope by another path is a replay; a removal crosses
// too; a loop and what CN may not share are refused, each with a security-log line naming CN.

const COURT_LIST = 'court-dishonest-debtor'
const cnKeys = await gatewayKeysFrom([await generatePrivateJwk(SM2_ALG, 'cn-gw-1')])
const jjjKeys = await gatewayKeysFrom([await generatePrivateJwk('ES256', 'jjj-gw-1')])
const fyJwk: JWK = await generatePrivateJwk('ES256', 'fy-1')
const fy = await platformSigner('FY', fyJwk)
const cn = nationalPeer(cnKeys, fyJwk, { down: [{ kinds: ['list.upsert', 'list.remove'], listCodes: [COURT_LIST] }], up: [] })

async function relay (h: Harness, jws: string): Promise<{ status: number, body: Record<string, unknown> }> {
  const res = await h.app.inject({ method: 'POST', url: '/v1/relay', headers: { 'content-type': 'application/jose' }, payload: jws })
  return { status: res.statusCode, body: res.json() }
}

t.test('a court-list entry relayed down by CN: owned by the court, kept with both signatures, sent to all four provinces', async (t) => {
  const h = await startHarness(t, { peers: [cn] })
  const entry = { ...sampleEntry('FY', '110000', 1), listCode: COURT_LIST, domain: 'court', severeCategory: 'legal-obligation' as const }
  const published = await signEnvelope(fy, { kind: 'list.upsert', items: [entry], aud: 'CN', jti: 'FY-court-1' })
  const first = await signRelay(cnKeys, { from: 'CN', to: 'YRD', envelope: published.jws, origin: 'FY' })
  const accepted = await relay(h, first.jws)
  t.equal(accepted.status, 202, JSON.stringify(accepted.body))
  const receipt = decodeJwt(String(accepted.body.receipt)) as unknown as ReceiptClaimsV1
  t.match(receipt, { jti: 'FY-court-1', iss: 'FY', items: 1, relay: { iss: 'CN', jti: first.claims.jti, via: ['CN'] } }, 'the receipt names the envelope and the relay')
  t.equal(receipt.digest, createHash('sha256').update(published.jws).digest('base64url'), 'its digest is the publisher\'s envelope\'s')

  const stored = await h.db.query<{ jws: string, relay: string }>("SELECT jws, relay FROM envelopes WHERE iss = 'FY' AND jti = 'FY-court-1'")
  t.equal(stored.rows[0]?.jws, published.jws, 'the court\'s envelope, byte for byte')
  t.equal(stored.rows[0]?.relay, first.jws, 'and the relay beside it')
  const owned = await h.db.query<{ owner: string, status: string }>('SELECT owner, status FROM entries WHERE entry_id = $1', [entry.entryId])
  t.same(owned.rows, [{ owner: 'FY', status: 'active' }], 'owned by the court, not by CN')
  const dest = await h.db.query<{ destination: string }>("SELECT destination FROM deliveries WHERE jti = 'FY-court-1' ORDER BY destination")
  t.same(dest.rows.map((r) => r.destination), ['AH', 'JS', 'SH', 'ZJ'], 'down to all four provinces')

  // The same envelope relayed again (a retry, a new relay id): the original receipt, nothing applied twice.
  const retry = await signRelay(cnKeys, { from: 'CN', to: 'YRD', envelope: published.jws, origin: 'FY' })
  t.not(retry.claims.jti, first.claims.jti)
  const again = await relay(h, retry.jws)
  t.equal(again.status, 200, 'a replay')
  t.equal(again.body.receipt, accepted.body.receipt, 'the original receipt')
  t.equal(await h.count('entry_history'), 1, 'applied once')

  // A removal crosses too, and keeps the court's ownership rules.
  const removal = { entryId: entry.entryId, owner: 'FY', version: 2, reason: 'revoked', basis: '撤销失信被执行人决定', effectiveOn: sampleDay() }
  const removed = await signEnvelope(fy, { kind: 'list.remove', items: [removal], aud: 'CN', jti: 'FY-court-2' })
  const removedRelay = await relay(h, (await signRelay(cnKeys, { from: 'CN', to: 'YRD', envelope: removed.jws, origin: 'FY' })).jws)
  t.equal(removedRelay.status, 202, JSON.stringify(removedRelay.body))
  t.same((await h.db.query('SELECT status, version FROM entries WHERE entry_id = $1', [entry.entryId])).rows, [{ status: 'removed', version: 2 }])
  const foreign = { ...removal, owner: 'SH', version: 3 }
  const notOwner = await signEnvelope(fy, { kind: 'list.remove', items: [foreign], aud: 'CN', jti: 'FY-court-3' })
  const notOwnerAnswer = await relay(h, (await signRelay(cnKeys, { from: 'CN', to: 'YRD', envelope: notOwner.jws, origin: 'FY' })).jws)
  t.equal(notOwnerAnswer.body.code, 'NOT_OWNER', `the court cannot remove what Shanghai owns: ${JSON.stringify(notOwnerAnswer.body)}`)

  // Refusals, each logged with the peer named.
  const loop = await cnKeys.sign({
    iss: 'CN', aud: 'YRD', jti: 'loop-1', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 300, via: ['YRD', 'CN'], origin: 'FY', envelope: published.jws
  }, RELAY_TYP)
  const looped = await relay(h, loop)
  t.equal(looped.status, 409)
  t.equal(looped.body.code, 'RELAY_LOOP')
  const other = await signEnvelope(fy, { kind: 'list.upsert', items: [{ ...sampleEntry('FY', '110000', 2), listCode: 'red-list' }], aud: 'CN', jti: 'FY-red-1' })
  const unshared = await relay(h, (await signRelay(cnKeys, { from: 'CN', to: 'YRD', envelope: other.jws, origin: 'FY' })).jws)
  t.equal(unshared.body.code, 'RELAY_NOT_SHARED')
  const stranger = await relay(h, (await signRelay(jjjKeys, { from: 'JJJ', to: 'YRD', envelope: published.jws, origin: 'FY' })).jws)
  t.equal(stranger.body.code, 'ISSUER_UNKNOWN', 'a gateway that is not a peer')
  const log = await h.db.query<{ code: string, iss_claimed: string }>('SELECT code, iss_claimed FROM security_log ORDER BY id')
  t.same(log.rows.map((r) => [r.code, r.iss_claimed]), [['NOT_OWNER', 'CN'], ['RELAY_LOOP', 'CN'], ['RELAY_NOT_SHARED', 'CN'], ['ISSUER_UNKNOWN', 'JJJ']],
    'the security log names the peer (or the gateway that claimed to be one)')
})

t.test('an admin pauses a peer: its relays are refused, retryable, until resumed; both recorded', async (t) => {
  const h = await startHarness(t, { peers: [cn] })
  const entry = { ...sampleEntry('FY', '110000', 5), listCode: COURT_LIST, domain: 'court', severeCategory: 'legal-obligation' as const }
  const published = await signEnvelope(fy, { kind: 'list.upsert', items: [entry], aud: 'CN', jti: 'FY-court-5' })
  const admin = async (path: string, role: 'admin' | 'auditor' = 'admin'): Promise<{ status: number, body: Record<string, unknown> }> => {
    const res = await h.app.inject({ method: 'POST', url: `/v1/admin/peers/${path}`, headers: { authorization: `Bearer ${await h.adminToken(role)}` } })
    return { status: res.statusCode, body: res.json() }
  }
  t.equal((await admin('CN/pause', 'auditor')).status, 403, 'an auditor may not')
  t.equal((await admin('JJJ/pause')).status, 404, 'no such peer')
  const paused = await admin('CN/pause?reason=%E5%AF%86%E9%92%A5%E6%B3%84%E9%9C%B2')
  t.match(paused, { status: 200, body: { peer: 'CN', paused: true, pause: { reason: '密钥泄露', principal: 'admin-console:admin-user' } } })
  const refused = await relay(h, (await signRelay(cnKeys, { from: 'CN', to: 'YRD', envelope: published.jws, origin: 'FY' })).jws)
  t.match(refused, { status: 503, body: { code: 'UNAVAILABLE' } }, 'refused while paused, retryable')
  const resumed = await admin('CN/resume')
  t.match(resumed, { status: 200, body: { peer: 'CN', paused: false, pause: { reason: '密钥泄露' } } })
  t.equal((await relay(h, (await signRelay(cnKeys, { from: 'CN', to: 'YRD', envelope: published.jws, origin: 'FY' })).jws)).status, 202, 'taken again')
  const actions = await h.db.query<{ action: string, target: string }>("SELECT action, target FROM admin_actions WHERE action LIKE 'peer.%' ORDER BY id")
  t.same(actions.rows, [{ action: 'peer.pause', target: 'CN' }, { action: 'peer.resume', target: 'CN' }], 'both recorded')
})

t.test('without peers there is no relay endpoint', async (t) => {
  const h = await startHarness(t)
  const res = await h.app.inject({ method: 'POST', url: '/v1/relay', headers: { 'content-type': 'application/jose' }, payload: 'a.b.c' })
  t.equal(res.statusCode, 404)
})

t.test('国发〔2016〕33号 (十六) across gateways: a publisher behind a peer keeps its region, and initiates where its region decided', async (t) => {
  const bjJwk: JWK = await generatePrivateJwk('ES256', 'bj-1')
  const bj = await platformSigner('BJ', bjJwk)
  const peer: PeerConfig = {
    ...cn,
    origins: { ...cn.origins, BJ: { regionCode: '110000', jwks: { keys: [publicPart(bjJwk)] } } },
    share: { down: [{ kinds: ['punishment.notice'] }], up: [] }
  }
  const h = await startHarness(t, { peers: [peer] })
  const base = sampleEntry('JS', '320000', 7)
  // Published by JS, decided by a Beijing department (its credit code's division 110100).
  const decidedInBj = { ...base, decision: { ...base.decision, authorityCode: sampleUscc('110100', 5) } }
  await accept(h, 'JS', 'list.upsert', [decidedInBj])
  const relayNotice = async (signer: typeof bj, caseId: string): ReturnType<typeof relay> => {
    const items = [notice(decidedInBj, caseId)]
    const published = await signEnvelope(signer, { kind: 'punishment.notice', items, aud: 'CN', jti: `${signer.iss}-${caseId}` })
    return await relay(h, (await signRelay(cnKeys, { from: 'CN', to: 'YRD', envelope: published.jws, origin: signer.iss })).jws)
  }
  t.equal((await relayNotice(bj, 'BJ-C1')).status, 202, 'Beijing, whose department decided, initiates through CN')
  t.equal((await read(h, '/v1/cases/BJ/BJ-C1')).status, 200, 'the case is opened, BJ its initiator')
  t.match(await relayNotice(fy, 'FY-C2'), { status: 403, body: { code: 'NOT_OWNER' } }, 'the court (national, 000000) did not decide it')
})

t.test('a peer publishes here only its removals on its origins\' behalf: anything else as its own is refused', async (t) => {
  const h = await startHarness(t, { peers: [nationalPeer(cnKeys, fyJwk, { down: [{ kinds: ['list.upsert', 'list.remove'] }], up: [] })] })
  const own = async (kind: 'list.upsert' | 'list.remove', item: unknown): Promise<{ status: number, body: Record<string, unknown> }> => {
    const iat = Math.floor(Date.now() / 1000)
    const envelope = await cnKeys.sign({ iss: 'CN', aud: 'CN', jti: `CN-${kind}`, iat, exp: iat + 300, kind, items: [item] }, 'yrd-envelope+jwt')
    return await relay(h, (await signRelay(cnKeys, { from: 'CN', to: 'YRD', envelope, origin: 'CN' })).jws)
  }
  const entry = sampleEntry('FY', '110000', 9)
  t.match(await own('list.upsert', entry), { status: 403, body: { code: 'FORBIDDEN' } }, 'not an entry of its own')
  const sh = sampleEntry('SH', '310000', 9)
  await accept(h, 'SH', 'list.upsert', [sh])
  t.match(await own('list.remove', { entryId: sh.entryId, owner: 'SH', version: 2, reason: 'expiry', basis: '有效期届满', effectiveOn: sampleDay() }),
    { status: 403, body: { code: 'FORBIDDEN' } }, 'nor a removal of an entry a platform here owns')
  t.same((await h.db.query('SELECT status FROM entries WHERE entry_id = $1', [sh.entryId])).rows, [{ status: 'active' }], 'which stays in force')
})

t.test('a peer\'s removal on its origins\' behalf: the entry held here is removed by the gateway itself, one never held has nothing to remove', async (t) => {
  const h = await startHarness(t, { peers: [nationalPeer(cnKeys, fyJwk, { down: [{ kinds: ['list.upsert', 'list.remove'] }], up: [] })] })
  const held = { ...sampleEntry('FY', '110000', 11), listCode: COURT_LIST, domain: 'court', severeCategory: 'legal-obligation' as const }
  const published = await signEnvelope(fy, { kind: 'list.upsert', items: [held], aud: 'CN', jti: 'FY-behalf-1' })
  t.equal((await relay(h, (await signRelay(cnKeys, { from: 'CN', to: 'YRD', envelope: published.jws, origin: 'FY' })).jws)).status, 202)
  const never = sampleEntry('FY', '110000', 12)
  const removal = (entryId: string): Record<string, unknown> =>
    ({ entryId, owner: 'FY', version: 2, reason: 'repair', basis: '信用修复', effectiveOn: sampleDay() })
  const iat = Math.floor(Date.now() / 1000)
  const envelope = await cnKeys.sign({
    iss: 'CN', aud: 'CN', jti: 'CN-behalf-1', iat, exp: iat + 300, kind: 'list.remove', items: [removal(held.entryId), removal(never.entryId)]
  }, 'yrd-envelope+jwt')
  const answer = await relay(h, (await signRelay(cnKeys, { from: 'CN', to: 'YRD', envelope, origin: 'CN' })).jws)
  t.equal(answer.status, 202, JSON.stringify(answer.body))
  t.match(decodeJwt(String(answer.body.receipt)), { jti: 'CN-behalf-1', iss: 'CN', items: 2 }, 'receipted as any relay')
  const rows = await h.db.query<{ entry_id: string, status: string, version: number, last_iss: string }>(
    "SELECT entry_id, status, version, last_iss FROM entries WHERE owner = 'FY' ORDER BY entry_id")
  t.same(rows.rows, [{ entry_id: held.entryId, status: 'removed', version: 2, last_iss: 'YRD' }],
    'the held entry removed by the gateway\'s own removal at the same version; the other not created')
})
