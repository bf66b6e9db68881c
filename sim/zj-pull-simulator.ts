import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { JSONWebKeySet, JWK, JWTVerifyGetKey } from 'jose'
import { ENVELOPE_ALGS, GATEWAY_ID } from '../contracts/envelope-v1.js'
import { verifyCompact } from '../src/keys/jws.js'
import { localKeySet, remoteKeySet } from '../src/keys/key-sets.js'
import { generatePrivateJwk, publicPart, type SigningAlg } from '../src/keys/signing-keys.js'
import { platformSigner, signEnvelope } from '../src/envelopes/sign-envelope.js'
import { mintToken } from '../src/auth/mint-token.js'
import { postEnvelope, type SimulatedPlatform } from './platform-simulator.js'
import { applyToReplica, newReplicaState, type IncomingMessageClaims } from './replica-state.js'
import { pageByKey, readCursor } from './key-cursor.js'
import { listenRestartable } from './restartable-server.js'
import { ZJ_EXPORT_PATH, ZJ_EXPORT_TYP, type ZjExportPage } from '../adapters/zj-pull/zj-pull-export.js'

/** How the pull platform misbehaves: it stops polling, or applies without acknowledging. */
export type PullFailureMode = 'none' | 'no-ack' | 'duplicate-ack'

export interface PullPlatform extends Omit<SimulatedPlatform, 'failure' | 'pushes' | 'refuse' | 'receiptMode' | 'rotateKey' | 'gateway' | 'publishers'> {
  pullFailure: PullFailureMode
  /** Which gateway to read from (for `pollOnce` without polling). */
  useGateway: (gatewayUrl: string) => void
  /** Starts polling the gateway's feed every `intervalMs`. */
  startPolling: (gatewayUrl: string, intervalMs?: number) => void
  /** Reads and applies the feed once; returns how many deliveries it acknowledged. */
  pollOnce: () => Promise<number>
}

/**
 * Zhejiang as a pull platform: it serves its JWK Set and a health check, and polls the gateway's
 * feed with its own platform JWT, verifies each delivery's gateway signature, applies it once
 * (never going back in versions) and acknowledges it. It publishes its own entries as envelopes.
 * `stop()` stops both its server and its polling (the platform is down); `restart()` resumes.
 */
