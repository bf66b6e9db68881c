import { readFileSync } from 'node:fs'

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
  /** Connections in the ledger's pool: ingest, the workers' attempts and the relay's LISTEN share it. */
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
    metricsToken: env.GW_METRICS_TOKEN
  }
}
