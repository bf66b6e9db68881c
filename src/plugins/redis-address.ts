import type { RedisOptions } from 'ioredis'
import type { RedisSentinels } from '../runtime/runtime-options.js'

/**
 * Where a connection reaches Redis: the host of `REDIS_URL`, or, with Sentinel, the master the
 * sentinels name (ioredis asks them and follows a failover). Credentials, database and TLS
 * (`rediss:`) come from `REDIS_URL` either way. The request path and the queues share it.
 */
export function redisAddress (redisUrl: string, sentinels?: RedisSentinels): RedisOptions {
  const u = new URL(redisUrl)
  const common: RedisOptions = {
    username: u.username === '' ? undefined : decodeURIComponent(u.username),
    password: u.password === '' ? undefined : decodeURIComponent(u.password),
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {})
  }
  if (sentinels === undefined) return { ...common, host: u.hostname, port: Number(u.port === '' ? 6379 : u.port) }
  return {
    ...common,
    sentinels: sentinels.sentinels,
    name: sentinels.name,
    ...(sentinels.password === undefined ? {} : { sentinelPassword: sentinels.password })
  }
}
