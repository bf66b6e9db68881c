import type { RedisClient } from '../plugins/redis-client.js'
import { GatewayError } from '../errors/gateway-error.js'

export interface ReplayLogger { warn: (obj: object, msg: string) => void }

/**
 * The fast path of jti replay protection: once an envelope is committed, its (issuer, jti) maps to
 * its digest and receipt in Redis, so a replay is answered (same bytes) or refused (other bytes)
 * without touching the ledger. Ids are per issuer: another platform using the same jti neither
 * conflicts nor gets the first one's receipt. The ledger's primary key on (iss, jti) stays the truth: when Redis is
 * down or has
 * forgotten, the commit itself detects the replay, so Redis being unavailable costs speed, never
 * correctness.
 */
export class ReplayCache {
  constructor (
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
    private readonly log: ReplayLogger
  ) {}

  // A platform id has no ':' (PlatformIdV1), so the key cannot be read two ways.
  private key (iss: string, jti: string): string {
    return `${this.prefix}:jti:${iss}:${jti}`
  }

  /** The original receipt when these exact bytes were accepted before from `iss`; JTI_CONFLICT for other bytes. */
  async lookup (iss: string, jti: string, digest: string): Promise<string | undefined> {
    let value: string | null
    try {
      value = await this.redis.get(this.key(iss, jti))
    } catch (err) {
      this.log.warn({ err }, 'replay cache unavailable; relying on the ledger')
      return undefined
    }
    if (value === null) return undefined
    const space = value.indexOf(' ')
    if (value.slice(0, space) !== digest) throw new GatewayError('JTI_CONFLICT', 'this jti was already used for a different envelope')
    return value.slice(space + 1)
  }

  async remember (iss: string, jti: string, digest: string, receipt: string): Promise<void> {
    try {
      await this.redis.set(this.key(iss, jti), `${digest} ${receipt}`, 'EX', this.ttlSeconds)
    } catch (err) {
      this.log.warn({ err }, 'replay cache unavailable; relying on the ledger')
    }
  }
}
