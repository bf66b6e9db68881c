/**
 * `npm run bench:delivery`: envelopes accepted by a running gateway and delivered over `yrd-push` to
 * three simulated platforms (real HTTP peers), with a raw BullMQ baseline in the same run. Goals,
 * reported and never asserted: p99 from accept to the last peer's receipt under 500 ms at the steady
 * rate; delivered records/s at least half the baseline's.
 *
 * Phases, because a rate capped by the publishing schedule says nothing about throughput:
 * 1. steady: BENCH_RATE envelopes/s for BENCH_SECONDS, open loop, for latency;
 * 2. saturation: BENCH_BURST envelopes as fast as the gateway takes them (8 in flight), for records/s,
 *    against the same number of jobs through raw BullMQ queues with no-op workers (the `ratio`);
 * 3. backlog: BENCH_BURST more envelopes accepted and relayed with the delivery queues paused, then
 *    resumed: the delivery pipeline's rate on its own, against raw BullMQ draining the same backlog
 *    (`backlogRatio`). It tells delivery's cost from ingest's when the ratio is short.
 *
 * Knobs: BENCH_ITEMS (10), BENCH_RATE (20), BENCH_SECONDS (15), BENCH_BURST (200), DATABASE_URL, REDIS_URL.
 */
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { Queue, Worker } from 'bullmq'
import { Pool as HttpPool } from 'undici'
import { DEFAULT_DELIVERY, DEFAULT_SETTINGS, type DeliveryPolicy, type GatewayConfig, type GatewaySettings } from '../config/config-schema.js'
import type { ListUpsertItemV1 } from '../contracts/list-upsert-item-v1.js'
import { buildApp } from '../src/app.js'
import { bullConnection, bullPrefix } from '../src/plugins/queues.js'
import { platformSigner, signEnvelope, type PlatformSigner } from '../src/envelopes/sign-envelope.js'
import { gatewayKeysFrom, generatePrivateJwk, publicPart } from '../src/keys/signing-keys.js'
import { migrate } from '../src/ledger/migrate.js'
import { createPool } from '../src/ledger/pool.js'
import { sampleEntry } from '../sim/sample-entries.js'
import { startSimulatedPlatform, type SimulatedPlatform } from '../sim/platform-simulator.js'
import { benchLine, percentile, positiveIntFromEnv, round, runConcurrently } from './bench-util.js'
import { DATABASE_URL, REDIS_URL, runInScratch, PROVINCES } from './bench-scratch.js'

const ITEMS = positiveIntFromEnv('BENCH_ITEMS', 10)
const RATE = positiveIntFromEnv('BENCH_RATE', 20)
const SECONDS = positiveIntFromEnv('BENCH_SECONDS', 15)
const BURST = positiveIntFromEnv('BENCH_BURST', 200)
const BURST_CONCURRENCY = 8
const WARMUP = 5
const BASELINE_RUNS = 3
const DRAIN_TIMEOUT_MS = 120_000
/** The one publisher: every envelope fans out to exactly the three other platforms. */
const PUBLISHER = 'SH'

const DESTINATIONS = PROVINCES.map((p) => p.id).filter((id) => id !== PUBLISHER)

/** The default policy with a rate limit that never binds here, so the bench sees the pipeline itself. */
const POLICY: DeliveryPolicy = { ...DEFAULT_DELIVERY, concurrency: 8, rateLimit: { max: 10_000, durationMs: 1000 } }
const SETTINGS: GatewaySettings = { ...DEFAULT_SETTINGS, relayIntervalMs: 50 }

interface Prepared { jti: string, jws: Buffer, items: ListUpsertItemV1[] }

const ms = (x: number): string => `${round(x, 1)} ms`

