import type { RedisClient } from '../plugins/redis-client.js'
import type pg from 'pg'

export interface ResultLogger { warn: (obj: object, msg: string) => void }

/**
 * Keeps the results of native publications a platform may ask for later (Jiangsu's
 * `GET …/result`), in Redis, shared by every gateway instance, and reads the ledger's record of an
 * accepted message, which stays the truth. A refused message leaves nothing in the ledger by
 * contract, so its result lives only in Redis for its time to live; if Redis is down, the
 * publication's own answer is the only copy.
 */
export class NativeResults {
  constructor (
    private readonly redis: RedisClient,
    private readonly pool: pg.Pool,
    private readonly prefix: string,
    private readonly log: ResultLogger
  ) {}

  // The key keeps Jiangsu's name: results stored before native routes became generic stay found.
  private key (platform: string, id: string): string {
    return `${this.prefix}:jsresult:${platform}:${id}`
  }

  async remember (platform: string, id: string, result: object, ttlSeconds: number): Promise<void> {
    try {
      await this.redis.set(this.key(platform, id), JSON.stringify(result), 'EX', ttlSeconds)
    } catch (err) {
      this.log.warn({ platform, err },
        'batch result store unavailable; result kept in the ledger only if accepted')
    }
  }

  async find (platform: string, id: string): Promise<object | undefined> {
    let cached: string | null = null
    try {
      cached = await this.redis.get(this.key(platform, id))
    } catch (err) {
      this.log.warn({ platform, err }, 'batch result store unavailable; asking the ledger')
    }
    const result: unknown = cached === null ? undefined : JSON.parse(cached)
    return typeof result === 'object' && result !== null ? result : undefined
  }

  /** The ledger's record of a message `platform` published under `msgId`, if accepted. */
  async accepted (platform: string, msgId: string): Promise<{ items: number, receipt: string } | undefined> {
    const { rows } = await this.pool.query<{ item_count: number, receipt: string }>(
      'SELECT item_count, receipt FROM envelopes WHERE iss = $1 AND jti = $2', [platform, msgId])
    const row = rows[0]
    return row === undefined ? undefined : { items: row.item_count, receipt: row.receipt }
  }
}
