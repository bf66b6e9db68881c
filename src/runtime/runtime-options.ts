import { readFileSync } from 'node:fs'

/** What one gateway process runs (README "Scaling"): the HTTP API, the background work, or both. */
export const GATEWAY_ROLES = ['all', 'api', 'worker'] as const
export type GatewayRole = typeof GATEWAY_ROLES[number]

/** A Redis Sentinel set: where the sentinels are and the name of the master they watch. */
export interface RedisSentinels {
  sentinels: Array<{ host: string, port: number }>
  name: string
  password?: string
}

/** Where the gateway listens and what it connects to: from the environment, never from committed files. */
export interface RuntimeOptions {
  host: string
  port: number
  redisUrl: string
  databaseUrl: string
  /** PostgreSQL schema of the ledger (tests use one per file). */
  dbSchema: string
  /** Prefix of every Redis key and queue (tests use one per file). */
  redisPrefix: string
  /** Connections in the ledger's pool: ingest, the workers' attempts and the relay (its LISTEN has its own). */
  dbPoolSize: number
  signingKeyFile: string | undefined
  production: boolean
  logLevel: string
  /** Key of the admin session cookie's signature (`GW_SESSION_SECRET`); without it, outside production, a random one
   * per process. */
  sessionSecret?: string
  /**
   * Keys fingerprinting subject identifiers (`GW_ID_HASH_KEY`, or the file `GW_ID_HASH_KEY_FILE`
   * names): `<kid>:<secret>`, current first, then previous ones; without it, outside production,
   * a random one per process.
   */
  idHashKeys?: string
  /** Bearer token a Prometheus scrape sends when gateway.json `metricsAccess` is `token` (`GW_METRICS_TOKEN`). */
  metricsToken?: string
  /** `GW_ROLE` (or `serve --role`): `all` (default), `api` or `worker`. */
  role?: GatewayRole
  /**
   * Where the outbox relay LISTENs (`DATABASE_LISTEN_URL`, default `DATABASE_URL`): a session,
   * so not through PgBouncer in transaction mode; `GW_OUTBOX_LISTEN=off` polls only.
   */
  databaseListenUrl?: string
  outboxListen?: boolean
  /** `REDIS_SENTINELS` (`host:port,…`) and `REDIS_SENTINEL_NAME`: reach Redis through Sentinel. */
  redisSentinels?: RedisSentinels
  /** `GW_QUEUE_HASH_TAG=on`: queue keys under `{<prefix>}:bull`, one hash slot (Redis Cluster). */
  queueHashTag?: boolean
}

function roleOf (raw: string | undefined): GatewayRole {
  if (raw === undefined || raw === '') return 'all'
  const role = GATEWAY_ROLES.find((r) => r === raw)
  if (role === undefined) throw new Error(`GW_ROLE must be one of ${GATEWAY_ROLES.join(', ')}, got ${raw}`)
  return role
}

function onOff (raw: string | undefined, name: string, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback
  if (['on', 'true', '1'].includes(raw)) return true
  if (['off', 'false', '0'].includes(raw)) return false
  throw new Error(`${name} must be on or off, got ${raw}`)
}

function sentinelsOf (env: NodeJS.ProcessEnv): RedisSentinels | undefined {
  const raw = env.REDIS_SENTINELS
  if (raw === undefined || raw === '') return undefined
  const sentinels = raw.split(',').map((s) => {
    const m = /^\s*\[?([^\]\s]+?)\]?:(\d{1,5})\s*$/.exec(s)
    if (m === null) throw new Error(`REDIS_SENTINELS must list host:port pairs, got ${raw}`)
    return { host: m[1] as string, port: Number(m[2]) }
  })
  const password = env.REDIS_SENTINEL_PASSWORD
  return { sentinels, name: env.REDIS_SENTINEL_NAME ?? 'mymaster', ...(password === undefined || password === '' ? {} : { password }) }
}

function positiveInt (raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${raw}`)
  return n
}

export function runtimeFromEnv (env: NodeJS.ProcessEnv = process.env): RuntimeOptions {
  const port = Number(env.PORT ?? 8080)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT ?? ''}`)
  return {
    host: env.HOST ?? '127.0.0.1',
    port,
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    dbSchema: env.GW_DB_SCHEMA ?? 'yrd_gateway',
    redisPrefix: env.GW_REDIS_PREFIX ?? 'yrd',
    dbPoolSize: positiveInt(env.GW_DB_POOL_SIZE, 'GW_DB_POOL_SIZE', 20),
    signingKeyFile: env.GW_SIGNING_KEY_FILE,
    production: env.NODE_ENV === 'production',
    logLevel: env.LOG_LEVEL ?? 'info',
    sessionSecret: env.GW_SESSION_SECRET,
    idHashKeys: env.GW_ID_HASH_KEY ?? (env.GW_ID_HASH_KEY_FILE === undefined || env.GW_ID_HASH_KEY_FILE === '' ? undefined : readFileSync(env.GW_ID_HASH_KEY_FILE, 'utf8')),
    metricsToken: env.GW_METRICS_TOKEN,
    role: roleOf(env.GW_ROLE),
    databaseListenUrl: env.DATABASE_LISTEN_URL === undefined || env.DATABASE_LISTEN_URL === '' ? undefined : env.DATABASE_LISTEN_URL,
    outboxListen: onOff(env.GW_OUTBOX_LISTEN, 'GW_OUTBOX_LISTEN', true),
    redisSentinels: sentinelsOf(env),
    queueHashTag: onOff(env.GW_QUEUE_HASH_TAG, 'GW_QUEUE_HASH_TAG', false)
  }
}