/** Signs `count` envelopes of ITEMS distinct entries before any timing: signing is the publisher's cost. */
async function prepare (signer: PlatformSigner, region: string, count: number, tag: string): Promise<Prepared[]> {
  const out: Prepared[] = []
  for (let e = 0; e < count; e++) {
    const items = Array.from({ length: ITEMS }, (_, i) => sampleEntry(signer.iss, region, e * ITEMS + i, { tag }))
    const { jws, jti } = await signEnvelope(signer, { kind: 'list.upsert', items, lifetime: 600 })
    out.push({ jti, jws: Buffer.from(jws), items })
  }
  return out
}

/** Posts one envelope; returns the wall-clock time its 202 arrived (the simulators stamp receipts in wall-clock ms). */
async function post (http: HttpPool, env: Prepared): Promise<number> {
  const res = await http.request({ method: 'POST', path: '/v1/envelopes', headers: { 'content-type': 'application/jose' }, body: env.jws })
  const text = await res.body.text()
  if (res.statusCode !== 202) throw new Error(`gateway answered ${res.statusCode}: ${text.slice(0, 300)}`)
  return Date.now()
}

/** What the destinations saw of a set of messages: first receipt per peer, and how often each was received and applied.
 */
class Receipts {
  private readonly cursors: number[]
  private readonly appliedCounts: Array<Map<string, number>>

  constructor (readonly sims: SimulatedPlatform[]) {
    this.cursors = sims.map(() => 0)
    this.appliedCounts = sims.map(() => new Map())
  }

  private catchUp (): void {
    this.sims.forEach((sim, i) => {
      const counts = this.appliedCounts[i] as Map<string, number>
      for (let j = this.cursors[i] as number; j < sim.messagesApplied.length; j++) {
        const jti = sim.messagesApplied[j] as string
        counts.set(jti, (counts.get(jti) ?? 0) + 1)
      }
      this.cursors[i] = sim.messagesApplied.length
    })
  }

  /** Waits until every jti was applied by every peer; false on timeout. */
  async waitAll (jtis: string[], timeoutMs = DRAIN_TIMEOUT_MS): Promise<boolean> {
    const end = Date.now() + timeoutMs
    for (;;) {
      this.catchUp()
      if (jtis.every((jti) => this.appliedCounts.every((m) => m.has(jti)))) return true
      if (Date.now() > end) return false
      await sleep(20)
    }
  }

  /** Per jti: the latest of the peers' first receipts, and any peer that did not apply it exactly once. */
  summary (jtis: string[]): { last: Map<string, number>, anomalies: string[], duplicateReceipts: number } {
    this.catchUp()
    const wanted = new Set(jtis)
    const first = this.sims.map((sim) => {
      const m = new Map<string, number>()
      for (const r of sim.received) if (wanted.has(r.jti) && !m.has(r.jti)) m.set(r.jti, Date.parse(r.at))
      return m
    })
    const duplicateReceipts = this.sims.reduce(
      (n, sim) => n + sim.received.filter((r) => wanted.has(r.jti)).length, 0
    ) - jtis.length * this.sims.length
    const last = new Map<string, number>()
    const anomalies: string[] = []
    for (const jti of jtis) {
      const times = first.map((m) => m.get(jti))
      this.sims.forEach((sim, i) => {
        const n = this.appliedCounts[i]?.get(jti) ?? 0
        if (n !== 1) anomalies.push(`${jti} applied ${n}× by ${sim.id}`)
      })
      if (times.every((t) => t !== undefined)) last.set(jti, Math.max(...(times as number[])))
    }
    return { last, anomalies, duplicateReceipts: Math.max(0, duplicateReceipts) }
  }
}

/** Open loop: envelope i leaves at start + i/RATE s whether or not the earlier ones were answered. */
async function publishSteady (http: HttpPool, envs: Prepared[], rate: number): Promise<{
  accepted: Map<string, number>, failures: string[], maxLateMs: number
}> {
  const accepted = new Map<string, number>()
  const failures: string[] = []
  const inflight: Array<Promise<void>> = []
  let maxLateMs = 0
  const t0 = performance.now() + 50
  for (const [i, env] of envs.entries()) {
    const due = t0 + (i * 1000) / rate
    const wait = due - performance.now()
    if (wait > 0) await sleep(wait)
    maxLateMs = Math.max(maxLateMs, performance.now() - due)
    inflight.push(post(http, env).then((at) => { accepted.set(env.jti, at) }, (err: unknown) => { failures.push(`${env.jti}: ${String(err)}`) }))
  }
  await Promise.all(inflight)
  return { accepted, failures, maxLateMs }
}

