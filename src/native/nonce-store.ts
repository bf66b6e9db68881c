import type { RedisClient } from '../plugins/redis-client.js'

export interface NonceLogger { warn: (obj: object, msg: string) => void }

/**
 * Remembers the nonces of natively signed requests (Shanghai's `X-SH-Nonce`) for as long as their
 * timestamp could still be accepted, with SET NX EX so two gateway instances agree on which
 * request came first. When Redis is down the check degrades, like the replay cache: the request is
 * let through with a warning. What a replayed request can then achieve is bounded by the timestamp
 * window and by message-id idempotency in the ledger (the same bytes only get the same receipt).
 */
export class NonceStore {
  constructor (
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly log: NonceLogger
  ) {}

  /**
   * True when the nonce is new for this platform (and is now taken for `ttlSeconds`: as long as its
   * request's timestamp could be accepted), false when it was used.
   */
  async claim (platform: string, nonce: string, ttlSeconds: number): Promise<boolean> {
    try {
      const set = await this.redis.set(`${this.prefix}:nonce:${platform}:${nonce}`, '1', 'EX', ttlSeconds, 'NX')
      return set === 'OK'
    } catch (err) {
      this.log.warn({ platform, err }, 'nonce store unavailable; nonce not checked')
      return true
    }
  }
}
