import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { RedisClient } from '../plugins/redis-client.js'

export interface LimiterLogger { warn: (obj: object, msg: string) => void }

/** Gateway codes that mean a native request failed to authenticate (what the limiter counts). */
export const AUTH_FAILURE_CODES: ReadonlySet<string> = new Set(['SIGNATURE_INVALID', 'ISSUER_UNKNOWN', 'UNAUTHORIZED', 'KEY_UNKNOWN'])

/**
 * Counts failed native authentications per platform and client address in Redis (shared by every
 * gateway instance), in a window of a minute from the first failure, and tells a route to refuse
 * an address that reached `maxPerMinute` before it reads the body: guessing a key or probing a
 * protocol costs a minute per `maxPerMinute` tries. Every native route group has it (see
 * native-routes.ts). Only failures count, so a platform's own traffic is never slowed by an
 * attacker elsewhere; an attacker sharing the platform's address can block it for the rest of a
 * minute, the price of counting by address. When Redis is down the limit is not applied, with a
 * warning (like the nonce store).
 */
export class NativeAuthLimiter {
  constructor (
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly maxPerMinute: number,
    private readonly log: LimiterLogger
  ) {}

  private key (platform: string, remote: string): string {
    return `${this.prefix}:native-auth-fail:${platform}:${remote}`
  }

  /**
   * Whether the address is over the limit for this minute; `first` is true for the first refusal
   * of the window, so the security log gets one line per blocked window, not one per request.
   */
  async check (platform: string, remote: string): Promise<{ blocked: boolean, first: boolean }> {
    try {
      const key = this.key(platform, remote)
      const count = Number(await this.redis.get(key) ?? 0)
      if (count < this.maxPerMinute) return { blocked: false, first: false }
      const first = await this.redis.set(`${key}:told`, '1', 'EX', 60, 'NX')
      return { blocked: true, first: first === 'OK' }
    } catch (err) {
      this.log.warn({ platform, err }, 'native auth limiter unavailable; limit not applied')
      return { blocked: false, first: false }
    }
  }

  /** Counts one failed authentication of the address. */
  async failed (platform: string, remote: string): Promise<void> {
    try {
      const key = this.key(platform, remote)
      // The window starts with the first failure (EXPIRE NX): later failures do not prolong it.
      await this.redis.multi().incr(key).expire(key, 60, 'NX').exec()
    } catch (err) {
      this.log.warn({ platform, err }, 'native auth limiter unavailable; failure not counted')
    }
  }
}

/**
 * Puts the limiter in front of a native route group: an address that failed to authenticate
 * `nativeAuthFailuresPerMinute` times this minute gets `refusal(max)` before anything else is read;
 * `onBlocked` hears whether it is the window's first such refusal. The route's error handler counts
 * failures with the limiter returned.
 */
export function installNativeAuthLimiter (
  app: FastifyInstance,
  platform: string,
  refusal: (maxPerMinute: number) => Error,
  onBlocked?: (request: FastifyRequest, first: boolean) => void
): NativeAuthLimiter {
  const max = app.config.settings.nativeAuthFailuresPerMinute
  const limiter = new NativeAuthLimiter(app.redis, app.runtime.redisPrefix, max, app.log)
  app.addHook('onRequest', async (request) => {
    const { blocked, first } = await limiter.check(platform, request.ip)
    if (!blocked) return
    onBlocked?.(request, first)
    throw refusal(max)
  })
  return limiter
}