/** Waits until the ledger has no unfinished delivery (the gateway is idle again). */
async function waitLedgerIdle (
  db: ReturnType<typeof createPool>, timeoutMs = DRAIN_TIMEOUT_MS
): Promise<Record<string, number>> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const { rows } = await db.query<{ status: string, n: string }>('SELECT status, count(*) AS n FROM deliveries GROUP BY status')
    const counts = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
    if (Object.keys(counts).every((s) => s === 'delivered' || s === 'dead') || Date.now() > end) return counts
    await sleep(25)
  }
}

/** Where a delivery's time goes, from the ledger's own timestamps (PostgreSQL now() = start of each transaction). */
async function stageBreakdown (db: ReturnType<typeof createPool>, jtis: string[]): Promise<Record<string, number[]>> {
  const { rows } = await db.query<{ relay: number, queue: number, attempt: number, attempts: number }>(
    `SELECT extract(epoch FROM d.enqueued_at - e.received_at) * 1000 AS relay,
            extract(epoch FROM a.started - d.enqueued_at) * 1000 AS queue,
            extract(epoch FROM a.finished - a.started) * 1000 AS attempt,
            d.attempts
     FROM deliveries d JOIN envelopes e USING (iss, jti)
     JOIN LATERAL (SELECT min(started_at) AS started, max(finished_at) AS finished FROM delivery_attempts WHERE delivery_id = d.id) a ON true
     WHERE d.jti = ANY($1::text[])`, [jtis])
  const pick = (k: 'relay' | 'queue' | 'attempt' | 'attempts'): number[] => rows.map((r) => Number(r[k]))
  return { relay: pick('relay'), queue: pick('queue'), attempt: pick('attempt'), attempts: pick('attempts') }
}

/**
 * The baseline: the same jobs through raw BullMQ with a no-op processor. Same topology as the gateway
 * (one queue per destination, a worker each with the policy's concurrency, limiter, lock settings and
 * connection options, in the gateway's key prefix), each job carrying the JSON of the envelope's
 * entries. The jobs arrive as the gateway's do: 8 producers, each adding one envelope's three jobs at
 * a time, as fast as Redis takes them. So the ratio prices everything the gateway adds to a bare
 * queue hop: HTTP, verification, the commit, the outbox relay, the ledger writes per attempt, signing
 * and the peer's HTTP round trip. `backlog`: the jobs are added to paused queues and timed from their
 * resume to the last job, as the gateway's backlog phase is.
 */
