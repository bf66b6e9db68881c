import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import pg from 'pg'
import type { JWK } from 'jose'
import { DEFAULT_DELIVERY, DEFAULT_SETTINGS, type GatewayConfig, type GatewaySettings, type PlatformConfig } from '../../config/config-schema.js'
import { buildApp } from '../../src/app.js'
import { defaultConfigDir } from '../../config/load-config.js'
import { loadRegistries } from '../../config/load-registries.js'
import { loadCalendars } from '../../config/load-calendars.js'
import { migrate } from '../../src/ledger/migrate.js'
import {
  generatePrivateJwk, gatewayKeysFrom, publicPart, signingKeyOf, type GatewayKeys, type SigningAlg
} from '../../src/keys/signing-keys.js'
import type { SigningKeyInput } from '../../src/keys/jws.js'
import type { PeerConfig } from '../../config/peer-schema.js'
import { platformSigner, signEnvelope, type EnvelopeInput, type PlatformSigner } from '../../src/envelopes/sign-envelope.js'
import { mintToken } from '../../src/auth/mint-token.js'
import type { RuntimeOptions } from '../../src/runtime/runtime-options.js'
import type { CheckerIssuerConfig } from '../../config/checker-schema.js'

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** The four provinces, with the algorithms their test keys use (both allowed ones covered). */
export const PROVINCES: Array<{ id: string, region: string, alg: SigningAlg }> = [
  { id: 'SH', region: '310000', alg: 'ES256' },
  { id: 'JS', region: '320000', alg: 'EdDSA' },
  { id: 'ZJ', region: '330000', alg: 'ES256' },
  { id: 'AH', region: '340000', alg: 'EdDSA' }
]

export interface TestPlatform {
  id: string
  region: string
  privateJwk: JWK
  signer: PlatformSigner
}

export interface Harness {
  app: FastifyInstance
  config: GatewayConfig
  runtime: RuntimeOptions
  gatewayKeys: GatewayKeys
  /** The gateway's private keys, for a second process acting as the same gateway. */
  gatewayPrivateJwks: JWK[]
  platforms: Map<string, TestPlatform>
  platform: (id: string) => TestPlatform
  /** A pool on the test's own schema, for assertions. */
  db: pg.Pool
  redis: Redis
  sign: (iss: string, input: EnvelopeInput, serialisation?: 'compact' | 'flattened') => Promise<{ jws: string, jti: string }>
  post: (jws: string, contentType?: string) => Promise<{ status: number, body: Record<string, unknown> }>
  adminToken: (roles?: 'admin' | 'operator' | 'auditor') => Promise<string>
  adminKey: (role: 'admin' | 'operator' | 'auditor') => Promise<{ iss: string, kid: string, alg: string, key: SigningKeyInput }>
  platformToken: (id: string) => Promise<string>
  count: (table: string) => Promise<number>
}

export interface HarnessOptions {
  settings?: Partial<GatewaySettings>
  /** Replace or add platform config fields (e.g. a jwksUrl instead of inline keys). */
  platformOverrides?: (p: PlatformConfig) => PlatformConfig
  listen?: boolean
  /** Run the relay and delivery workers (off by default: ingest tests look at the outbox as written). */
  workers?: boolean
  logStream?: { write: (line: string) => void }
  /** Another Redis (e.g. one the test starts and kills). */
  redisUrl?: string
  platformSecrets?: Record<string, Record<string, string>>
  /** Authorised department systems (config/checkers.json), e.g. for the check routes. */
  checkers?: CheckerIssuerConfig[]
  /** Runtime options over the harness's own (e.g. `idHashKeys`). */
  runtime?: Partial<RuntimeOptions>
  /** The gateway's clock (default: the system's), for answers that depend on the date. */
  clock?: () => Date
  /** Key algorithms other than {@link PROVINCES}' for some platforms (e.g. `{ AH: 'SM2-SM3' }`). */
  algs?: Partial<Record<string, SigningAlg>>
  /** The gateway's signing keys' algorithms, the active one first (default ES256, then a retired EdDSA key). */
  gatewayAlgs?: [SigningAlg, ...SigningAlg[]]
  /** The admin issuers' key algorithm (default ES256). */
  adminAlg?: SigningAlg
  /** Peer gateways (config/peers): none by default. */
  peers?: PeerConfig[]
}

/** The gateway's URL when the harness listens on a real port. */
export function urlOf (h: Harness): string {
  const a = h.app.server.address()
  return `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}`
}

interface Teardown { teardown: (fn: () => unknown) => void }

const uniqueName = (prefix: string): string => `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`

/**
 * A gateway on real PostgreSQL and Redis, in a fresh schema and key prefix of its own, with four
 * platforms holding real keys and three admin issuers; all torn down with the test.
 */
