import type { Redis } from 'ioredis'
import type pg from 'pg'
import type { JsRowResult } from '../../adapters/js-batch/js-batch-result.js'

/** Where a batch published into the gateway stands, in Jiangsu's result format. */
export interface JsInboundResult {
  batchId: string
  status: 'DONE'
  rows: JsRowResult[]
  /** The gateway's signed receipt, when the batch was accepted. */
  receipt?: string
}

export interface ResultLogger { warn: (obj: object, msg: string) => void }

/**
 * Keeps the result of every batch Jiangsu uploads, for `GET …/result`. An accepted batch is in the
 * ledger, which stays the truth (every row ACCEPTED, its receipt). A refused batch leaves nothing
 * in the ledger by contract, so its verdicts live in Redis for `ttlSeconds`; if Redis is down, the
 * upload's own answer is the only copy (the result endpoint then answers BATCH_NOT_FOUND).
 */
export class JsBatchResults {
  constructor (
    private readonly redis: Redis,
    private readonly pool: pg.Pool,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
    private readonly log: ResultLogger
  ) {}

  private key (platform: string, batchId: string): string {
    return `${this.prefix}:jsresult:${platform}:${batchId}`
  }

  async remember (platform: string, result: JsInboundResult): Promise<void> {
    try {
      await this.redis.set(this.key(platform, result.batchId), JSON.stringify(result), 'EX', this.ttlSeconds)
    } catch (err) {
      this.log.warn({ platform, err }, 'batch result store unavailable; result kept in the ledger only if accepted')
    }
  }

  async find (platform: string, batchId: string): Promise<JsInboundResult | undefined> {
    let cached: string | null = null
    try {
      cached = await this.redis.get(this.key(platform, batchId))
    } catch (err) {
      this.log.warn({ platform, err }, 'batch result store unavailable; asking the ledger')
    }
    if (cached !== null) return JSON.parse(cached) as JsInboundResult
    const { rows } = await this.pool.query<{ iss: string, item_count: number, receipt: string }>(
      'SELECT iss, item_count, receipt FROM envelopes WHERE iss = $1 AND jti = $2', [platform, batchId])
    const row = rows[0]
    if (row === undefined) return undefined
    return accepted(batchId, row.item_count, row.receipt)
  }
}

/** Every row ACCEPTED: the envelope is all or nothing. */
export function accepted (batchId: string, rows: number, receipt: string): JsInboundResult {
  return { batchId, status: 'DONE', rows: Array.from({ length: rows }, (_, i) => ({ seq: i + 1, result: 'ACCEPTED' as const })), receipt }
}