export async function startPullPlatform (
  opts: { id: string, port?: number, host?: string, alg?: SigningAlg, privateJwk?: JWK }
): Promise<PullPlatform> {
  const privateJwk: JWK = opts.privateJwk ?? await generatePrivateJwk(opts.alg ?? 'ES256', `${opts.id.toLowerCase()}-key-1`)
  const host = opts.host ?? '127.0.0.1'
  const signer = await platformSigner(opts.id, privateJwk)
  const jwks = { keys: [publicPart(privateJwk)] }
  let gatewayKeys: JWTVerifyGetKey | undefined
  let gatewayUrl: string | undefined
  let cursor = '0'
  let timer: NodeJS.Timeout | undefined
  let pollMs = 200
  let polling: Promise<number> | undefined
  let up = true

  /**
   * One page of the live entries of a list, for reconciliation (README, "Export"): only for a
   * token the gateway signed for this platform and exactly this query.
   */
  async function exportPage (req: IncomingMessage): Promise<{ status: number, body: unknown }> {
    const auth = req.headers.authorization ?? ''
    if (gatewayKeys === undefined || !auth.startsWith('Bearer ')) return { status: 401, body: { error: 'gateway token required' } }
    let claims: Record<string, unknown>
    try {
      const { payload, protectedHeader } = await verifyCompact(auth.slice(7), gatewayKeys, ENVELOPE_ALGS)
      if (protectedHeader.typ !== ZJ_EXPORT_TYP) return { status: 401, body: { error: 'not an export token' } }
      claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>
    } catch {
      return { status: 401, body: { error: 'token signature invalid' } }
    }
    const now = Math.floor(Date.now() / 1000)
    if (claims.iss !== GATEWAY_ID || claims.aud !== opts.id || typeof claims.exp !== 'number' || claims.exp < now - 60) return { status: 401, body: { error: 'token not for this platform or expired' } }
    const q = new URL(req.url ?? '', 'http://x').searchParams
    const owner = q.get('owner') ?? ''
    const listCode = q.get('listCode') ?? ''
    const after = q.get('after') ?? ''
    const limit = Number(q.get('limit') ?? '1000')
    if (claims.owner !== owner || claims.listCode !== listCode || claims.after !== after || claims.limit !== limit) return { status: 401, body: { error: 'token does not cover this query' } }
    const start = readCursor(after)
    if (start === undefined || !Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      return { status: 400, body: { error: 'after must be the next of the previous page (empty at first), limit 1 to 10000' } }
    }
    const live = [...sim.held.values()].filter(
      (e) => !e.removed && e.owner === owner && (e.item as { listCode?: unknown }).listCode === listCode
    )
    const { page, total, next } = pageByKey(live, (e) => [e.owner, e.entryId], start, limit)
    const items = page.map(
      (e) => ({ entryId: e.entryId, owner: e.owner, version: e.version, suspended: e.suspended === true, item: e.item })
    )
    return { status: 200, body: { items, total, next } as unknown as ZjExportPage }
  }

  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown): void => { res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)) }
    if (req.method === 'GET' && req.url === '/.well-known/jwks.json') { send(200, jwks); return }
    if (req.method === 'GET' && req.url === '/health') { send(200, { status: 'ok', platform: opts.id }); return }
    if (req.method === 'GET' && (req.url ?? '').split('?')[0] === ZJ_EXPORT_PATH) {
      exportPage(req).then(({ status, body }) => { send(status, body) }, () => { send(500, { error: 'internal error' }) })
      return
    }
    send(404, { error: 'not found' })
  })
  const net = await listenRestartable(server, host, opts.port ?? 0)
  const port = net.port

  const schedule = (): void => {
    if (!up || gatewayUrl === undefined) return
    timer = setTimeout(() => {
      polling = sim.pollOnce().catch(() => 0).finally(() => { polling = undefined; schedule() })
    }, pollMs)
  }

  const sim: PullPlatform = {
    id: opts.id,
    url: `http://${host}:${port}`,
    signer,
    privateJwk,
    jwks,
    received: [],
    ...newReplicaState(),
    pullFailure: 'none',
    trustGateway: (keys) => {
      gatewayKeys = typeof keys === 'string' ? remoteKeySet(new URL(keys), { cooldownDuration: 0 }) : localKeySet(keys as JSONWebKeySet)
    },
    publish: async (gw, input, serialisation = 'compact') => {
      const { jws, jti } = await signEnvelope(signer, input, serialisation)
      return { ...(await postEnvelope(gw, jws, serialisation)), jti, jws }
    },
    useGateway: (gw) => { gatewayUrl = gw },
    startPolling: (gw, intervalMs = 200) => {
      gatewayUrl = gw
      pollMs = intervalMs
      if (timer === undefined) schedule()
    },
    pollOnce: async () => {
      if (gatewayUrl === undefined || gatewayKeys === undefined) return 0
      const token = await mintToken(signer, opts.id)
      const res = await fetch(`${gatewayUrl}/v1/feeds/${opts.id}?after=${cursor}`, { headers: { authorization: `Bearer ${token}` } })
      if (!res.ok) throw new Error(`feed answered ${res.status}: ${await res.text()}`)
      const page = await res.json() as { items: Array<{ deliveryId: string, jti: string, jws: string }>, next: string }
      const acks: Array<{ deliveryId: string, jti: string }> = []
      for (const item of page.items) {
        const { payload } = await verifyCompact(item.jws, gatewayKeys, ENVELOPE_ALGS)
        const claims = JSON.parse(new TextDecoder().decode(payload)) as IncomingMessageClaims & { aud: string }
        if (claims.aud !== opts.id) continue
        sim.received.push({ at: new Date().toISOString(), jti: claims.jti })
        applyToReplica(sim, claims)
        acks.push({ deliveryId: item.deliveryId, jti: item.jti })
      }
      cursor = page.next
      if (acks.length === 0 || sim.pullFailure === 'no-ack') return 0
      const times = sim.pullFailure === 'duplicate-ack' ? 2 : 1
      for (let i = 0; i < times; i++) {
        await fetch(`${gatewayUrl}/v1/feeds/${opts.id}/ack`, {
          method: 'POST',
          headers: { authorization: `Bearer ${await mintToken(signer, opts.id)}`, 'content-type': 'application/json' },
          body: JSON.stringify({ acks })
        })
      }
      return acks.length
    },
    stop: async () => {
      up = false
      if (timer !== undefined) clearTimeout(timer)
      timer = undefined
      await polling
      await net.stop()
    },
    restart: async () => {
      await net.restart()
      up = true
      schedule()
    },
    close: async () => { await sim.stop() }
  }
  return sim
}
