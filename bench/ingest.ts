/**
 * `npm run bench:ingest`: envelopes of 1,000 `list.upsert` entries posted over HTTP to a running
 * gateway (verify, validate, commit, outbox), in records per second, against a raw batched upsert of
 * the same rows into PostgreSQL in the same run (same batches, same concurrency, a pool of the
 * gateway's size). Goal: ratio at least 0.5; reported, never asserted.
 *
 * Knobs: BENCH_ENVELOPES (40), BENCH_CONCURRENCY (4), DATABASE_URL, REDIS_URL.
 */
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type pg from 'pg'
import { Pool as HttpPool } from 'undici'
import { GatewaySettings, PlatformConfig, type GatewayConfig } from '../config/config-schema.js'
import type { ListUpsertItemV1 } from '../contracts/list-upsert-item-v1.js'
import { buildApp } from '../src/app.js'
import { platformSigner, signEnvelope, type PlatformSigner } from '../src/envelopes/sign-envelope.js'
import { gatewayKeysFrom, generatePrivateJwk, publicPart } from '../src/keys/signing-keys.js'
import { migrate } from '../src/ledger/migrate.js'
import { sampleEntry } from '../sim/sample-entries.js'
import { benchLine, percentile, positiveIntFromEnv, round, runConcurrently } from './bench-util.js'
import { DATABASE_URL, runInScratch, PROVINCES } from './bench-scratch.js'
import { validated } from '../config/read-config-file.js'

const ENVELOPES = positiveIntFromEnv('BENCH_ENVELOPES', 40)
const CONCURRENCY = positiveIntFromEnv('BENCH_CONCURRENCY', 4)
const ITEMS = 1000
const WARMUP = 2
/** The gateway's pool size (createPool's default): the baseline gets the same. */
const POOL_SIZE = 10

// The baseline table holds the rows of `entries` with the same columns, computed from the item the
// same way, but with no envelope, history or outbox around them (and so no foreign key).
const RAW_TABLE = `CREATE TABLE raw_entries (
  owner text NOT NULL, entry_id text NOT NULL, version integer NOT NULL, status text NOT NULL,
  list_type text NOT NULL, list_code text NOT NULL, domain text NOT NULL, subject_type text NOT NULL,
  subject_id text NOT NULL, data jsonb NOT NULL, content_hash text NOT NULL, removal jsonb,
  last_jti text NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
  PRIMARY KEY (owner, entry_id)
)`
const RAW_UPSERT = `INSERT INTO raw_entries (owner, entry_id, version, status, list_type, list_code, domain,
    subject_type, subject_id, data, content_hash, removal, last_jti, created_at, updated_at)
  SELECT $2, x->>'entryId', (x->>'version')::int, 'active', x->>'listType', x->>'listCode', x->>'domain',
         x->'subject'->>'type', coalesce(x->'subject'->>'creditCode', x->'subject'->>'idNumber'),
         x, encode(sha256(convert_to(x::text, 'UTF8')), 'hex'), NULL, $3, $4, $4
  FROM jsonb_array_elements($1::jsonb) AS t(x)
  ON CONFLICT (owner, entry_id) DO UPDATE SET
    version = EXCLUDED.version, status = 'active', list_type = EXCLUDED.list_type,
    list_code = EXCLUDED.list_code, domain = EXCLUDED.domain, subject_type = EXCLUDED.subject_type,
    subject_id = EXCLUDED.subject_id, data = EXCLUDED.data, content_hash = EXCLUDED.content_hash,
    removal = NULL, last_jti = EXCLUDED.last_jti, updated_at = EXCLUDED.updated_at
  WHERE raw_entries.version < EXCLUDED.version`

interface Platform { id: string, region: string, signer: PlatformSigner }

/** One envelope's worth of entries: what the gateway gets signed, and the baseline gets raw. */
interface Batch { owner: string, items: ListUpsertItemV1[], jws: Buffer }

interface PhaseResult {
  seconds: number
  latenciesMs: number[]
  /** CPU this process spent (gateway and client alike), ms: what is left of a core is PostgreSQL's. */
  cpuMs: number
}

/** Times `run` and the CPU this process spends on it. */
async function phase (run: () => Promise<number[]>): Promise<PhaseResult> {
  const cpu = process.cpuUsage()
  const started = performance.now()
  const latenciesMs = await run()
  const used = process.cpuUsage(cpu)
  return { seconds: (performance.now() - started) / 1000, latenciesMs, cpuMs: (used.user + used.system) / 1000 }
}

