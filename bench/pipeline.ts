/**
 * `npm run bench:pipeline`: small envelopes end to end. The four platforms publish `list.upsert`
 * envelopes of BENCH_ITEMS (10) items, each delivered over `yrd-push` to the other three. The
 * gateway (buildApp, relay and delivery workers) runs in this process; the destinations are the
 * simulated platforms of a separate peer process (bench/peer-process.ts), which verify and apply
 * each delivery and report when they received it, so their work is not charged to the gateway.
 *
 * Phases:
 * 1. saturation: BENCH_BURST envelopes, BENCH_CONCURRENCY (8) in flight, round-robin over the four
 *    publishers: end-to-end records/s = records accepted and confirmed (applied) by all three
 *    destinations / (first post → last receipt). Its envelopes/s is the maximum rate.
 * 2. baseline, same run: the minimal durable pipeline — the same envelopes, one PostgreSQL
 *    transaction each inserting its raw bytes and its items, BENCH_CONCURRENCY in flight, no
 *    verification and no delivery (median of three runs). Goal: ratio ≥ 0.5. Both phases also print
 *    the whole machine's CPU per envelope (bench/machine-cpu.ts), the saturation phase's split
 *    between this process, the peer process and the rest (PostgreSQL, Redis): with the cores busy in
 *    both, the ratio can be no better than that of the CPU per envelope.
 * 3. steady: BENCH_RATE (20) envelopes/s for BENCH_SECONDS (60), open loop. Goal: p99 accept → last
 *    receipt < 100 ms.
 * 4. half the maximum rate for BENCH_SECONDS, open loop. Goals: p99 < 250 ms, and no backlog
 *    growth: the backlog (envelopes posted and not yet confirmed by all three destinations),
 *    sampled every second, grows by less than one second of publishing over the phase
 *    (least-squares slope × BENCH_SECONDS < the rate).
 *
 * Goals are reported, never asserted. Knobs: BENCH_ITEMS, BENCH_RATE, BENCH_SECONDS, BENCH_BURST
 * (1000), BENCH_CONCURRENCY, BENCH_SETTINGS_JSON / BENCH_PLATFORM_JSON (bench/bench-gateway.ts),
 * DATABASE_URL, REDIS_URL. A full run takes about 3 + 2 × BENCH_SECONDS / 60 minutes.
 */
import { randomBytes } from 'node:crypto'
import type pg from 'pg'
import { benchLine, percentile, positiveIntFromEnv, publishAtRate, round, runConcurrently, slope } from './bench-util.js'
import { runInScratch, PROVINCES } from './bench-scratch.js'
import {
  benchConfig, makePublishers, postEnvelope, signEnvelopes, startGateway, type Publisher, type SignedEnvelope
} from './bench-gateway.js'
import { checkpoint, waitLedgerIdle } from './bench-ledger.js'
import { startPeerProcess, type ReceiptLog } from './peer-client.js'
import {
  busyPercent, machineCpu, machineCpuSince, NOT_MEASURED, splitPerEnvelopeText, startCpuSplit,
  type CpuSplit, type MachineCpuUse
} from './machine-cpu.js'
import { RAW_ENTRIES_TABLE, RAW_ENVELOPE_INSERT, RAW_ENVELOPES_TABLE } from './raw-tables.js'

const ITEMS = positiveIntFromEnv('BENCH_ITEMS', 10)
const RATE = positiveIntFromEnv('BENCH_RATE', 20)
const SECONDS = positiveIntFromEnv('BENCH_SECONDS', 60)
const BURST = positiveIntFromEnv('BENCH_BURST', 1000)
const CONCURRENCY = positiveIntFromEnv('BENCH_CONCURRENCY', 8)
const WARMUP = 8
const BASELINE_RUNS = 3
const POOL_SIZE = 10
const DRAIN_TIMEOUT_MS = 600_000

/** An envelope and the platforms it goes to (every platform but its publisher). */
type Message = SignedEnvelope & { destinations: string[] }

const ms = (x: number): string => `${round(x, 1)} ms`
const out = (line: string): void => { process.stdout.write(line + '\n') }

/** Every message of the run, for the final exactly-once check. */
const sent: Message[] = []

async function messages (publishers: readonly Publisher[], count: number, tag: string): Promise<Message[]> {
  const signed = await signEnvelopes(publishers, count, ITEMS, tag)
  const msgs = signed.map((e) => ({ ...e, destinations: PROVINCES.map((p) => p.id).filter((id) => id !== e.iss) }))
  sent.push(...msgs)
  return msgs
}

