import { randomBytes } from 'node:crypto'
import type { PlatformConfig } from '../config/config-schema.js'
import { generatePrivateJwk, publicPart, type PublicJwk, type SigningAlg } from '../src/keys/signing-keys.js'
import { platformSigner, signEnvelope, type EnvelopeInput } from '../src/envelopes/sign-envelope.js'
import { postEnvelope, type PostResult } from '../sim/platform-simulator.js'
import { startShRestSimulator } from '../sim/sh-rest-simulator.js'
import { startJsBatchSimulator } from '../sim/js-batch-simulator.js'
import { startAhXmlSimulator } from '../sim/ah-xml-simulator.js'
import { startPullPlatform } from '../sim/zj-pull-simulator.js'
import { noticesOf } from '../sim/replica-state.js'
import { publishShNative } from '../sim/sh-rest-publisher.js'
import { publishAhNative } from '../sim/ah-xml-publisher.js'
import { newAhSecrets } from '../sim/ah-xml-secrets.js'
import { publishJsNative } from '../sim/js-batch-publisher.js'
import type { EnvelopeKindV1 } from '../contracts/envelope-v1.js'
import { mintToken } from '../src/auth/mint-token.js'

/** A simulated province as the scenario sees it, whatever protocol it speaks. */
export interface DemoPlatform {
  id: string
  /** The adapter the gateway uses to reach it. */
  adapter: string
  url: string
  /** Its public signing keys, for the envelopes it publishes. */
  jwks: { keys: PublicJwk[] }
  /** What it holds of an entry (mapped back to the contract), undefined if nothing. */
  held: (owner: string, entryId: string) => { item: unknown, removed: boolean } | undefined
  /** How many times it applied the message `jti` (a duplicate is not applied). */
  appliedCount: (jti: string) => number
  /** The gateway notices it received (mapped back to the contract), in arrival order. */
  notices: () => unknown[]
  /** A short-lived bearer token of the platform, for its read calls (e.g. a check before deciding). */
  readToken: () => Promise<string>
  /** Publishes a signed envelope into the gateway. */
  publish: (gatewayUrl: string, input: EnvelopeInput, serialisation?: 'compact' | 'flattened') => Promise<PostResult>
  /**
   * Publishes in the platform's own protocol through the gateway's native endpoint (SH, AH, JS):
   * `accepted` when the gateway took the message (the same bytes again count as taken).
   */
  publishNative?: (gatewayUrl: string, kind: EnvelopeKindV1, items: unknown[]) => Promise<NativePublishResult>
  /** Points it at the gateway once the gateway is up (the pull platform starts polling). */
  connect: (gatewayUrl: string) => void
  /** The platform's config for the gateway: adapter, endpoint, health check, keys. */
  configure: (base: PlatformConfig) => PlatformConfig
  /** Makes it misbehave in one of its simulator's failure modes (`none` to recover). */
  fail: (mode: string) => void
  stop: () => Promise<void>
  restart: () => Promise<void>
  close: () => Promise<void>
  /** Drops an entry from the platform's own storage behind the gateway's back (drift, for reconciliation); false if it
   * held none. */
  forget?: (owner: string, entryId: string) => boolean
}

/** What a native publication came back with, whatever the protocol. */
export interface NativePublishResult { accepted: boolean, msgId: string, status: number, answer: unknown }

type Native = Pick<DemoPlatform, 'held' | 'appliedCount' | 'notices' | 'stop' | 'restart' | 'close' | 'url' | 'forget'>
/** A simulator whose failure mode can be set (each simulator names its own modes). */
type Failing = Native & { failure: string }

async function withSigner (id: string, alg: SigningAlg, adapter: string, native: Native & { fail?: (mode: string) => void }, configure: (p: PlatformConfig) => PlatformConfig, connect: (gw: string) => void = () => undefined, publishNative?: DemoPlatform['publishNative']): Promise<DemoPlatform> {
  const jwk = await generatePrivateJwk(alg, `${id.toLowerCase()}-demo-1`)
  const signer = await platformSigner(id, jwk)
  const jwks = { keys: [publicPart(jwk)] }
  return {
    id,
    adapter,
    url: native.url,
    jwks,
    held: native.held,
    appliedCount: native.appliedCount,
    notices: native.notices,
    readToken: async () => await mintToken({ kid: signer.kid, alg: signer.alg, key: signer.key }, id),
    publish: async (gw, input, serialisation = 'compact') => {
      const { jws, jti } = await signEnvelope(signer, input, serialisation)
      return { ...(await postEnvelope(gw, jws, serialisation)), jti, jws }
    },
    ...(publishNative === undefined ? {} : { publishNative }),
    ...(native.forget === undefined ? {} : { forget: native.forget }),
    connect,
    configure: (p) => ({ ...configure(p), adapter, jwks, jwksUrl: undefined }),
    fail: native.fail ?? ((mode) => { (native as Failing).failure = mode }),
    stop: native.stop,
    restart: native.restart,
    close: native.close
  }
}