export async function startHarness (t: Teardown, opts: HarnessOptions = {}): Promise<Harness> {
  const schema = uniqueName('t')
  const prefix = uniqueName('t')
  const platforms = new Map<string, TestPlatform>()
  for (const p of PROVINCES) {
    const privateJwk = await generatePrivateJwk(opts.algs?.[p.id] ?? p.alg, `${p.id.toLowerCase()}-k1`)
    platforms.set(p.id, { id: p.id, region: p.region, privateJwk, signer: await platformSigner(p.id, privateJwk) })
  }
  const adminKeys = new Map<string, JWK>()
  for (const role of ['admin', 'operator', 'auditor'] as const) adminKeys.set(role, await generatePrivateJwk(opts.adminAlg ?? 'ES256', `${role}-k1`))

  const settings: GatewaySettings = { ...DEFAULT_SETTINGS, jwksRefetchCooldownSeconds: 0, ...opts.settings }
  const config: GatewayConfig = {
    dir: '(test)',
    registries: loadRegistries(defaultConfigDir()),
    calendar: loadCalendars(defaultConfigDir()),
    settings,
    platforms: PROVINCES.map((p) => {
      const base: PlatformConfig = {
        id: p.id,
        name: `${p.id} platform`,
        regionCode: p.region,
        adapter: 'yrd-push',
        endpoint: `http://127.0.0.1:9/${p.id}`,
        jwks: { keys: [publicPart(platforms.get(p.id)?.privateJwk as JWK)] },
        enabled: true,
        delivery: { ...DEFAULT_DELIVERY }
      }
      return opts.platformOverrides?.(base) ?? base
    }),
    admins: [...adminKeys].map(([role, jwk]) => ({ id: `${role}-console`, roles: [role as 'admin'], jwks: { keys: [publicPart(jwk)] } })),
    checkers: opts.checkers ?? [],
    ...(opts.peers === undefined ? {} : { peers: opts.peers })
  }
  const runtime: RuntimeOptions = {
    host: '127.0.0.1',
    port: 0,
    redisUrl: opts.redisUrl ?? REDIS_URL,
    databaseUrl: DATABASE_URL,
    dbSchema: schema,
    redisPrefix: prefix,
    dbPoolSize: 20,
    signingKeyFile: undefined,
    production: false,
    logLevel: opts.logStream === undefined ? (process.env.TEST_LOG_LEVEL ?? 'silent') : 'debug',
    ...opts.runtime
  }
  const gatewayAlgs = opts.gatewayAlgs ?? ['ES256', 'EdDSA']
  const gatewayPrivateJwks = await Promise.all(gatewayAlgs.map(async (alg, i) => await generatePrivateJwk(alg, i === 0 ? 'gw-k1' : `gw-k${1 - i}-retired`)))
  const gatewayKeys = await gatewayKeysFrom(gatewayPrivateJwks)
  await migrate(DATABASE_URL, schema)
  const app = await buildApp({
    config,
    runtime,
    gatewayKeys,
    logStream: opts.logStream,
    workers: opts.workers ?? false,
    platformSecrets: opts.platformSecrets,
    clock: opts.clock
  })
  if (opts.listen === true) await app.listen({ host: '127.0.0.1', port: 0 })
  else await app.ready()
  // A queue still connecting when a short test closes the app makes ioredis report "Connection is
  // closed" as an unhandled error: let every delivery queue finish connecting first.
  await Promise.all([...app.delivery.queues.queues.values()].map(async (q) => { await q.waitUntilReady() }))

  const db = new pg.Pool({ connectionString: DATABASE_URL, options: `-c search_path=${schema}`, max: 4 })
  const redis = new Redis(opts.redisUrl ?? REDIS_URL, { maxRetriesPerRequest: 1 })
  redis.on('error', () => undefined)
  t.teardown(async () => {
    await app.close()
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await db.end()
    const keys = await redis.keys(`${prefix}:*`).catch(() => [])
    if (keys.length > 0) await redis.del(...keys).catch(() => undefined)
    redis.disconnect()
  })

  const platform = (id: string): TestPlatform => {
    const p = platforms.get(id)
    if (p === undefined) throw new Error(`no platform ${id}`)
    return p
  }
  const keyOf = async (jwk: JWK): Promise<{ kid: string, alg: string, key: SigningKeyInput }> =>
    ({ kid: String(jwk.kid), ...(await signingKeyOf(jwk)) })
  return {
    app,
    config,
    runtime,
    gatewayKeys,
    gatewayPrivateJwks,
    platforms,
    platform,
    db,
    redis,
    sign: async (iss, input, serialisation = 'compact') => await signEnvelope(platform(iss).signer, input, serialisation),
    post: async (jws, contentType = 'application/jose') => {
      const res = await app.inject({ method: 'POST', url: '/v1/envelopes', headers: { 'content-type': contentType }, payload: jws })
      return { status: res.statusCode, body: res.json() }
    },
    adminToken: async (role = 'admin') => await mintToken(await keyOf(adminKeys.get(role) as JWK), `${role}-console`, { sub: `${role}-user` }),
    adminKey: async (role) => ({ iss: `${role}-console`, ...(await keyOf(adminKeys.get(role) as JWK)) }),
    platformToken: async (id) => await mintToken(await keyOf(platform(id).privateJwk), id),
    count: async (table) => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n)
  }
}