/** Accept → last receipt of each accepted message, ms. */
function latencies (
  msgs: readonly Message[], acceptedAt: ReadonlyArray<number | undefined>, receipts: ReceiptLog
): number[] {
  return msgs.flatMap((m, i) => {
    const accepted = acceptedAt[i]
    const last = receipts.lastReceipt(m.jti, m.destinations)
    return accepted === undefined || last === undefined ? [] : [Math.max(0, last - accepted)]
  })
}

interface RatePhase {
  rate: number
  p50: number
  p99: number
  max: number
  maxLateMs: number
  failures: string[]
  complete: boolean
  /** Backlog samples (envelopes posted, not yet confirmed by all destinations), one per second. */
  backlog: number[]
}

/** Publishes `msgs` at `rate`/s (open loop), samples the backlog each second, waits for every receipt. */
async function atRate (
  post: (m: Message) => Promise<number>, msgs: Message[], rate: number, receipts: ReceiptLog
): Promise<RatePhase> {
  let posted = 0
  let confirmedPrefix = 0
  const backlog: number[] = []
  const sampler = setInterval(() => {
    const done = (i: number): boolean => {
      const m = msgs[i]
      return m !== undefined && receipts.confirmed(m.jti, m.destinations)
    }
    while (confirmedPrefix < posted && done(confirmedPrefix)) confirmedPrefix++
    let pending = 0
    for (let i = confirmedPrefix; i < posted; i++) if (!done(i)) pending++
    backlog.push(pending)
  }, 1000)
  const run = await publishAtRate(msgs, rate, async (m) => { posted++; return await post(m) })
  clearInterval(sampler)
  const accepted = msgs.filter((_m, i) => run.acceptedAt[i] !== undefined)
  const complete = await receipts.waitAll(accepted, DRAIN_TIMEOUT_MS)
  const lat = latencies(msgs, run.acceptedAt, receipts)
  return {
    rate,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: lat.length === 0 ? Number.NaN : Math.max(...lat),
    maxLateMs: run.maxLateMs,
    failures: run.failures,
    complete,
    backlog
  }
}

interface BaselineRun {
  recordsPerSec: number
  /** The whole machine's CPU over the timed run; undefined off Linux. */
  machine: MachineCpuUse | undefined
}

/** The minimal durable pipeline: one transaction per envelope (raw bytes + items), no delivery. */
async function baselineRun (db: pg.Pool, msgs: readonly Message[]): Promise<BaselineRun> {
  await db.query('TRUNCATE raw_envelopes, raw_entries')
  await checkpoint(db)
  const machine = machineCpu()
  const started = performance.now()
  await runConcurrently(msgs, CONCURRENCY, async (m) => {
    const r = await db.query(RAW_ENVELOPE_INSERT, [m.iss, m.jti, m.jws, JSON.stringify(m.items), new Date()])
    if (r.rowCount !== m.items.length) throw new Error(`baseline wrote ${String(r.rowCount)} of ${m.items.length} rows`)
  })
  return {
    recordsPerSec: msgs.length * ITEMS / ((performance.now() - started) / 1000),
    machine: machineCpuSince(machine, machineCpu())
  }
}

/** The baseline runs' machine CPU per envelope and mean busy share; undefined where any was not measured. */
function baselineCpu (runs: readonly BaselineRun[]): { msPerEnvelope: number, busyPct: number } | undefined {
  const uses = runs.map((r) => r.machine)
  if (uses.length === 0 || uses.some((u) => u === undefined)) return undefined
  const measured = uses as MachineCpuUse[]
  return {
    msPerEnvelope: measured.reduce((n, u) => n + u.busyMs, 0) / (BURST * measured.length),
    busyPct: round(measured.reduce((n, u) => n + busyPercent(u), 0) / measured.length)
  }
}

