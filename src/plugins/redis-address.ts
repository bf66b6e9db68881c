import type { RedisOptions } from 'ioredis'
import type { RedisSentinels } from '../runtime/runtime-options.js'

/**
 * Who a connection is and how it talks to Redis, whichever servers it reaches: the user, password
 * and TLS (`rediss:`) of `REDIS_URL`.
 */
export function redisCredentials (redisUrl: string): RedisOptions {
  const u = new URL(redisUrl)
  return {
    username: u.username === '' ? undefined : decodeURIComponent(u.username),
    password: u.password === '' ? undefined : decodeURIComponent(u.password),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {})
  }
}

/**
 * Where a connection reaches Redis: the host of `REDIS_URL`, or, with Sentinel, the master the
 * sentinels name (ioredis asks them and follows a failover). Credentials, database and TLS
 * (`rediss:`) come from `REDIS_URL` either way. The request path and the queues share it.
 */
export function redisAddress (redisUrl: string, sentinels?: RedisSentinels): RedisOptions {
  const u = new URL(redisUrl)
  const common: RedisOptions = {
    ...redisCredentials(redisUrl),
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0
  }
  if (sentinels === undefined) return { ...common, host: u.hostname, port: Number(u.port === '' ? 6379 : u.port) }
  return {
    ...common,
    sentinels: sentinels.sentinels,
    name: sentinels.name,
    ...(sentinels.password === undefined ? {} : { sentinelPassword: sentinels.password })
  }
}
