import { createHash } from 'node:crypto'
import type { JWK } from 'jose'
import t from 'tap'
import {
  decodeAnswerV2, encodeRequestV2, RECONCILE_V2_MEDIA, RECONCILE_V2_SIGNATURE_HEADER, RECONCILE_V2_TYP
} from '../../contracts/reconcile-v2.js'
import { gatewayKeysFrom, generatePrivateJwk, type GatewayKeys } from '../../src/keys/signing-keys.js'
import { startHarness } from '../helpers/harness.js'
import { nationalPeer } from '../helpers/national-peer.js'

// Issue 18 item 5, the answering side: a peer gateway reconciles its origins' lists with what this
// gateway holds, by range reconciliation version 2 signed with its key; nothing else may ask.

const cnKeys = await gatewayKeysFrom([await generatePrivateJwk('ES256', 'cn-gw-1')])
const jjjKeys = await gatewayKeysFrom([await generatePrivateJwk('ES256', 'jjj-gw-1')])
const fyJwk: JWK = await generatePrivateJwk('ES256', 'fy-1')
const cn = nationalPeer(cnKeys, fyJwk)

const body = encodeRequestV2([])

async function signed (keys: GatewayKeys, claims: Record<string, unknown> = {}): Promise<string> {
  const iat = Math.floor(Date.now() / 1000)
  return await keys.sign({
    iss: 'CN',
    aud: 'YRD',
    jti: 'q-1',
    iat,
    exp: iat + 120,
    kind: 'reconcile.query',
    owner: 'FY',
    listCode: 'court-dishonest-debtor',
    digest: createHash('sha256').update(body).digest('base64url'),
    ...claims
  }, RECONCILE_V2_TYP)
}

t.test('a peer reconciles its origins\' lists with this gateway; every other request is refused with its code', async (t) => {
  const h = await startHarness(t, { peers: [cn] })
  type Answer = { status: number, code?: string, bytes: Buffer }
  const ask = async (signature: string, type = RECONCILE_V2_MEDIA): Promise<Answer> => {
    const res = await h.app.inject({
      method: 'POST', url: '/v1/relay/reconcile', headers: { 'content-type': type, [RECONCILE_V2_SIGNATURE_HEADER]: signature }, payload: body
    })
    const code = res.headers['content-type']?.toString().startsWith('application/problem+json') === true ? res.json<{ code: string }>().code : undefined
    return { status: res.statusCode, ...(code === undefined ? {} : { code }), bytes: res.rawPayload }
  }
  const answer = await ask(await signed(cnKeys))
  t.equal(answer.status, 200)
  t.same(decodeAnswerV2(answer.bytes).whole.n, 0, 'what it holds of the court\'s list: nothing yet')
  t.match(await ask(await signed(cnKeys, { owner: 'SH' })), { status: 403, code: 'FORBIDDEN' }, 'not a list of its origins')
  t.match(await ask(await signed(jjjKeys, { iss: 'JJJ' })), { status: 401, code: 'ISSUER_UNKNOWN' }, 'not a peer')
  t.match(await ask(await signed(jjjKeys)), { status: 401, code: 'SIGNATURE_INVALID' }, 'CN named, another key')
  t.match(await ask(await signed(cnKeys, { aud: 'JJJ' })), { status: 401, code: 'AUDIENCE_INVALID' })
  t.match(await ask(await signed(cnKeys, { digest: 'A'.repeat(43) })), { status: 401, code: 'SIGNATURE_INVALID' }, 'another body')
  t.match(await ask(await signed(cnKeys, { exp: Math.floor(Date.now() / 1000) - 3600 })), { status: 401, code: 'ENVELOPE_EXPIRED' })
  t.equal((await ask(await signed(cnKeys), 'application/json')).status, 415)
})