async function baselineBurst (redisPrefix: string, envs: Prepared[], label: string, mode: 'live' | 'backlog'): Promise<{ seconds: number, jobs: number }> {
  const connection = bullConnection(REDIS_URL)
  const prefix = bullPrefix(redisPrefix)
  const total = envs.length * DESTINATIONS.length
  let processed = 0
  let last = 0
  let finish: () => void = () => undefined
  const done = new Promise<void>((resolve) => { finish = resolve })
  const queues = DESTINATIONS.map((d) => new Queue(`raw-${label}-${d}`, { connection, prefix }))
  const workers: Worker[] = []
  const addAll = async (): Promise<void> => {
    await runConcurrently(envs, BURST_CONCURRENCY, async (env, i) => {
      await Promise.all(queues.map(async (q, k) => {
        await q.add('deliver', { deliveryId: `${label}-${i}-${k}`, items: env.items }, {
          attempts: POLICY.attempts, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 }
        })
      }))
    })
  }
  const startWorkers = (): void => {
    workers.push(...DESTINATIONS.map((d) => new Worker(`raw-${label}-${d}`, async () => {
      last = Date.now()
      if (++processed === total) finish()
    }, {
      connection,
      prefix,
      concurrency: POLICY.concurrency,
      limiter: { max: POLICY.rateLimit.max, duration: POLICY.rateLimit.durationMs },
      lockDuration: SETTINGS.jobLockMs,
      stalledInterval: Math.max(500, Math.floor(SETTINGS.jobLockMs / 2)),
      maxStalledCount: 1000
    })))
  }
  try {
    startWorkers()
    await Promise.all(workers.map(async (w) => { await w.waitUntilReady() }))
    let started: number
    if (mode === 'live') {
      started = Date.now()
      await addAll()
    } else {
      await Promise.all(queues.map(async (q) => { await q.pause() }))
      await addAll()
      started = Date.now()
      await Promise.all(queues.map(async (q) => { await q.resume() }))
    }
    const timer = new AbortController()
    const timedOut = await Promise.race(
      [done.then(() => false), sleep(DRAIN_TIMEOUT_MS, true, { signal: timer.signal }).catch(() => false)]
    )
    timer.abort()
    if (timedOut) throw new Error(`baseline processed ${processed} of ${total} jobs`)
    return { seconds: (last - started) / 1000, jobs: total }
  } finally {
    await Promise.all(workers.map(async (w) => { await w.close() }))
    await Promise.all(queues.map(async (q) => { await q.close() }))
  }
}