async function makePlatforms (): Promise<Array<Platform & { publicJwk: ReturnType<typeof publicPart> }>> {
  return await Promise.all(PROVINCES.map(async (p) => {
    const privateJwk = await generatePrivateJwk(p.alg, `${p.id.toLowerCase()}-bench-k1`)
    return {
      id: p.id, region: p.region, signer: await platformSigner(p.id, privateJwk), publicJwk: publicPart(privateJwk)
    }
  }))
}

function configOf (
  platforms: Array<{ id: string, region: string, publicJwk: ReturnType<typeof publicPart> }>
): GatewayConfig {
  return {
    dir: '(bench)',
    settings: validated(GatewaySettings, {}, '(bench config)'),
    platforms: platforms.map((p) => validated(PlatformConfig, {
      id: p.id,
      name: `${p.id} platform`,
      regionCode: p.region,
      adapter: 'yrd-push',
      endpoint: `http://127.0.0.1:9/${p.id}`,
      jwks: { keys: [p.publicJwk] },
      enabled: true
    }, '(bench config)')),
    admins: []
  }
}

/**
 * Signs `count` envelopes of 1,000 distinct entries each, round-robin over the issuers. Done before
 * any timing: signing is the platforms' cost, not the gateway's.
 */
async function prepareBatches (platforms: Platform[], count: number, tag: string): Promise<Batch[]> {
  const batches: Batch[] = []
  for (let e = 0; e < count; e++) {
    const p = platforms[e % platforms.length] as Platform
    const items = Array.from({ length: ITEMS }, (_, i) => sampleEntry(p.id, p.region, e * ITEMS + i, { tag }))
    // The longest lifetime allowed, so that a large BENCH_ENVELOPES does not outlive its envelopes.
    const { jws } = await signEnvelope(p.signer, { kind: 'list.upsert', items, lifetime: 600 })
    // Bytes, not a string: the client's share of the process stays small (no encoding per post).
    batches.push({ owner: p.id, items, jws: Buffer.from(jws) })
  }
  return batches
}

async function postAll (http: HttpPool, batches: Batch[]): Promise<PhaseResult> {
  return await phase(async () => await runConcurrently(batches, CONCURRENCY, async (batch) => {
    const res = await http.request({
      method: 'POST',
      path: '/v1/envelopes',
      headers: { 'content-type': 'application/jose' },
      body: batch.jws
    })
    const text = await res.body.text()
    if (res.statusCode !== 202) throw new Error(`gateway answered ${res.statusCode}: ${text.slice(0, 500)}`)
  }))
}

async function upsertAll (pool: pg.Pool, batches: Batch[], label: string): Promise<PhaseResult> {
  // Serialising the rows is part of the raw path too, as it is part of the gateway's commit.
  return await phase(async () => await runConcurrently(batches, CONCURRENCY, async (batch, i) => {
    const result = await pool.query(RAW_UPSERT, [JSON.stringify(batch.items), batch.owner, `${label}-${i}`, new Date()])
    if (result.rowCount !== batch.items.length) throw new Error(`baseline wrote ${String(result.rowCount)} of ${batch.items.length} rows`)
  }))
}

/** A checkpoint before each timed phase, so that one phase does not pay for the other's dirty pages. */
async function checkpoint (pool: pg.Pool): Promise<void> {
  await pool.query('CHECKPOINT').catch(() => undefined)
}

async function countOf (pool: pg.Pool, table: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)
  return Number(rows[0]?.n)
}

