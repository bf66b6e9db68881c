/**
 * `npm run bench:ingest`: envelopes of 1,000 `list.upsert` entries posted over HTTP to a running
 * gateway (verify, validate, commit, outbox), in records per second, against a raw batched upsert of
 * the same rows into PostgreSQL in the same run (same batches, same concurrency, a pool of the
 * gateway's size). Goal: ratio at least 0.5; reported, never asserted.
 *
 * Knobs: BENCH_ENVELOPES (40), BENCH_CONCURRENCY (4), BENCH_ITEMS (1000 items per envelope), DATABASE_URL, REDIS_URL.
 */
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type pg from 'pg'
import type { Pool as HttpPool } from 'undici'
import { benchLine, percentile, positiveIntFromEnv, round, runConcurrently } from './bench-util.js'
import { runInScratch, PROVINCES } from './bench-scratch.js'
import { benchConfig, makePublishers, signEnvelopes, startGateway, type SignedEnvelope } from './bench-gateway.js'
import { checkpoint, countOf } from './bench-ledger.js'
import { busyPercent, machineCpu, machineCpuSince, NOT_MEASURED, type MachineCpuUse } from './machine-cpu.js'
import { RAW_ENTRIES_TABLE, rawUpsertSql } from './raw-tables.js'

const ENVELOPES = positiveIntFromEnv('BENCH_ENVELOPES', 40)
const CONCURRENCY = positiveIntFromEnv('BENCH_CONCURRENCY', 4)
const ITEMS = positiveIntFromEnv('BENCH_ITEMS', 1000)
const WARMUP = 2
/** The gateway's pool size (createPool's default): the baseline gets the same. */
const POOL_SIZE = 10
const RAW_UPSERT = rawUpsertSql()

/** One envelope's worth of entries: what the gateway gets signed, and the baseline gets raw. */
type Batch = SignedEnvelope

interface PhaseResult {
  seconds: number
  latenciesMs: number[]
  /** CPU this process spent (gateway and client alike), ms: what is left of a core is PostgreSQL's. */
  cpuMs: number
  /** What the whole machine spent meanwhile (PostgreSQL included); undefined off Linux. */
  machine: MachineCpuUse | undefined
}

/** Times `run` and the CPU this process spends on it. */
async function phase (run: () => Promise<number[]>): Promise<PhaseResult> {
  const cpu = process.cpuUsage()
  const machine = machineCpu()
  const started = performance.now()
  const latenciesMs = await run()
  const used = process.cpuUsage(cpu)
  return {
    seconds: (performance.now() - started) / 1000,
    latenciesMs,
    cpuMs: (used.user + used.system) / 1000,
    machine: machineCpuSince(machine, machineCpu())
  }
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
    const result = await pool.query(RAW_UPSERT, [JSON.stringify(batch.items), batch.iss, `${label}-${i}`, new Date()])
    if (result.rowCount !== batch.items.length) throw new Error(`baseline wrote ${String(result.rowCount)} of ${batch.items.length} rows`)
  }))
}

/** The machine's CPU per envelope for the JSON line, when /proc/stat gave it. */
function cpuPerEnvelopeFigures (gateway: number | undefined, baseline: number | undefined): Record<string, number> {
  if (gateway === undefined || baseline === undefined) return {}
  return { machineCpuMsPerEnvelope: round(gateway, 1), baselineMachineCpuMsPerEnvelope: round(baseline, 1) }
}

async function main (): Promise<void> {
  await runInScratch('ingest', POOL_SIZE, async (scratch) => {
    const { schema, db } = scratch
    const runTag = randomBytes(3).toString('hex')

    const platforms = await makePublishers()
    // The ingest path alone: the outbox rows are written, but no relay or delivery worker drains
    // them (that is the delivery bench's business, and these platforms' endpoints are not there).
    const { http } = await startGateway(scratch, benchConfig(platforms), { workers: false, connections: CONCURRENCY })
    await db.query(RAW_ENTRIES_TABLE)

    process.stdout.write(`ingest bench: ${ENVELOPES} envelopes × ${ITEMS} list.upsert items, concurrency ${CONCURRENCY}, ` +
      `${PROVINCES.length} platforms, delivery workers off, schema ${schema}\nsigning envelopes…\n`)
    const signStarted = performance.now()
    const warm = await signEnvelopes(platforms, WARMUP, ITEMS, `w${runTag}`)
    const rawWarm = await signEnvelopes(platforms, WARMUP, ITEMS, `rw${runTag}`)
    const batches = await signEnvelopes(platforms, ENVELOPES, ITEMS, `b${runTag}`)
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
    const machineMs = (p: PhaseResult): number | undefined =>
      p.machine === undefined ? undefined : p.machine.busyMs / ENVELOPES
    const machineLine = (p: PhaseResult): string => p.machine === undefined
      ? NOT_MEASURED
      : `${ms(p.machine.busyMs / ENVELOPES)} (cores ${busyPercent(p.machine)} % busy)`

    process.stdout.write([
      `signed ${ENVELOPES + 2 * WARMUP} envelopes in ${round(signSeconds, 2)} s (not timed), ${round(meanBytes / 1024)} KiB each`,
      `gateway  (HTTP → verify, validate, commit, outbox): ${records} records in ${round(gw.seconds, 3)} s`,
      `         ${round(recordsPerSec)} records/s, ${round(envelopesPerSec, 2)} envelopes/s, latency p50 ${ms(p50)}, p99 ${ms(p99)}`,
      `baseline (raw batched upsert, pg.Pool max ${POOL_SIZE}):     ${records} rows in ${round(raw.seconds, 3)} s`,
      `         ${round(baselineRowsPerSec)} rows/s, batch latency p50 ${ms(percentile(raw.latenciesMs, 50))}, p99 ${ms(percentile(raw.latenciesMs, 99))}`,
      `node CPU per envelope: gateway path ${ms(gw.cpuMs / ENVELOPES)}, baseline ${ms(raw.cpuMs / ENVELOPES)} (the rest of the machine's time is PostgreSQL's)`,
      `machine CPU per envelope, every process: gateway path ${machineLine(gw)}, baseline ${machineLine(raw)}`,
      `         (${gw.machine?.cores ?? '?'} cores; with both near 100 % busy, the ratio is that of the CPU per envelope)`,
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
        p99Ms: round(p99, 1),
        ...cpuPerEnvelopeFigures(machineMs(gw), machineMs(raw))
      })
    ].join('\n') + '\n')
  })
}

await main()
