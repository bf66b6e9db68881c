import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { RedisClient } from '../plugins/redis-client.js'
import { createRequire } from 'node:module'

type Counted = (error: Error | null, result?: { current: number, ttl: number }) => void

/** The stores @fastify/rate-limit ships (not exported by its types): counters in Redis and in the process. */
interface InnerStore {
  incr: (key: string, cb: Counted, timeWindow: number, max: number) => void
  read?: (key: string, cb: Counted, timeWindow: number, max: number) => void
  child: (routeOptions: unknown) => InnerStore
}
interface InnerStoreCtor { new (...args: unknown[]): InnerStore }

const require = createRequire(import.meta.url)
const RedisStore = require('@fastify/rate-limit/store/RedisStore') as InnerStoreCtor
const LocalStore = require('@fastify/rate-limit/store/LocalStore') as InnerStoreCtor

interface RouteInfo { routeInfo?: { method?: unknown, url?: unknown }, max?: unknown, timeWindow?: unknown }

/**
 * Rate-limit counters shared by every gateway process through Redis, so N nodes enforce one
 * limit per caller; while Redis is not reachable each process counts on its own (the limit then
 * holds per node), and requests are never refused or let through unlimited for Redis's sake.
 * The keys live under `<GW_REDIS_PREFIX>:rate:`; each script of the store reads and writes one key,
 * so on a Redis Cluster they need no hash tag.
 */
export function sharedRateStore (redis: RedisClient, nameSpace: string): FastifyRateLimitStoreCtor {
  class SharedRateStore implements FastifyRateLimitStore {
    constructor (
      _options: FastifyRateLimitOptions,
      private readonly shared: InnerStore = new RedisStore(false, false, redis, nameSpace),
      private readonly local: InnerStore = new LocalStore(false, false, 5000)
    ) {}

    incr (key: string, cb: Counted, timeWindow: number, max: number): void {
      this.either('incr', key, cb, timeWindow, max)
    }

    read (key: string, cb: Counted, timeWindow: number, max: number): void {
      this.either('read', key, cb, timeWindow, max)
    }

    private either (method: 'incr' | 'read', key: string, cb: Counted, timeWindow: number, max: number): void {
      const local = (): void => { this.local[method]?.(key, cb, timeWindow, max) }
      if (redis.status !== 'ready') { local(); return }
      this.shared[method]?.(key, (err, result) => { if (err === null) cb(null, result); else local() }, timeWindow, max)
    }

    // A route's (or createRateLimit's) own limit counts apart from the global one: its keys carry
    // the route and its limit, the same in every process built from the same code and config.
    child (routeOptions: unknown): FastifyRateLimitStore {
      const o = routeOptions as RouteInfo
      const scope = `${String(o.routeInfo?.method ?? '')}${String(o.routeInfo?.url ?? '')}:${String(o.max)}:${String(o.timeWindow)}:`
      return new SharedRateStore({}, new RedisStore(false, false, redis, `${nameSpace}${scope}`), this.local.child(routeOptions))
    }
  }
  return SharedRateStore as unknown as FastifyRateLimitStoreCtor
}
