import fp from 'fastify-plugin'
import { redisClient, type RedisClient } from './redis-client.js'

declare module 'fastify' {
  interface FastifyInstance { redis: RedisClient }
}

/**
 * The request-path Redis connection. Commands fail at once while Redis is away (no offline queue)
 * so that a request never hangs on it; every request-path use degrades to the ledger.
 */
export const redisPlugin = fp(async (app) => {
  const redis = redisClient(app.runtime, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000)
  })
  redis.on('error', (err) => { app.log.debug({ err }, 'redis connection error') })
  await new Promise<void>((resolve) => {
    const done = (): void => { clearTimeout(timer); resolve() }
    const timer = setTimeout(() => {
      app.log.warn('redis not reachable at start-up; continuing degraded (replays answered from the ledger)')
      redis.off('ready', done)
      resolve()
    }, 3000)
    redis.once('ready', done)
  })
  app.decorate<RedisClient>('redis', redis)
  app.addHook('onClose', async () => { redis.disconnect() })
}, { name: 'gw-redis', dependencies: ['gw-context'] })