/** Ports the committed platform files name for each province (endpoint's port), 0 for any. */
export type PortOf = (id: string) => number

/**
 * The four provinces, each speaking its own protocol: Shanghai REST + HMAC (`sh-rest`), Jiangsu
 * GB18030 CSV batches (`js-batch`), Zhejiang pulling the feed (`zj-pull`), Anhui SM4-encrypted XML
 * (`ah-xml`). Returns them with the adapter secrets the gateway needs (made up for this run).
 */
export async function startProvinces (portOf: PortOf): Promise<{
  platforms: DemoPlatform[], secrets: Record<string, Record<string, string>>
}> {
  const appKey = 'yrd-gateway'
  const appSecret = randomBytes(24).toString('base64url')
  const token = randomBytes(24).toString('base64url')
  const ahSecrets = newAhSecrets()

  const sh = await startShRestSimulator({ apps: { [appKey]: appSecret }, port: portOf('SH') })
  const js = await startJsBatchSimulator({ token, port: portOf('JS') })
  const zj = await startPullPlatform({ id: 'ZJ', port: portOf('ZJ') })
  const ah = await startAhXmlSimulator({ secrets: ahSecrets, port: portOf('AH') })
  const zjNative: Native & { fail: (mode: string) => void } = {
    fail: (mode) => { zj.pullFailure = mode === 'none' ? 'none' : 'no-ack' },
    url: zj.url,
    held: (owner, entryId) => { const h = zj.held.get(`${owner}:${entryId}`); return h === undefined ? undefined : { item: h.item, removed: h.removed } },
    appliedCount: (jti) => zj.messagesApplied.filter((j) => j === jti).length,
    notices: () => noticesOf(zj),
    stop: zj.stop,
    restart: zj.restart,
    close: zj.close
  }
  const platforms = [
    await withSigner('SH', 'ES256', 'sh-rest', Object.assign(sh, { forget: (owner: string, entryId: string) => sh.entries.delete(`${owner}:${entryId}`) }), (p) => ({ ...p, endpoint: sh.endpoint, healthUrl: sh.healthUrl }), undefined, async (gw, kind, items) => {
      const r = await publishShNative(gw, { appKey, appSecret, kind, items })
      return { accepted: r.answer.code === '0000' || r.answer.code === '3001', msgId: r.msgId, status: r.status, answer: r.answer }
    }),
    await withSigner('JS', 'EdDSA', 'js-batch', js, (p) => ({ ...p, endpoint: js.url, healthUrl: `${js.url}/jsxy/health` }), undefined, async (gw, kind, items) => {
      const r = await publishJsNative(gw, { token, kind, items })
      return { accepted: r.answer.status === 'DONE' && (r.answer.rows ?? []).every((row) => row.result === 'ACCEPTED'), msgId: r.batchId, status: r.status, answer: r.answer }
    }),
    await withSigner('ZJ', 'ES256', 'zj-pull', zjNative, (p) => ({ ...p, endpoint: `${zj.url}/feed-unused`, healthUrl: undefined }), (gw) => {
      zj.trustGateway(`${gw}/.well-known/jwks.json`)
      zj.startPolling(gw, 100)
    }),
    // Anhui signs on 国密 keys (issue 19): SM2-SM3 envelopes and tokens.
    await withSigner('AH', 'SM2-SM3', 'ah-xml', ah, (p) => ({ ...p, endpoint: ah.endpoint, healthUrl: ah.healthUrl }), undefined, async (gw, kind, items) => {
      const r = await publishAhNative(gw, { secrets: ahSecrets, kind, items })
      return { accepted: r.receipt?.DM === '0000' || r.receipt?.DM === '0001', msgId: r.msgId, status: r.status, answer: r.receipt }
    })
  ]
  // ZJ signs its feed requests with its own key: the gateway must know it.
  const zjPlatform = platforms[2] as DemoPlatform
  zjPlatform.jwks.keys.push(...zj.jwks.keys)
  return {
    platforms,
    secrets: { SH: { APP_KEY: appKey, APP_SECRET: appSecret }, JS: { TOKEN: token }, AH: ahSecrets }
  }
}