/** The saturation phase's CPU per envelope, and the budget the ratio goal leaves it, printed and in the JSON line. */
function cpuLines (
  burst: CpuSplit, baseline: ReturnType<typeof baselineCpu>
): { text: string[], figures: Record<string, number> } {
  const names = { own: 'gateway process', other: 'peer process' }
  const head = 'machine CPU per envelope, every process: '
  if (burst.machine === undefined || baseline === undefined) return { text: [head + NOT_MEASURED], figures: {} }
  const peerMs = burst.otherMs === undefined ? undefined : burst.otherMs / BURST
  return {
    text: [
      `${head}saturation ${splitPerEnvelopeText(burst, BURST, names)}`,
      `         baseline ${round(baseline.msPerEnvelope, 2)} ms (cores ${baseline.busyPct} % busy); with both near 100 % busy ` +
        `the ratio is that of the CPU per envelope, so 0.5 needs the pipeline at ≤ ${round(2 * baseline.msPerEnvelope, 2)} ms` +
        (peerMs === undefined ? '' : ` (the destinations' own work, verifying, applying and signing receipts, alone: ${round(peerMs, 1)} ms)`)
    ],
    figures: {
      machineCpuMsPerEnvelope: round(burst.machine.busyMs / BURST, 2),
      machineBusyPct: busyPercent(burst.machine),
      gatewayProcessCpuMsPerEnvelope: round(burst.ownMs / BURST, 2),
      ...(peerMs === undefined ? {} : { peerProcessCpuMsPerEnvelope: round(peerMs, 2) }),
      baselineMachineCpuMsPerEnvelope: round(baseline.msPerEnvelope, 2),
      baselineMachineBusyPct: baseline.busyPct
    }
  }
}

