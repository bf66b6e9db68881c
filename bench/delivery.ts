/**
 * `npm run bench:delivery`, a diagnostic: envelopes accepted by a running gateway (in this process)
 * and delivered over `yrd-push` to three simulated platforms in a separate peer process
 * (bench/peer-process.ts), with a raw BullMQ baseline in the same run. Its ratio against no-op
 * BullMQ workers is no goal (issue 15: it compares durable, signed delivery with nothing); it
 * tells where delivery's time goes. The end-to-end goals are bench:pipeline's and bench:bulk's.
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
import { setTimeout as sleep } from 'node:timers/promises'
import { Queue, Worker } from 'bullmq'
import type { DeliveryPolicy, GatewaySettings } from '../config/config-schema.js'
import { bullConnection, bullPrefix } from '../src/plugins/queues.js'
import type { createPool } from '../src/ledger/pool.js'
import { benchLine, percentile, positiveIntFromEnv, publishAtRate, round, runConcurrently } from './bench-util.js'
import { REDIS_URL, runInScratch, PROVINCES } from './bench-scratch.js'
import { benchConfig, makePublishers, postEnvelope, signEnvelopes, startGateway, type SignedEnvelope } from './bench-gateway.js'
import { waitLedgerIdle } from './bench-ledger.js'
import { startPeerProcess, type Addressed, type ReceiptLog } from './peer-client.js'

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

type Prepared = SignedEnvelope

const ms = (x: number): string => `${round(x, 1)} ms`

/** Per jti: the latest of the destinations' first receipts, and any destination that did not apply it exactly once. */
function summary (receipts: ReceiptLog, jtis: string[]): { last: Map<string, number>, anomalies: string[] } {
  const last = new Map<string, number>()
  for (const jti of jtis) {
    const at = receipts.lastReceipt(jti, DESTINATIONS)
    if (at !== undefined) last.set(jti, at)
  }
  return { last, anomalies: receipts.anomalies(addressed(jtis)) }
}

