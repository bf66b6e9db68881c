import { readGatewayEnv, type GatewayEnvValues } from './gateway-env.js'
import type { GatewayRole } from './gateway-roles.js'

/** Where a Redis server listens. */
export interface RedisNode { host: string, port: number }

/** A Redis Sentinel set: where the sentinels are and the name of the master they watch. */
export interface RedisSentinels {
  sentinels: RedisNode[]
  name: string
  password?: string
}

/**
 * Where the gateway listens and what it connects to: from the environment (gateway-env.ts, its
 * schema), never from committed files.
 */
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
  /** Where the signing key was read from (`GW_SIGNING_KEY_FILE`), for messages. */
  signingKeyFile: string | undefined
  /** The private JWK or JWK Set (`GW_SIGNING_KEY`, or the content of `GW_SIGNING_KEY_FILE`). */
  signingKey?: string
  /** The config folder (`GW_CONFIG_DIR`); default: the committed `config/`. */
  configDir?: string
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
  /**
   * `REDIS_CLUSTER_NODES` (`host:port,…`): seed nodes of a Redis Cluster, which every connection
   * then reaches; the queue keys are then hash-tagged whatever `queueHashTag` says.
   */
  redisClusterNodes?: RedisNode[]
  /** `GW_QUEUE_HASH_TAG=on`: queue keys under `{<prefix>}:bull`, one hash slot (Redis Cluster). */
  queueHashTag?: boolean
}

/** An on/off variable, its spellings fixed by the schema's enum (gateway-env.ts). */
function onOff (raw: string | undefined, fallback: boolean): boolean {
  return raw === undefined ? fallback : ['on', 'true', '1'].includes(raw)
}

/** `host:port,host:port,…` (an IPv6 host in brackets), as a variable named `name` lists servers. */
function nodesOf (name: string, raw: string): RedisNode[] {
  return raw.split(',').map((s) => {
    const m = /^\s*\[?([^\]\s]+?)\]?:(\d{1,5})\s*$/.exec(s)
    if (m === null) throw new Error(`${name} must list host:port pairs, got ${raw}`)
    return { host: m[1] as string, port: Number(m[2]) }
  })
}

function sentinelsOf (env: GatewayEnvValues): RedisSentinels | undefined {
  const raw = env.REDIS_SENTINELS
  if (raw === undefined || raw === '') return undefined
  const sentinels = nodesOf('REDIS_SENTINELS', raw)
  const password = env.REDIS_SENTINEL_PASSWORD
  return { sentinels, name: env.REDIS_SENTINEL_NAME ?? 'mymaster', ...(password === undefined || password === '' ? {} : { password }) }
}

/** A Redis Cluster's seed nodes; one Redis is reached one way only, and a cluster has database 0 only. */
function clusterNodesOf (env: GatewayEnvValues): RedisNode[] | undefined {
  const raw = env.REDIS_CLUSTER_NODES
  if (raw === undefined) return undefined
  if (env.REDIS_SENTINELS !== undefined) {
    throw new Error('REDIS_CLUSTER_NODES and REDIS_SENTINELS both set: reach Redis through a cluster or through Sentinel, not both')
  }
  const db = new URL(env.REDIS_URL).pathname.slice(1)
  if (db !== '' && Number(db) !== 0) {
    throw new Error(`REDIS_URL names database ${db}, but a Redis Cluster (REDIS_CLUSTER_NODES) has database 0 only`)
  }
  return nodesOf('REDIS_CLUSTER_NODES', raw)
}

/**
 * The runtime options from the environment, read through its schema (gateway-env.ts): a variable
 * that does not hold stops start-up with a message naming it; every secret may come from a file.
 */
export function runtimeFromEnv (env: NodeJS.ProcessEnv = process.env): RuntimeOptions {
  const e = readGatewayEnv(env)
  const signingKeyFile = env.GW_SIGNING_KEY_FILE === '' ? undefined : env.GW_SIGNING_KEY_FILE
  const clusterNodes = clusterNodesOf(e)
  return {
    host: e.HOST,
    port: e.PORT,
    redisUrl: e.REDIS_URL,
    databaseUrl: e.DATABASE_URL,
    dbSchema: e.GW_DB_SCHEMA,
    redisPrefix: e.GW_REDIS_PREFIX,
    dbPoolSize: e.GW_DB_POOL_SIZE,
    signingKeyFile,
    ...(e.GW_SIGNING_KEY === undefined ? {} : { signingKey: e.GW_SIGNING_KEY }),
    production: e.NODE_ENV === 'production',
    logLevel: e.LOG_LEVEL,
    ...(e.GW_CONFIG_DIR === undefined ? {} : { configDir: e.GW_CONFIG_DIR }),
    ...(e.GW_SESSION_SECRET === undefined ? {} : { sessionSecret: e.GW_SESSION_SECRET }),
    ...(e.GW_ID_HASH_KEY === undefined ? {} : { idHashKeys: e.GW_ID_HASH_KEY }),
    ...(e.GW_METRICS_TOKEN === undefined ? {} : { metricsToken: e.GW_METRICS_TOKEN }),
    role: e.GW_ROLE,
    ...(e.DATABASE_LISTEN_URL === undefined ? {} : { databaseListenUrl: e.DATABASE_LISTEN_URL }),
    outboxListen: onOff(e.GW_OUTBOX_LISTEN, true),
    redisSentinels: sentinelsOf(e),
    ...(clusterNodes === undefined ? {} : { redisClusterNodes: clusterNodes }),
    queueHashTag: onOff(e.GW_QUEUE_HASH_TAG, false)
  }
}
