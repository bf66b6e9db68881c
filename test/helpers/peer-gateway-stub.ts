import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { JSONWebKeySet } from 'jose'
import { ENVELOPE_ALGS } from '../../contracts/envelope-v1.js'
import { RECEIPT_TYP, type ReceiptClaimsV1 } from '../../contracts/receipt-v1.js'
import { RELAY_TYP, type RelayClaimsV1 } from '../../contracts/relay-v1.js'
import { verifyCompact } from '../../src/keys/jws.js'
import { localKeySet } from '../../src/keys/key-sets.js'
import { gatewayKeysFrom, generatePrivateJwk, type GatewayKeys } from '../../src/keys/signing-keys.js'
import { readBody } from '../../sim/read-body.js'
import type { PeerConfig } from '../../config/peer-schema.js'
import { FAST_POLICY, startDeliverySetup, type DeliverySetup } from './delivery-setup.js'

/** How the stub answers a relay: its signed receipt, one signed by a key it never published, or a refusal. */
export type StubAnswer = 'receipt' | 'forged' | 'refuse-409'

/**
 * A peer gateway reduced to its `POST /v1/relay` (docs/federation.md): it verifies each relay against
 * the relaying gateway's published keys (its `typ`, `aud` itself) and answers as a gateway does, with
 * a receipt signed by its own key naming the nested envelope and the relay; or, told so, wrongly.
 */
export interface PeerGatewayStub {
  id: string
  url: string
  keys: GatewayKeys
  /** Each relay received and verified: its claims. */
  relays: RelayClaimsV1[]
  answer: StubAnswer
  /** Publishers' message ids (the nested envelope's `jti`) answered 503 this many more times first. */
  unavailable: Map<string, number>
  close: () => Promise<void>
}

export async function startPeerGatewayStub (
  id: string, relayingGateway: () => JSONWebKeySet
): Promise<PeerGatewayStub> {
  const keys = await gatewayKeysFrom([await generatePrivateJwk('ES256', `${id.toLowerCase()}-gw-1`)])
  const impostor = await gatewayKeysFrom([await generatePrivateJwk('ES256', `${id.toLowerCase()}-gw-1`)])
  const stub: PeerGatewayStub = { id, url: '', keys, relays: [], answer: 'receipt', unavailable: new Map(), close: async () => undefined }
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    }
    if (req.method === 'GET' && req.url === '/healthz') { send(200, { status: 'ok' }); return }
    if (req.method !== 'POST' || req.url !== '/v1/relay') { send(404, { code: 'NOT_FOUND' }); return }
    readBody(req).then(async (body) => {
      const jws = body?.toString('utf8') ?? ''
      let claims: RelayClaimsV1
      try {
        const { payload, protectedHeader } = await verifyCompact(jws, localKeySet(relayingGateway()), ENVELOPE_ALGS)
        claims = JSON.parse(new TextDecoder().decode(payload)) as RelayClaimsV1
        if (protectedHeader.typ !== RELAY_TYP || claims.aud !== id) throw new Error('not a relay to this gateway')
      } catch {
        send(401, { code: 'SIGNATURE_INVALID' })
        return
      }
      stub.relays.push(claims)
      if (stub.answer === 'refuse-409') { send(409, { code: 'VERSION_CONFLICT', detail: 'version 1 is not newer than the current version 2' }); return }
      const envelope = JSON.parse(Buffer.from(claims.envelope.split('.')[1] ?? '', 'base64url').toString('utf8')) as { jti: string, items: unknown[] }
      const busy = stub.unavailable.get(envelope.jti) ?? 0
      if (busy > 0) {
        stub.unavailable.set(envelope.jti, busy - 1)
        send(503, { code: 'UNAVAILABLE', detail: 'busy' })
        return
      }
      const receipt: ReceiptClaimsV1 = {
        jti: envelope.jti,
        iss: claims.origin,
        digest: createHash('sha256').update(claims.envelope).digest('base64url'),
        receivedAt: new Date().toISOString(),
        items: envelope.items.length,
        relay: { iss: claims.iss, jti: claims.jti, via: claims.via }
      }
      const signer = stub.answer === 'forged' ? impostor : keys
      send(202, { jti: envelope.jti, receipt: await signer.sign(receipt, RECEIPT_TYP) })
    }).catch(() => { send(500, { code: 'INTERNAL' }) })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  stub.close = async () => { await new Promise<void>((resolve) => server.close(() => { resolve() })) }
  return stub
}

/** A gateway (the four provinces simulated) whose peer CN is a stub on its own port, and what else it is given. */
export type WithStubPeer = DeliverySetup & { cn: PeerGatewayStub }

/**
 * A listening gateway with CN as a peer it relays to (`share.up`: the food-drug list, `over` replacing
 * any of it), CN being {@link startPeerGatewayStub}; `others`: more peers beside it.
 */
export async function startWithStubPeer (
  t: { teardown: (fn: () => unknown) => void }, over: Partial<PeerConfig> = {}, others: PeerConfig[] = []
): Promise<WithStubPeer> {
  let yrd: JSONWebKeySet = { keys: [] }
  const cn = await startPeerGatewayStub('CN', () => yrd)
  t.teardown(async () => { await cn.close() })
  const config: PeerConfig = {
    id: 'CN',
    name: '全国信用信息共享平台',
    endpoint: cn.url,
    jwks: cn.keys.jwks,
    enabled: true,
    paused: false,
    delivery: FAST_POLICY,
    origins: {},
    share: { down: [], up: [{ kinds: ['list.upsert'], listCodes: ['food-drug-serious-violation'] }] },
    ...over
  }
  const setup = await startDeliverySetup(t, { peers: [config, ...others] })
  yrd = setup.h.gatewayKeys.jwks as JSONWebKeySet
  return { ...setup, cn }
}