const addressed = (jtis: string[]): Addressed[] => jtis.map((jti) => ({ jti, destinations: DESTINATIONS }))

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
async function baselineBurst (
  redisPrefix: string, policy: DeliveryPolicy, settings: GatewaySettings, envs: Prepared[], label: string, mode: 'live' | 'backlog'
): Promise<{ seconds: number, jobs: number }> {
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
          attempts: policy.attempts, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 }
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
      concurrency: policy.concurrency,
      limiter: { max: policy.rateLimit.max, duration: policy.rateLimit.durationMs },
      lockDuration: settings.jobLockMs,
      stalledInterval: Math.max(500, Math.floor(settings.jobLockMs / 2)),
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
  await runInScratch('delivery', 2, async (scratch) => {
    const { schema, prefix, db, onCleanup } = scratch
    const runTag = randomBytes(3).toString('hex')
    const out = (line: string): void => { process.stdout.write(line + '\n') }

    // The bench holds the platforms' publishing keys; the simulators, in their own process, receive.
    const publishers = await makePublishers()
    const peers = await startPeerProcess(PROVINCES)
    onCleanup(async () => { await peers.close() })
    const config = benchConfig(publishers, peers.platforms)
    const { app, url: gatewayUrl, http } = await startGateway(scratch, config, { workers: true, connections: 64 })
    await peers.trustGateway(`${gatewayUrl}/.well-known/jwks.json`)
    const { receipts } = peers
    const policy = config.platforms.find((p) => p.id !== PUBLISHER)?.delivery as DeliveryPolicy
    const settings = config.settings
    const publisher = publishers.filter((p) => p.id === PUBLISHER)
    const post = async (env: Prepared): Promise<number> => await postEnvelope(http, env.jws)
    const waitAll = async (jtis: string[]): Promise<boolean> => {
      return await receipts.waitAll(addressed(jtis), DRAIN_TIMEOUT_MS)
    }
    const steadyCount = RATE * SECONDS
    out(`delivery bench: ${PUBLISHER} publishes list.upsert envelopes of ${ITEMS} items to ${DESTINATIONS.join(', ')} over yrd-push; ` +
      `policy concurrency ${policy.concurrency}, rate limit ${policy.rateLimit.max}/${policy.rateLimit.durationMs} ms, relay every ${settings.relayIntervalMs} ms + NOTIFY; ` +
      `gateway in this process, destinations in a peer process; schema ${schema}`)
    out('signing envelopes (not timed)…')
    const warm = await signEnvelopes(publisher, WARMUP, ITEMS, `w${runTag}`)
    const steady = await signEnvelopes(publisher, steadyCount, ITEMS, `s${runTag}`)
    const burst = await signEnvelopes(publisher, BURST, ITEMS, `b${runTag}`)
    const backlog = await signEnvelopes(publisher, BURST, ITEMS, `q${runTag}`)
    const rawWarm = await signEnvelopes(publisher, WARMUP, ITEMS, `rw${runTag}`)

    // Warm-up: connections, JIT, the peers' first fetch of the gateway's JWKS.
    for (const env of warm) await post(env)
    if (!await waitAll(warm.map((e) => e.jti))) throw new Error('warm-up envelopes were not delivered')
    await waitLedgerIdle(db, DRAIN_TIMEOUT_MS)

    // Phase 1: steady rate, latency from each 202 to the last of the three receipts.
    out(`steady: ${steadyCount} envelopes at ${RATE}/s for ${SECONDS} s (open loop)…`)
    const st = await publishAtRate(steady, RATE, post)
    const accepted = new Map<string, number>()
    steady.forEach((e, i) => { const at = st.acceptedAt[i]; if (at !== undefined) accepted.set(e.jti, at) })
    const steadyJtis = steady.map((e) => e.jti).filter((jti) => accepted.has(jti))
    const steadyComplete = await waitAll(steadyJtis)
    const sSum = summary(receipts, steadyJtis)
    const latencies = steadyJtis.flatMap((jti) => {
      const last = sSum.last.get(jti)
      const at = accepted.get(jti)
      return last === undefined || at === undefined ? [] : [Math.max(0, last - at)]
    })
    const firstAccept = Math.min(...accepted.values())
    const steadyLast = Math.max(...sSum.last.values())
    const steadySeconds = (steadyLast - firstAccept) / 1000
    const steadyDeliveries = sSum.last.size * DESTINATIONS.length
    const steadyStatus = await waitLedgerIdle(db, DRAIN_TIMEOUT_MS)
    const stages = await stageBreakdown(db, steadyJtis)

    // Phase 2: saturation, as fast as the gateway accepts with 8 in flight; the gateway then idles before the baseline
    // runs.
    out(`saturation: ${BURST} envelopes, ${BURST_CONCURRENCY} in flight…`)
    const burstAccepted: number[] = []
    // How many requests wait for one of the gateway's PostgreSQL connections: a pointer to where time goes.
    const poolWaiting: number[] = []
    const sampler = setInterval(() => { poolWaiting.push(app.pg.waitingCount) }, 10)
    const burstStart = Date.now()
    await runConcurrently(burst, BURST_CONCURRENCY, async (env) => { burstAccepted.push(await post(env)) })
    const acceptSeconds = (Math.max(...burstAccepted) - burstStart) / 1000
    const burstJtis = burst.map((e) => e.jti)
    const burstComplete = await waitAll(burstJtis)
    const bSum = summary(receipts, burstJtis)
    const burstSeconds = (Math.max(...bSum.last.values()) - burstStart) / 1000
    clearInterval(sampler)
    const burstStatus = await waitLedgerIdle(db, DRAIN_TIMEOUT_MS)
    const burstDeliveries = bSum.last.size * DESTINATIONS.length
    const deliveriesPerSec = burstDeliveries / burstSeconds
    const deliveredRecordsPerSec = deliveriesPerSec * ITEMS

    // Phase 3: a backlog. The queues are paused (BullMQ's global pause, as the health monitor does), so
    // the relay fills them while nothing is delivered; the clock starts when they resume.
    out(`backlog: ${BURST} envelopes accepted and relayed with the queues paused, then resumed…`)
    const gatewayQueues = [...app.delivery.queues.queues.values()]
    await Promise.all(gatewayQueues.map(async (q) => { await q.pause() }))
    await runConcurrently(backlog, BURST_CONCURRENCY, async (env) => { await post(env) })
    const relayDeadline = Date.now() + DRAIN_TIMEOUT_MS
    while (Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM deliveries WHERE enqueued_at IS NULL')).rows[0]?.n) > 0) {
      if (Date.now() > relayDeadline) throw new Error('the outbox relay did not move the backlog into the queues')
      await sleep(20)
    }
    const backlogStart = Date.now()
    await Promise.all(gatewayQueues.map(async (q) => { await q.resume() }))
    const backlogJtis = backlog.map((e) => e.jti)
    const backlogComplete = await waitAll(backlogJtis)
    const qSum = summary(receipts, backlogJtis)
    const backlogSeconds = (Math.max(...qSum.last.values()) - backlogStart) / 1000
    const backlogStatus = await waitLedgerIdle(db, DRAIN_TIMEOUT_MS)
    const backlogDeliveriesPerSec = qSum.last.size * DESTINATIONS.length / backlogSeconds

    // A baseline run lasts a fraction of a second, so one scheduling hiccup moves it a lot: the median of three.
    await baselineBurst(prefix, policy, settings, rawWarm, 'warm', 'live')
    const baselineRates = async (envs: Prepared[], mode: 'live' | 'backlog'): Promise<number[]> => {
      const rates: number[] = []
      for (let r = 0; r < BASELINE_RUNS; r++) {
        const b = await baselineBurst(prefix, policy, settings, envs, `${mode}${r}`, mode)
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

    const untouched = receipts.totals()[PUBLISHER]?.receipts ?? 0
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
      `steady   ${accepted.size}/${steadyCount} accepted (${st.failures.length} refused), sends at most ${ms(st.maxLateMs)} behind schedule`,
      `         accept → last of 3 receipts: p50 ${ms(p50)}, p99 ${ms(p99)}, max ${ms(max)} (goals: bench:pipeline)`,
      `         ledger stages per delivery: accept→relay ${stage('relay')}; relay→attempt start ${stage('queue')};`,
      `         attempt start→response (load, sign, HTTP) ${stage('attempt')}; attempts per delivery max ${Math.max(...(stages.attempts ?? [0]))}`,
      `         ${steadyDeliveries} deliveries in ${round(steadySeconds, 2)} s: ${round(steadyDeliveries / steadySeconds, 1)} deliveries/s, ` +
        `${round(steadyDeliveries * ITEMS / steadySeconds)} records/s (capped by the publishing rate)`,
      `saturation: ${BURST} envelopes accepted in ${round(acceptSeconds, 2)} s (${round(BURST / acceptSeconds, 1)}/s); ` +
        `all ${burstDeliveries} deliveries received by ${round(burstSeconds, 2)} s`,
      `         gateway  ${round(deliveriesPerSec, 1)} deliveries/s, ${round(deliveredRecordsPerSec)} records/s (first post → last receipt)`,
      `         baseline ${round(baselineJobsPerSec, 1)} jobs/s, ${round(baselineRecordsPerSec)} records/s: raw BullMQ, ${burstDeliveries} jobs of ${ITEMS} entries, ` +
        `3 queues × no-op worker (concurrency ${policy.concurrency}), ${BURST_CONCURRENCY} producers (first add → last processed; median of ${spread(liveRates)})`,
      `         ratio ${round(ratio, 3)} (a diagnostic, no goal); requests waiting for a PostgreSQL connection: mean ${round(poolWaitingMean, 1)}, max ${Math.max(0, ...poolWaiting)}`,
      `backlog: ${qSum.last.size * DESTINATIONS.length} deliveries drained in ${round(backlogSeconds, 2)} s: ${round(backlogDeliveriesPerSec, 1)} deliveries/s, ` +
        `${round(backlogDeliveriesPerSec * ITEMS)} records/s (delivery alone, no ingest)`,
      `         baseline ${round(baselineBacklogJobsPerSec, 1)} jobs/s draining the same backlog (median of ${spread(backlogRates)}); backlog ratio ${round(backlogRatio, 3)}`,
      `ledger:  steady ${JSON.stringify(steadyStatus)}, after saturation ${JSON.stringify(burstStatus)}, after backlog ${JSON.stringify(backlogStatus)}; ` +
        `repeated receipts (retries) ${receipts.repeatedReceipts()}; publisher received ${untouched}`
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
