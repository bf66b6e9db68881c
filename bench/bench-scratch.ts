import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import type pg from 'pg'
import { createPool } from '../src/ledger/pool.js'
import type { SigningAlg } from '../src/keys/signing-keys.js'
import type { RuntimeOptions } from '../src/runtime/runtime-options.js'

/** The four provinces, with the algorithms their bench keys use (both allowed ones covered). */
export const PROVINCES: ReadonlyArray<{ id: string, region: string, alg: SigningAlg }> = [
  { id: 'SH', region: '310000', alg: 'ES256' },
  { id: 'JS', region: '320000', alg: 'EdDSA' },
  { id: 'ZJ', region: '330000', alg: 'ES256' },
  { id: 'AH', region: '340000', alg: 'EdDSA' }
]

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A bench's own PostgreSQL schema and Redis prefix, and what must be undone at the end. */
export interface Scratch {
  schema: string
  prefix: string
  db: pg.Pool
  redis: Redis
  /** Runtime options of a gateway working in this scratch space. */
  runtime: RuntimeOptions
  /** Registers an undo step; steps run last in, first out (the app before the schema it writes to). */
  onCleanup: (step: () => Promise<unknown>) => void
}

const uniqueName = (prefix: string): string => `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`

/**
 * Runs a bench in a fresh schema and Redis prefix, and removes both afterwards — on success, on
 * failure and on Ctrl-C — then exits (1 if the bench failed).
 */
export async function runInScratch (
  name: string, poolSize: number, body: (s: Scratch) => Promise<void>
): Promise<never> {
  const schema = uniqueName('bench')
  const prefix = uniqueName('bench')
  const cleanups: Array<() => Promise<unknown>> = []
  const cleanup = async (): Promise<void> => {
    for (const step of cleanups.reverse()) await step().catch((err: unknown) => { process.stderr.write(`cleanup: ${String(err)}\n`) })
    cleanups.length = 0
  }
  process.once('SIGINT', () => { cleanup().finally(() => process.exit(130)) })
  let failed = false
  try {
    const db = createPool(DATABASE_URL, schema, poolSize)
    cleanups.push(async () => {
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await db.end()
    })
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 })
    cleanups.push(async () => {
      let cursor = '0'
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
        if (keys.length > 0) await redis.del(...keys)
        cursor = next
      } while (cursor !== '0')
      await redis.quit()
    })
    await redis.connect()
    const runtime: RuntimeOptions = {
      host: '127.0.0.1',
      port: 0,
      redisUrl: REDIS_URL,
      databaseUrl: DATABASE_URL,
      dbSchema: schema,
      redisPrefix: prefix,
      dbPoolSize: 20,
      signingKeyFile: undefined,
      production: false,
      logLevel: 'silent'
    }
    await body({ schema, prefix, db, redis, runtime, onCleanup: (step) => { cleanups.push(step) } })
  } catch (err) {
    failed = true
    process.stderr.write(`${name} bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  } finally {
    await cleanup()
  }
  // Everything is closed; the exit only guards against a handle some library leaves open.
  process.exit(failed ? 1 : 0)
}