async function main (): Promise<void> {
  await runInScratch('ingest', POOL_SIZE, async ({ schema, db, runtime, onCleanup }) => {
    const runTag = randomBytes(3).toString('hex')

    const platforms = await makePlatforms()
    const gatewayKeys = await gatewayKeysFrom([await generatePrivateJwk('ES256', 'gw-bench-k1')])
    await migrate(DATABASE_URL, schema)
    await db.query(RAW_TABLE)
    // The ingest path alone: the outbox rows are written, but no relay or delivery worker drains
    // them (that is the delivery bench's business, and these platforms' endpoints are not there).
    const app = await buildApp({ config: configOf(platforms), runtime, gatewayKeys, logger: false, workers: false })
    onCleanup(async () => { await app.close() })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const address = app.server.address()
    if (address === null || typeof address !== 'object') throw new Error('the gateway is not listening on a TCP port')
    const http = new HttpPool(`http://127.0.0.1:${address.port}`, { connections: CONCURRENCY })
    onCleanup(async () => { await http.close() })

    process.stdout.write(`ingest bench: ${ENVELOPES} envelopes × ${ITEMS} list.upsert items, concurrency ${CONCURRENCY}, ` +
      `${PROVINCES.length} platforms, delivery workers off, schema ${schema}\nsigning envelopes…\n`)
    const signStarted = performance.now()
    const warm = await prepareBatches(platforms, WARMUP, `w${runTag}`)
    const rawWarm = await prepareBatches(platforms, WARMUP, `rw${runTag}`)
    const batches = await prepareBatches(platforms, ENVELOPES, `b${runTag}`)
    const signSeconds = (performance.now() - signStarted) / 1000
    const meanBytes = batches.reduce((n, b) => n + b.jws.length, 0) / batches.length

    await postAll(http, warm)
    await checkpoint(db)
    const gw = await postAll(http, batches)

    await upsertAll(db, rawWarm, 'warm')
    await checkpoint(db)
    const raw = await upsertAll(db, batches, 'raw')

    // What was committed, so that a fast but wrong run cannot pass unnoticed.
    const entries = await countOf(db, 'entries')
    const history = await countOf(db, 'entry_history')
    const deliveries = await countOf(db, 'deliveries')
    const rawRows = await countOf(db, 'raw_entries')
    const expectedEntries = (WARMUP + ENVELOPES) * ITEMS
    const expectedDeliveries = (WARMUP + ENVELOPES) * (PROVINCES.length - 1)
    if (entries !== expectedEntries || history !== expectedEntries || deliveries !== expectedDeliveries ||
      rawRows !== expectedEntries) {
      throw new Error(`unexpected row counts: entries ${entries}, history ${history}, deliveries ${deliveries}, raw ${rawRows} ` +
        `(expected ${expectedEntries} / ${expectedEntries} / ${expectedDeliveries} / ${expectedEntries})`)
    }

    const records = ENVELOPES * ITEMS
    const recordsPerSec = records / gw.seconds
    const envelopesPerSec = ENVELOPES / gw.seconds
    const baselineRowsPerSec = records / raw.seconds
    const ratio = recordsPerSec / baselineRowsPerSec
    const p50 = percentile(gw.latenciesMs, 50)
    const p99 = percentile(gw.latenciesMs, 99)
    const ms = (x: number): string => `${round(x, 1)} ms`

    process.stdout.write([
      `signed ${ENVELOPES + 2 * WARMUP} envelopes in ${round(signSeconds, 2)} s (not timed), ${round(meanBytes / 1024)} KiB each`,
      `gateway  (HTTP → verify, validate, commit, outbox): ${records} records in ${round(gw.seconds, 3)} s`,
      `         ${round(recordsPerSec)} records/s, ${round(envelopesPerSec, 2)} envelopes/s, latency p50 ${ms(p50)}, p99 ${ms(p99)}`,
      `baseline (raw batched upsert, pg.Pool max ${POOL_SIZE}):     ${records} rows in ${round(raw.seconds, 3)} s`,
      `         ${round(baselineRowsPerSec)} rows/s, batch latency p50 ${ms(percentile(raw.latenciesMs, 50))}, p99 ${ms(percentile(raw.latenciesMs, 99))}`,
      `node CPU per envelope: gateway path ${ms(gw.cpuMs / ENVELOPES)}, baseline ${ms(raw.cpuMs / ENVELOPES)} (the rest of the machine's time is PostgreSQL's)`,
      `committed: ${entries} entries, ${history} history rows, ${deliveries} outbox rows (warm-up included)`,
      `ratio ${round(ratio, 3)} (goal ≥ 0.5)`,
      benchLine('ingest', {
        envelopes: ENVELOPES,
        itemsPerEnvelope: ITEMS,
        concurrency: CONCURRENCY,
        recordsPerSec: round(recordsPerSec),
        envelopesPerSec: round(envelopesPerSec, 2),
        baselineRowsPerSec: round(baselineRowsPerSec),
        ratio: round(ratio, 3),
        p50Ms: round(p50, 1),
        p99Ms: round(p99, 1)
      })
    ].join('\n') + '\n')
  })
}

await main()