async function main (): Promise<void> {
  await runInScratch('delivery', 2, async ({ schema, prefix, db, runtime, onCleanup }) => {
    const runTag = randomBytes(3).toString('hex')
    const out = (line: string): void => { process.stdout.write(line + '\n') }

    // The bench holds the platforms' publishing keys; the simulators receive, and sign their receipts with their own
    // keys, which join each platform's key set.
    const publishers = new Map<string, { signer: PlatformSigner, publicJwk: ReturnType<typeof publicPart> }>()
    for (const p of PROVINCES) {
      const jwk = await generatePrivateJwk(p.alg, `${p.id.toLowerCase()}-bench-k1`)
      publishers.set(p.id, { signer: await platformSigner(p.id, jwk), publicJwk: publicPart(jwk) })
    }
    const sims = new Map<string, SimulatedPlatform>()
    onCleanup(async () => { await Promise.all([...sims.values()].map(async (s) => { await s.close() })) })
    for (const p of PROVINCES) sims.set(p.id, await startSimulatedPlatform({ id: p.id, alg: p.alg }))

    const config: GatewayConfig = {
      dir: '(bench)',
      settings: SETTINGS,
      platforms: PROVINCES.map((p) => {
        const sim = sims.get(p.id) as SimulatedPlatform
        return {
          id: p.id,
          name: `${p.id} platform`,
          regionCode: p.region,
          adapter: 'yrd-push',
          endpoint: `${sim.url}/yrd/v1/deliveries`,
          healthUrl: `${sim.url}/health`,
          jwks: { keys: [publishers.get(p.id)?.publicJwk as ReturnType<typeof publicPart>, ...sim.jwks.keys] },
          enabled: true,
          delivery: POLICY
        }
      }),
      admins: []
    }
    await migrate(DATABASE_URL, schema)
    const gatewayKeys = await gatewayKeysFrom([await generatePrivateJwk('ES256', 'gw-bench-k1')])
    const app = await buildApp({ config, runtime, gatewayKeys, workers: true, logger: false })
    onCleanup(async () => { await app.close() })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const address = app.server.address()
    if (address === null || typeof address !== 'object') throw new Error('the gateway is not listening on a TCP port')
    const gatewayUrl = `http://127.0.0.1:${address.port}`
    for (const s of sims.values()) s.trustGateway(`${gatewayUrl}/.well-known/jwks.json`)
    const http = new HttpPool(gatewayUrl, { connections: 64 })
    onCleanup(async () => { await http.close() })

    const peers = new Receipts(DESTINATIONS.map((id) => sims.get(id) as SimulatedPlatform))
    const publisher = publishers.get(PUBLISHER)?.signer as PlatformSigner
    const region = PROVINCES.find((p) => p.id === PUBLISHER)?.region ?? ''
    const steadyCount = RATE * SECONDS
    out(`delivery bench: ${PUBLISHER} publishes list.upsert envelopes of ${ITEMS} items to ${DESTINATIONS.join(', ')} over yrd-push; ` +
      `policy concurrency ${POLICY.concurrency}, rate limit ${POLICY.rateLimit.max}/${POLICY.rateLimit.durationMs} ms, relay every ${SETTINGS.relayIntervalMs} ms + NOTIFY; schema ${schema}`)
    out('signing envelopes (not timed)…')
    const warm = await prepare(publisher, region, WARMUP, `w${runTag}`)
    const steady = await prepare(publisher, region, steadyCount, `s${runTag}`)
    const burst = await prepare(publisher, region, BURST, `b${runTag}`)
    const backlog = await prepare(publisher, region, BURST, `q${runTag}`)
    const rawWarm = await prepare(publisher, region, WARMUP, `rw${runTag}`)

    // Warm-up: connections, JIT, the peers' first fetch of the gateway's JWKS.
    for (const env of warm) await post(http, env)
    if (!await peers.waitAll(warm.map((e) => e.jti))) throw new Error('warm-up envelopes were not delivered')
    await waitLedgerIdle(db)

    // Phase 1: steady rate, latency from each 202 to the last of the three receipts.
    out(`steady: ${steadyCount} envelopes at ${RATE}/s for ${SECONDS} s (open loop)…`)
    const st = await publishSteady(http, steady, RATE)
    const steadyJtis = steady.map((e) => e.jti).filter((jti) => st.accepted.has(jti))
    const steadyComplete = await peers.waitAll(steadyJtis)
    const sSum = peers.summary(steadyJtis)
    const latencies = steadyJtis.flatMap((jti) => {
      const last = sSum.last.get(jti)
      const accepted = st.accepted.get(jti)
      return last === undefined || accepted === undefined ? [] : [Math.max(0, last - accepted)]
    })
    const firstAccept = Math.min(...st.accepted.values())
    const steadyLast = Math.max(...sSum.last.values())
    const steadySeconds = (steadyLast - firstAccept) / 1000
    const steadyDeliveries = sSum.last.size * DESTINATIONS.length
    const steadyStatus = await waitLedgerIdle(db)
    const stages = await stageBreakdown(db, steadyJtis)

    // Phase 2: saturation, as fast as the gateway accepts with 8 in flight; the gateway then idles before the baseline
    // runs.
    out(`saturation: ${BURST} envelopes, ${BURST_CONCURRENCY} in flight…`)
    const burstAccepted: number[] = []
    // How many requests wait for one of the gateway's PostgreSQL connections: a pointer to where time goes.
    const poolWaiting: number[] = []
    const sampler = setInterval(() => { poolWaiting.push(app.pg.waitingCount) }, 10)
    const burstStart = Date.now()
    await runConcurrently(burst, BURST_CONCURRENCY, async (env) => { burstAccepted.push(await post(http, env)) })
    const acceptSeconds = (Math.max(...burstAccepted) - burstStart) / 1000
    const burstJtis = burst.map((e) => e.jti)
    const burstComplete = await peers.waitAll(burstJtis)
    const bSum = peers.summary(burstJtis)
    const burstSeconds = (Math.max(...bSum.last.values()) - burstStart) / 1000
    clearInterval(sampler)
    const burstStatus = await waitLedgerIdle(db)
    const burstDeliveries = bSum.last.size * DESTINATIONS.length
    const deliveriesPerSec = burstDeliveries / burstSeconds
    const deliveredRecordsPerSec = deliveriesPerSec * ITEMS

    // Phase 3: a backlog. The queues are paused (BullMQ's global pause, as the health monitor does), so
    // the relay fills them while nothing is delivered; the clock starts when they resume.
    out(`backlog: ${BURST} envelopes accepted and relayed with the queues paused, then resumed…`)
    const gatewayQueues = [...app.delivery.queues.queues.values()]
    await Promise.all(gatewayQueues.map(async (q) => { await q.pause() }))
    await runConcurrently(backlog, BURST_CONCURRENCY, async (env) => { await post(http, env) })
    const relayDeadline = Date.now() + DRAIN_TIMEOUT_MS
    while (Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM deliveries WHERE enqueued_at IS NULL')).rows[0]?.n) > 0) {
      if (Date.now() > relayDeadline) throw new Error('the outbox relay did not move the backlog into the queues')
      await sleep(20)
    }
    const backlogStart = Date.now()
    await Promise.all(gatewayQueues.map(async (q) => { await q.resume() }))
    const backlogJtis = backlog.map((e) => e.jti)
    const backlogComplete = await peers.waitAll(backlogJtis)
    const qSum = peers.summary(backlogJtis)
    const backlogSeconds = (Math.max(...qSum.last.values()) - backlogStart) / 1000
    const backlogStatus = await waitLedgerIdle(db)
    const backlogDeliveriesPerSec = qSum.last.size * DESTINATIONS.length / backlogSeconds

    // A baseline run lasts a fraction of a second, so one scheduling hiccup moves it a lot: the median of three.
    await baselineBurst(prefix, rawWarm, 'warm', 'live')
    const baselineRates = async (envs: Prepared[], mode: 'live' | 'backlog'): Promise<number[]> => {
      const rates: number[] = []
      for (let r = 0; r < BASELINE_RUNS; r++) {
        const b = await baselineBurst(prefix, envs, `${mode}${r}`, mode)
        rates.push(b.jobs / b.seconds)
      }
      return rates
    }
    const liveRates = await baselineRates(burst, 'live')
    const backlogRates = await baselineRates(backlog, 'backlog')
    const baselineJobsPerSec = percentile(liveRates, 50)
    const baselineRecordsPerSec = baselineJobsPerSec * ITEMS
    const ratio = deliveredRecordsPerSec / baselineRecordsPerSec
    const baselineBacklogJobsPerSec = percentile(backlogRates, 50)
    const spread = (rates: number[]): string => rates.map((r) => round(r)).join(' / ')
    const backlogRatio = backlogDeliveriesPerSec / baselineBacklogJobsPerSec

    const untouched = sims.get(PUBLISHER)?.received.length ?? 0
    const anomalies = [...sSum.anomalies, ...bSum.anomalies, ...qSum.anomalies]
    const undelivered = (steadyJtis.length - sSum.last.size) + (burstJtis.length - bSum.last.size) + (
      backlogJtis.length - qSum.last.size
    )
    const poolWaitingMean = poolWaiting.reduce((a, b) => a + b, 0) / Math.max(1, poolWaiting.length)
    const p50 = percentile(latencies, 50)
    const p99 = percentile(latencies, 99)
    const max = latencies.length === 0 ? Number.NaN : Math.max(...latencies)
    const stage = (k: string): string => `p50 ${ms(percentile(stages[k] ?? [], 50))}, p99 ${ms(percentile(stages[k] ?? [], 99))}`

    out([
      `steady   ${st.accepted.size}/${steadyCount} accepted (${st.failures.length} refused), sends at most ${ms(st.maxLateMs)} behind schedule`,
      `         accept → last of 3 receipts: p50 ${ms(p50)}, p99 ${ms(p99)}, max ${ms(max)} (goal p99 < 500 ms)`,
      `         ledger stages per delivery: accept→relay ${stage('relay')}; relay→attempt start ${stage('queue')};`,
      `         attempt start→response (load, sign, HTTP) ${stage('attempt')}; attempts per delivery max ${Math.max(...(stages.attempts ?? [0]))}`,
      `         ${steadyDeliveries} deliveries in ${round(steadySeconds, 2)} s: ${round(steadyDeliveries / steadySeconds, 1)} deliveries/s, ` +
        `${round(steadyDeliveries * ITEMS / steadySeconds)} records/s (capped by the publishing rate)`,
      `saturation: ${BURST} envelopes accepted in ${round(acceptSeconds, 2)} s (${round(BURST / acceptSeconds, 1)}/s); ` +
        `all ${burstDeliveries} deliveries received by ${round(burstSeconds, 2)} s`,
      `         gateway  ${round(deliveriesPerSec, 1)} deliveries/s, ${round(deliveredRecordsPerSec)} records/s (first post → last receipt)`,
      `         baseline ${round(baselineJobsPerSec, 1)} jobs/s, ${round(baselineRecordsPerSec)} records/s: raw BullMQ, ${burstDeliveries} jobs of ${ITEMS} entries, ` +
        `3 queues × no-op worker (concurrency ${POLICY.concurrency}), ${BURST_CONCURRENCY} producers (first add → last processed; median of ${spread(liveRates)})`,
      `         ratio ${round(ratio, 3)} (goal ≥ 0.5); requests waiting for a PostgreSQL connection: mean ${round(poolWaitingMean, 1)}, max ${Math.max(0, ...poolWaiting)}`,
      `backlog: ${qSum.last.size * DESTINATIONS.length} deliveries drained in ${round(backlogSeconds, 2)} s: ${round(backlogDeliveriesPerSec, 1)} deliveries/s, ` +
        `${round(backlogDeliveriesPerSec * ITEMS)} records/s (delivery alone, no ingest)`,
      `         baseline ${round(baselineBacklogJobsPerSec, 1)} jobs/s draining the same backlog (median of ${spread(backlogRates)}); backlog ratio ${round(backlogRatio, 3)}`,
      `ledger:  steady ${JSON.stringify(steadyStatus)}, after saturation ${JSON.stringify(burstStatus)}, after backlog ${JSON.stringify(backlogStatus)}; ` +
        `repeated receipts (retries) ${sSum.duplicateReceipts + bSum.duplicateReceipts + qSum.duplicateReceipts}; publisher received ${untouched}`
    ].join('\n'))
    if (!steadyComplete || !burstComplete || !backlogComplete || anomalies.length > 0 || undelivered > 0 ||
      st.failures.length > 0 || untouched > 0) {
      process.stderr.write(`\n!!!!! WARNING: delivery was not exactly-once to every peer: ${undelivered} envelope(s) missing a receipt, ` +
        `${st.failures.length} refused, ${anomalies.length} anomalies, ${untouched} delivered back to the publisher\n` +
        [...st.failures, ...anomalies].slice(0, 10).map((a) => `!!!!!   ${a}\n`).join('') + '\n')
    }
    out(benchLine('delivery', {
      steadyRate: RATE,
      steadySeconds: SECONDS,
      itemsPerEnvelope: ITEMS,
      destinations: DESTINATIONS.length,
      p50Ms: round(p50, 1),
      p99Ms: round(p99, 1),
      maxMs: round(max, 1),
      steadyRecordsPerSec: round(steadyDeliveries * ITEMS / steadySeconds),
      burstEnvelopes: BURST,
      deliveriesPerSec: round(deliveriesPerSec, 1),
      deliveredRecordsPerSec: round(deliveredRecordsPerSec),
      baselineJobsPerSec: round(baselineJobsPerSec, 1),
      baselineRecordsPerSec: round(baselineRecordsPerSec),
      ratio: round(ratio, 3),
      acceptedEnvelopesPerSec: round(BURST / acceptSeconds, 1),
      poolWaitingMean: round(poolWaitingMean, 1),
      backlogRecordsPerSec: round(backlogDeliveriesPerSec * ITEMS),
      baselineBacklogRecordsPerSec: round(baselineBacklogJobsPerSec * ITEMS),
      backlogRatio: round(backlogRatio, 3),
      undelivered,
      anomalies: anomalies.length
    }))
  })
}

await main()
