import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { JSONWebKeySet, JWK, JWTVerifyGetKey } from 'jose'
import { ENVELOPE_ALGS, GATEWAY_ID } from '../contracts/envelope-v1.js'
import { verifyCompact } from '../src/keys/jws.js'
import { localKeySet, remoteKeySet } from '../src/keys/key-sets.js'
import { generatePrivateJwk, publicPart, type PublicJwk, type SigningAlg } from '../src/keys/signing-keys.js'
import { platformSigner, signEnvelope, type EnvelopeInput, type PlatformSigner } from '../src/envelopes/sign-envelope.js'
import { digestOf } from '../src/envelopes/parse-jws.js'
import { applyToReplica, newReplicaState, type AppliedChange, type HeldEntry } from './replica-state.js'
import { readBody } from './read-body.js'
import { listenRestartable } from './restartable-server.js'
import { memorySource, respondYrdReconcile } from './yrd-reconcile-endpoint.js'
import { deliveryReceiptAnswer, type ReceiptFacts, type ReceiptMode } from './delivery-receipt-answer.js'

export type { AppliedChange, HeldEntry, ReceiptMode }

/**
 * How a simulated platform misbehaves, so tests and the demo can show recovery. `refuse-first-item`
 * applies every item of a message but the first, and says so per item in its receipt.
 */
export type FailureMode =
  'none' | 'error-500' | 'garbage' | 'wrong-receipt' | 'hang' | 'slow' | 'reject-400' | 'refuse-first-item' | 'auth-401' | 'auth-403'

/** The platform's code and words for the item `refuse-first-item` refuses. */
export const SIM_REFUSAL = { code: 'RULE-17', reason: 'the measure is not enforceable in this province' } as const

/** The status a platform refusing the gateway's credentials answers (deliveries and reconciliation alike). */
const authRefusal = (mode: FailureMode): number | undefined => mode === 'auth-401' ? 401 : mode === 'auth-403' ? 403 : undefined

export interface PostResult { status: number, body: unknown, jti: string, jws: string }

/**
 * A simulated provincial platform speaking the reference protocol: a real HTTP server with its own
 * signing key. It serves its JWK Set and a health check, verifies each delivery's gateway
 * signature, applies list changes only when their version is newer than what it holds, ignores a
 * jti it has already applied, answers a receipt signed with its own key, and publishes signed
 * envelopes into the gateway. It can be stopped and restarted on the same port, or told to misbehave.
 */
export interface SimulatedPlatform {
  id: string
  url: string
  /** Its current key (envelopes and receipts); {@link rotateKey} replaces it. */
  signer: PlatformSigner
  privateJwk: JWK
  /** Its published key set, served at /.well-known/jwks.json (every key it ever used). */
  jwks: { keys: PublicJwk[] }
  /** The gateway it sits behind, the audience of its receipts (this process's `GATEWAY_ID` unless told). */
  gateway: string
  /** How it answers with its receipt (`signed` unless told otherwise). */
  receiptMode: ReceiptMode
  /** Makes a new key, publishes it next to the old ones and signs with it from now on. */
  rotateKey: () => Promise<void>
  /**
   * Deliveries received (every attempt, with the request's W3C `traceparent` if it had one), applied
   * changes, and the current holdings.
   */
  received: Array<{ at: string, jti: string, traceparent?: string }>
  applied: AppliedChange[]
  /** The jti of every message applied, once per time it was applied (a duplicate is not). */
  messagesApplied: string[]
  /**
   * The publisher's own envelope and path of each relayed message received, as `origin jti` (issue 18):
   * what the platform keeps to check offline who published it (docs/protocol.md, "Provenance").
   */
  publishers: Map<string, { envelope: string, via: string[] }>
  /** Every message applied as `origin jti` (the duplicate check: ids are per issuer). */
  appliedIds: Set<string>
  held: Map<string, HeldEntry>
  failure: FailureMode
  /** Whether it answers range reconciliation version 2 (unset: yes); false: 415, as a version-1-only platform does. */
  rangeV2?: boolean
  /** Pushes in the batch form, with how many messages each carried. */
  pushes: Array<{ at: string, messages: number }>
  /** Message ids (jti) the platform refuses (422) inside a batch, taking the others. */
  refuse: Set<string>
  /**
   * When set, a delivery (single or batch) is applied and its answer then waits for this promise: a
   * platform holding messages whose answer the gateway has not read yet, for as long as a test needs.
   */
  answersHeld?: Promise<void>
  /** The gateway's keys to verify deliveries with: its JWKS URL (once it is up) or the set itself. */
  trustGateway: (jwks: string | { keys: JWK[] }) => void
  publish: (gatewayUrl: string, input: EnvelopeInput, serialisation?: 'compact' | 'flattened') => Promise<PostResult>
  stop: () => Promise<void>
  restart: () => Promise<void>
  close: () => Promise<void>
}