async function main (): Promise<void> {
  await runInScratch('pipeline', POOL_SIZE, async (scratch) => {
    const { db, schema } = scratch
    const tag = randomBytes(3).toString('hex')
    const publishers = await makePublishers()
    const peers = await startPeerProcess(PROVINCES)
    scratch.onCleanup(async () => { await peers.close() })
    const gw = await startGateway(scratch, benchConfig(publishers, peers.platforms), { workers: true, connections: 64 })
    await peers.trustGateway(`${gw.url}/.well-known/jwks.json`)
    await db.query(RAW_ENVELOPES_TABLE)
    await db.query(RAW_ENTRIES_TABLE)
    const { receipts } = peers
    const post = async (m: Message): Promise<number> => await postEnvelope(gw.http, m.jws)
    const policy = gw.app.config.platforms[0]?.delivery
    out(`pipeline bench: ${PROVINCES.length} platforms publish list.upsert envelopes of ${ITEMS} items, each delivered to the other ` +
      `${PROVINCES.length - 1} over yrd-push; gateway in this process (pid ${process.pid}), destinations in a peer process; ` +
      `delivery concurrency ${String(policy?.concurrency)}; schema ${schema}`)

    // Warm-up: connections, JIT, the peers' first fetch of the gateway's JWKS.
    const warm = await messages(publishers, WARMUP, `w${tag}`)
    for (const m of warm) await post(m)
    if (!await receipts.waitAll(warm, DRAIN_TIMEOUT_MS)) throw new Error('warm-up envelopes were not delivered')
    await waitLedgerIdle(db, DRAIN_TIMEOUT_MS)

    out(`saturation: ${BURST} envelopes, ${CONCURRENCY} in flight…`)
    const burst = await messages(publishers, BURST, `b${tag}`)
    await checkpoint(db)
    const endBurstCpu = startCpuSplit(peers.pid)
    const burstStart = Date.now()
    const burstAccepted: number[] = []
    await runConcurrently(burst, CONCURRENCY, async (m) => { burstAccepted.push(await post(m)) })
    const acceptSeconds = (Math.max(...burstAccepted) - burstStart) / 1000
    const burstComplete = await receipts.waitAll(burst, DRAIN_TIMEOUT_MS)
    const burstCpu = endBurstCpu()
    const burstLast = Math.max(...burst.map((m) => receipts.lastReceipt(m.jti, m.destinations) ?? 0))
    const e2eSeconds = (burstLast - burstStart) / 1000
    const e2eRecordsPerSec = BURST * ITEMS / e2eSeconds
    const maxEnvelopesPerSec = BURST / e2eSeconds
    const burstStatus = await waitLedgerIdle(db, DRAIN_TIMEOUT_MS)

    out(`baseline: the same ${BURST} envelopes, one transaction each (raw bytes + items), ${CONCURRENCY} in flight, ${BASELINE_RUNS} runs…`)
    await baselineRun(db, warm)
    const baselineRuns: BaselineRun[] = []
    for (let r = 0; r < BASELINE_RUNS; r++) baselineRuns.push(await baselineRun(db, burst))
    const baselineRates = baselineRuns.map((r) => r.recordsPerSec)
    const cpu = cpuLines(burstCpu, baselineCpu(baselineRuns))
    const baselineRecordsPerSec = percentile(baselineRates, 50)
    const ratio = e2eRecordsPerSec / baselineRecordsPerSec

    out(`steady: ${RATE} envelopes/s for ${SECONDS} s (open loop)…`)
    await checkpoint(db)
    const steady = await atRate(post, await messages(publishers, RATE * SECONDS, `s${tag}`), RATE, receipts)
    const steadyStatus = await waitLedgerIdle(db, DRAIN_TIMEOUT_MS)

    const halfRate = Math.max(1, Math.floor(maxEnvelopesPerSec / 2))
    out(`half the maximum rate: ${halfRate} envelopes/s for ${SECONDS} s (open loop)…`)
    await checkpoint(db)
    const half = await atRate(post, await messages(publishers, halfRate * SECONDS, `h${tag}`), halfRate, receipts)
    const halfStatus = await waitLedgerIdle(db, DRAIN_TIMEOUT_MS)
    const growth = slope(half.backlog.map((_b, i) => i), half.backlog) * SECONDS
    const backlogGrows = !(growth < halfRate)

    const totals = receipts.totals()
    const anomalies = receipts.anomalies(sent)
    const failures = [...steady.failures, ...half.failures]
    const goal = (met: boolean): string => met ? 'met' : 'not met'
    out([
      `saturation: ${BURST} envelopes accepted in ${round(acceptSeconds, 2)} s (${round(BURST / acceptSeconds, 1)}/s), ` +
        `all confirmed by their 3 destinations after ${round(e2eSeconds, 2)} s`,
      `         gateway  ${round(e2eRecordsPerSec)} records/s end to end (${round(maxEnvelopesPerSec, 1)} envelopes/s: the maximum rate)`,
      `         baseline ${round(baselineRecordsPerSec)} records/s: one transaction per envelope (raw bytes + ${ITEMS} items), ` +
        `${CONCURRENCY} in flight, no delivery (median of ${baselineRates.map((r) => round(r)).join(' / ')})`,
      `         ratio ${round(ratio, 3)} (goal ≥ 0.5: ${goal(ratio >= 0.5)})`,
      ...cpu.text,
      `steady   ${RATE}/s: accept → last of 3 receipts p50 ${ms(steady.p50)}, p99 ${ms(steady.p99)}, max ${ms(steady.max)} ` +
        `(goal p99 < 100 ms: ${goal(steady.p99 < 100)}); sends at most ${ms(steady.maxLateMs)} behind schedule`,
      `half max ${halfRate}/s: accept → last of 3 receipts p50 ${ms(half.p50)}, p99 ${ms(half.p99)}, max ${ms(half.max)} ` +
        `(goal p99 < 250 ms: ${goal(half.p99 < 250)}); sends at most ${ms(half.maxLateMs)} behind schedule`,
      `         backlog each second: ${half.backlog.join(' ')}; growth over ${SECONDS} s ${round(growth, 1)} envelopes ` +
        `(goal < ${halfRate}, one second of publishing: ${Number.isNaN(growth) ? 'not measured, fewer than 2 samples' : goal(!backlogGrows)})`,
      `ledger:  after saturation ${JSON.stringify(burstStatus)}, steady ${JSON.stringify(steadyStatus)}, half max ${JSON.stringify(halfStatus)}`,
      `peers:   ${Object.entries(totals).map(([id, t]) => `${id} ${t.receipts} receipts, ${t.messages} messages, ${t.items} items`).join('; ')}`
    ].join('\n'))
    if (!burstComplete || !steady.complete || !half.complete || anomalies.length > 0 || failures.length > 0) {
      process.stderr.write('\n!!!!! WARNING: not every envelope was accepted and applied exactly once by its destinations: ' +
        `${failures.length} refused, ${anomalies.length} anomalies\n` +
        [...failures, ...anomalies].slice(0, 10).map((a) => `!!!!!   ${a}\n`).join('') + '\n')
    }
    out(benchLine('pipeline', {
      itemsPerEnvelope: ITEMS,
      platforms: PROVINCES.length,
      burstEnvelopes: BURST,
      concurrency: CONCURRENCY,
      recordsPerSec: round(e2eRecordsPerSec),
      maxEnvelopesPerSec: round(maxEnvelopesPerSec, 1),
      acceptedEnvelopesPerSec: round(BURST / acceptSeconds, 1),
      baselineRecordsPerSec: round(baselineRecordsPerSec),
      ratio: round(ratio, 3),
      ...cpu.figures,
      steadyRate: RATE,
      seconds: SECONDS,
      steadyP50Ms: round(steady.p50, 1),
      steadyP99Ms: round(steady.p99, 1),
      halfRate,
      halfP50Ms: round(half.p50, 1),
      halfP99Ms: round(half.p99, 1),
      backlogGrowth: round(growth, 1),
      backlogMax: Math.max(0, ...half.backlog),
      refused: failures.length,
      anomalies: anomalies.length
    }))
  })
}

await main()
