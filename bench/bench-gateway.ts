/**
 * A gateway for a bench: the platforms' publishing keys, the one place the bench's gateway config
 * is built (so a new knob is added here, or given at run time through BENCH_SETTINGS_JSON and
 * BENCH_PLATFORM_JSON), the app in this process, and posting pre-signed envelopes to it.
 */
import type { FastifyInstance } from 'fastify'
import { Pool as HttpPool } from 'undici'
import { GatewaySettings, PlatformConfig, type GatewayConfig } from '../config/config-schema.js'
import { validated } from '../config/read-config-file.js'
import { buildApp } from '../src/app.js'
import { platformSigner, signEnvelope, type PlatformSigner } from '../src/envelopes/sign-envelope.js'
import { gatewayKeysFrom, generatePrivateJwk, publicPart, type PublicJwk, type SigningAlg } from '../src/keys/signing-keys.js'
import { migrate } from '../src/ledger/migrate.js'
import type { ListUpsertItemV1 } from '../contracts/list-upsert-item-v1.js'
import { sampleEntry } from '../sim/sample-entries.js'
import { DATABASE_URL, PROVINCES, type Scratch } from './bench-scratch.js'
import type { PeerPlatform } from './peer-messages.js'

/** A platform as the bench publishes for it: the bench holds its envelope-signing key. */
export interface Publisher { id: string, region: string, alg: SigningAlg, signer: PlatformSigner, publicJwk: PublicJwk }

export async function makePublishers (): Promise<Publisher[]> {
  return await Promise.all(PROVINCES.map(async (p) => {
    const jwk = await generatePrivateJwk(p.alg, `${p.id.toLowerCase()}-bench-k1`)
    return { ...p, signer: await platformSigner(p.id, jwk), publicJwk: publicPart(jwk) }
  }))
}

/**
 * What the benches change from the defaults: no rate limit that binds and 8 deliveries at once per
 * platform, so a bench sees the pipeline itself; the relay polls often (it also wakes on NOTIFY).
 */
const BENCH_PLATFORM: Record<string, unknown> = {
  delivery: { concurrency: 8, rateLimit: { max: 10_000, durationMs: 1000 } }
}
const BENCH_SETTINGS: Record<string, unknown> = { relayIntervalMs: 50 }

function isObject (x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

/** `over` laid over `base`, objects merged key by key (arrays and scalars replaced). */
export function deepMerge (base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(over)) {
    const b = out[k]
    out[k] = isObject(b) && isObject(v) ? deepMerge(b, v) : v
  }
  return out
}

/** A JSON object from the environment (a knob laid over the bench's config), `{}` when unset. */
export function jsonObjectFromEnv (name: string, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const raw = env[name]
  if (raw === undefined || raw === '') return {}
  const parsed: unknown = JSON.parse(raw)
  if (!isObject(parsed)) throw new Error(`${name} must be a JSON object, got ${raw}`)
  return parsed
}

/**
 * The gateway's config: every publisher as a `yrd-push` platform. With `peers`, each delivers to its
 * simulated platform there and trusts that platform's keys too (they sign its receipts); without,
 * the endpoints lead nowhere (a bench that runs no delivery). The schema fills every default, and
 * BENCH_SETTINGS_JSON / BENCH_PLATFORM_JSON (e.g. `{"delivery":{"concurrency":16}}`) are laid over
 * the bench's choices, so a knob added to the schema is tried without touching a bench.
 */
export function benchConfig (
  publishers: readonly Publisher[], peers?: ReadonlyMap<string, PeerPlatform>
): GatewayConfig {
  const settings = deepMerge(BENCH_SETTINGS, jsonObjectFromEnv('BENCH_SETTINGS_JSON'))
  const platformOver = deepMerge(BENCH_PLATFORM, jsonObjectFromEnv('BENCH_PLATFORM_JSON'))
  return {
    dir: '(bench)',
    settings: validated(GatewaySettings, settings, '(bench settings)'),
    platforms: publishers.map((p) => {
      const peer = peers?.get(p.id)
      const base = {
        id: p.id,
        name: `${p.id} platform`,
        regionCode: p.region,
        adapter: 'yrd-push',
        endpoint: peer === undefined ? `http://127.0.0.1:9/${p.id}` : `${peer.url}/yrd/v1/deliveries`,
        ...(peer === undefined ? {} : { healthUrl: `${peer.url}/health` }),
        jwks: { keys: [p.publicJwk, ...(peer?.jwks.keys ?? [])] },
        enabled: true
      }
      return validated(PlatformConfig, deepMerge(base, platformOver), `(bench platform ${p.id})`)
    }),
    admins: []
  }
}

/** A gateway listening on a port of this machine, with an HTTP client pool for it. */
export interface BenchGateway { app: FastifyInstance, url: string, http: HttpPool }

/** Migrates the scratch schema and starts the gateway in this process; `workers` runs relay and delivery. */
export async function startGateway (
  scratch: Scratch, config: GatewayConfig, opts: { workers: boolean, connections: number }
): Promise<BenchGateway> {
  await migrate(DATABASE_URL, scratch.schema)
  const gatewayKeys = await gatewayKeysFrom([await generatePrivateJwk('ES256', 'gw-bench-k1')])
  const app = await buildApp({ config, runtime: scratch.runtime, gatewayKeys, workers: opts.workers, logger: false })
  scratch.onCleanup(async () => { await app.close() })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address !== 'object') throw new Error('the gateway is not listening on a TCP port')
  const url = `http://127.0.0.1:${address.port}`
  const http = new HttpPool(url, { connections: opts.connections })
  scratch.onCleanup(async () => { await http.close() })
  return { app, url, http }
}

/** One signed envelope, ready to post: the publisher's cost is paid before any timing. */
export interface SignedEnvelope { iss: string, jti: string, jws: Buffer, items: ListUpsertItemV1[] }

/** Signs `count` `list.upsert` envelopes of `items` distinct entries, round-robin over `publishers`. */
export async function signEnvelopes (
  publishers: readonly Publisher[], count: number, items: number, tag: string, keepItems = true
): Promise<SignedEnvelope[]> {
  const out: SignedEnvelope[] = []
  for (let e = 0; e < count; e++) {
    const p = publishers[e % publishers.length] as Publisher
    const list = Array.from({ length: items }, (_, i) => sampleEntry(p.id, p.region, e * items + i, { tag }))
    // The longest lifetime allowed, so that a long run does not outlive its envelopes.
    const { jws, jti } = await signEnvelope(p.signer, { kind: 'list.upsert', items: list, lifetime: 600 })
    out.push({ iss: p.id, jti, jws: Buffer.from(jws), items: keepItems ? list : [] })
  }
  return out
}

/** The payload of a compact JWS, as the bytes that were signed (what a baseline sends unsigned). */
export function payloadOf (jws: Buffer): Buffer {
  const first = jws.indexOf(0x2e)
  const second = jws.indexOf(0x2e, first + 1)
  return Buffer.from(jws.subarray(first + 1, second).toString('latin1'), 'base64url')
}

/** Posts one envelope; returns the wall-clock time (epoch ms) its 202 arrived: the peers stamp receipts alike. */
export async function postEnvelope (http: HttpPool, jws: Buffer): Promise<number> {
  const res = await http.request({ method: 'POST', path: '/v1/envelopes', headers: { 'content-type': 'application/jose' }, body: jws })
  const text = await res.body.text()
  if (res.statusCode !== 202) throw new Error(`gateway answered ${res.statusCode}: ${text.slice(0, 300)}`)
  return Date.now()
}