/** POSTs a signed envelope to the gateway and returns its answer. */
export async function postEnvelope (gatewayUrl: string, jws: string, serialisation: 'compact' | 'flattened' = 'compact'): Promise<{ status: number, body: unknown }> {
  const res = await fetch(`${gatewayUrl}/v1/envelopes`, {
    method: 'POST',
    headers: { 'content-type': serialisation === 'compact' ? 'application/jose' : 'application/jose+json' },
    body: jws
  })
  const text = await res.text()
  let body: unknown = text
  try { body = JSON.parse(text) } catch { /* not JSON */ }
  return { status: res.status, body }
}

// The jti a message claims, read without verifying (only to pick a refusal; answerDelivery verifies).
function jtiOf (jws: string): string {
  try {
    return String((JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as { jti?: unknown }).jti)
  } catch {
    return ''
  }
}

export async function startSimulatedPlatform (
  opts: { id: string, port?: number, host?: string, alg?: SigningAlg, gateway?: string }
): Promise<SimulatedPlatform> {
  const alg = opts.alg ?? 'ES256'
  const privateJwk = await generatePrivateJwk(alg, `${opts.id.toLowerCase()}-key-1`)
  const signer = await platformSigner(opts.id, privateJwk)
  const jwks = { keys: [publicPart(privateJwk)] }
  // Never published: what a forged or unknown-kid receipt is signed with.
  const impostor = await platformSigner(opts.id, await generatePrivateJwk(alg, `${opts.id.toLowerCase()}-impostor`))
  const host = opts.host ?? '127.0.0.1'
  let gatewayKeys: JWTVerifyGetKey | undefined

  const sim: SimulatedPlatform = {
    id: opts.id,
    url: '',
    signer,
    privateJwk,
    jwks,
    gateway: opts.gateway ?? GATEWAY_ID,
    receiptMode: 'signed',
    rotateKey: async () => {
      const next = await generatePrivateJwk(alg, `${opts.id.toLowerCase()}-key-${jwks.keys.length + 1}`)
      sim.signer = await platformSigner(opts.id, next)
      sim.privateJwk = next
      jwks.keys.push(publicPart(next))
    },
    received: [],
    publishers: new Map(),
    ...newReplicaState(),
    failure: 'none',
    pushes: [],
    refuse: new Set(),
    trustGateway: (jwks) => {
      gatewayKeys = typeof jwks === 'string'
        ? remoteKeySet(new URL(jwks), { cooldownDuration: 0 })
        : localKeySet(jwks as JSONWebKeySet)
    },
    publish: async (gatewayUrl, input, serialisation = 'compact') => {
      const { jws, jti } = await signEnvelope(sim.signer, input, serialisation)
      return { ...(await postEnvelope(gatewayUrl, jws, serialisation)), jti, jws }
    },
    stop: async () => { await net.stop() },
    restart: async () => { await net.restart() },
    close: async () => { await sim.stop() }
  }

  /**
   * What the platform answers to one delivered message (a JWS): applies it and returns the status
   * and receipt body; `undefined` means no answer at all (the `hang` failure).
   */
  async function answerDelivery (
    jws: string, traceparent?: string
  ): Promise<{ status: number, body: unknown, raw?: string } | undefined> {
    if (sim.failure === 'hang') return undefined // never answers; the gateway times out
    if (sim.failure === 'slow') await new Promise((resolve) => setTimeout(resolve, 300))
    if (sim.failure === 'error-500') return { status: 500, body: { error: 'internal error' } }
    if (sim.failure === 'reject-400') return { status: 400, body: { error: 'rejected by platform rules' } }
    const refused = authRefusal(sim.failure)
    if (refused !== undefined) return { status: refused, body: { error: 'credentials refused' } }
    if (gatewayKeys === undefined) return { status: 503, body: { error: 'gateway keys not configured' } }
    let claims: {
      jti: string
      kind: string
      origin: string
      aud: string
      items: Array<Record<string, unknown>>
      publisher?: { envelope: string, via: string[] }
    }
    try {
      const { payload } = await verifyCompact(jws, gatewayKeys, ENVELOPE_ALGS)
      claims = JSON.parse(new TextDecoder().decode(payload))
    } catch {
      return { status: 401, body: { error: 'delivery signature invalid' } }
    }
    if (claims.aud !== sim.id) return { status: 400, body: { error: 'not addressed to this platform' } }
    if (claims.publisher !== undefined) sim.publishers.set(`${claims.origin} ${claims.jti}`, claims.publisher)
    sim.received.push({
      at: new Date().toISOString(), jti: claims.jti, ...(traceparent === undefined ? {} : { traceparent })
    })
    const refuseFirst = sim.failure === 'refuse-first-item'
    applyToReplica(sim, refuseFirst ? { ...claims, items: claims.items.slice(1) } : claims)
    // A message applied in part is not held as applied: a later delivery of the same jti (the refused
    // items resent alone) is applied, the items already held being the same versions again.
    if (refuseFirst) sim.appliedIds.delete(`${claims.origin} ${claims.jti}`)
    if (sim.failure === 'garbage') return { status: 200, body: undefined, raw: '<html>OK</html>' }
    const facts: ReceiptFacts = {
      jti: claims.jti,
      digest: sim.failure === 'wrong-receipt' ? digestOf(Buffer.from('something else')) : digestOf(Buffer.from(jws))
    }
    if (refuseFirst) {
      facts.items = claims.items.map(
        (_, index) => index === 0 ? { index, outcome: 'refused', ...SIM_REFUSAL } : { index, outcome: 'applied' }
      )
    }
    const body = await deliveryReceiptAnswer(sim.receiptMode, sim.id, { own: sim.signer, impostor }, facts, sim.gateway)
    return { status: 200, body }
  }

  /**
   * The batch form (docs/protocol.md#batch-form): `{ v: 1, messages: [JWS…] }`, applied in order, each
   * answered as the single form would (a receipt, or `{ status, error }`); a failure mode that breaks
   * the whole exchange (500, a refusal of the gateway's credentials, hang, garbage) breaks the whole push.
   */
  async function answerBatch (
    text: string, traceparent?: string
  ): Promise<{ status: number, body: unknown, raw?: string } | undefined> {
    sim.pushes.push({ at: new Date().toISOString(), messages: 0 })
    const push = sim.pushes[sim.pushes.length - 1] as { messages: number }
    if (sim.failure === 'error-500' || sim.failure === 'reject-400' || authRefusal(sim.failure) !== undefined) {
      return await answerDelivery('')
    }
    let messages: unknown
    try { messages = (JSON.parse(text) as { v?: unknown, messages?: unknown }).messages } catch { messages = undefined }
    if (!Array.isArray(messages) || !messages.every((m) => typeof m === 'string')) return { status: 400, body: { error: 'not a batch of messages' } }
    push.messages = messages.length
    const receipts: unknown[] = []
    for (const jws of messages as string[]) {
      const answer = sim.refuse.has(jtiOf(jws))
        ? { status: 422, body: { error: 'refused by platform rules' } }
        : await answerDelivery(jws, traceparent)
      if (answer === undefined || answer.raw !== undefined) return answer
      const ok = answer.status >= 200 && answer.status < 300
      receipts.push(ok ? answer.body : { status: answer.status, error: (answer.body as { error?: unknown }).error })
    }
    return { status: 200, body: { v: 1, receipts } }
  }

  async function onDelivery (
    req: IncomingMessage, res: ServerResponse, send: (s: number, b: unknown) => void
  ): Promise<void> {
    const body = await readBody(req)
    if (body === undefined) { send(413, { error: 'body too large' }); return }
    const traceparent = typeof req.headers.traceparent === 'string' ? req.headers.traceparent : undefined
    if ((req.headers['content-type'] ?? '').startsWith('application/json')) {
      const batch = await answerBatch(body.toString('utf8'), traceparent)
      if (batch === undefined) return
      await sim.answersHeld
      if (batch.raw !== undefined) { res.writeHead(batch.status, { 'content-type': 'text/html' }).end(batch.raw); return }
      send(batch.status, batch.body)
      return
    }
    const answer = await answerDelivery(body.toString('utf8'), traceparent)
    if (answer === undefined) return
    await sim.answersHeld
    if (answer.raw !== undefined) { res.writeHead(answer.status, { 'content-type': 'text/html' }).end(answer.raw); return }
    send(answer.status, answer.body)
  }

  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    }
    if (req.method === 'GET' && req.url === '/.well-known/jwks.json') { send(200, jwks); return }
    if (req.method === 'GET' && req.url === '/health') { send(sim.failure === 'error-500' ? 503 : 200, { status: 'ok', platform: opts.id }); return }
    if (req.method === 'POST' && req.url === '/yrd/v1/reconcile') {
      readBody(req, 64 * 1024 * 1024).then(async (body) => {
        if (body === undefined) { send(413, { error: 'body too large' }); return }
        if (gatewayKeys === undefined) { send(503, { error: 'gateway keys not configured' }); return }
        const refused = authRefusal(sim.failure)
        if (refused !== undefined) { send(refused, { error: 'credentials refused' }); return }
        const source = memorySource(sim.held)
        await respondYrdReconcile(req, res, body, { platform: sim.id, source, gatewayKeys, speaksV2: sim.rangeV2 })
      }).catch(() => { send(500, { error: 'simulator error' }) })
      return
    }
    if (req.method === 'POST' && req.url === '/yrd/v1/deliveries') {
      onDelivery(req, res, send).catch(() => { send(500, { error: 'simulator error' }) })
      return
    }
    send(404, { error: 'not found' })
  })
  const net = await listenRestartable(server, host, opts.port ?? 0)
  const port = net.port
  sim.url = `http://${host}:${port}`
  return sim
}
