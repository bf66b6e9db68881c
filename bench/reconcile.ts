/**
 * `npm run bench:reconcile`: one list of BENCH_ENTRIES (1,000,000) entries in the ledger and in a
 * reference-protocol replica with its own store in PostgreSQL (its own schema), served by a
 * process of its own (sim/pg-replica-process.ts), holding the same list with 0, 100 and 10,000
 * differences. For each, range reconciliation against pulling the replica's full export (10,000
 * elements a page, the cheapest full export there is: ids, versions, states and content hashes,
 * no entry bodies) and comparing, in the same run: bytes on the wire, round trips, time. Both must
 * find exactly the seeded differences. Goals (issue 17): at 0 differences one round trip under
 * 1 KB; at 100, under 140 KB in at most 4 round trips and under 5 s; at 10,000, under 2 MB.
 * Reported, never asserted; the peak RSS of both processes is reported too.
 *
 * Knobs: BENCH_ENTRIES (1000000; BENCH_RECON_ENTRIES is read when it is unset), BENCH_BASELINE (1; 0
 * runs the range runs alone, without the export baseline: at 10M it takes ~7 minutes), DATABASE_URL.
 */
import { performance } from 'node:perf_hooks'
import { DEFAULT_DELIVERY, type PlatformConfig } from '../config/config-schema.js'
import { createYrdPushAdapter } from '../adapters/yrd-push/yrd-push-adapter.js'
import { gatewayKeysFrom, generatePrivateJwk, publicPart } from '../src/keys/signing-keys.js'
import { createPool } from '../src/ledger/pool.js'
import { migrate } from '../src/ledger/migrate.js'
import { foldDeltas } from '../src/reconcile/ledger-fold.js'
import { runReconciliation, type RunResult } from '../src/reconcile/reconcile-service.js'
import { startPgReplicaProcess } from '../sim/pg-replica-client.js'
import { PgReplicaStore, type ReplicaChange } from '../sim/pg-replica-store.js'
import { benchLine, positiveIntFromEnv, round } from './bench-util.js'
import { DATABASE_URL, runInScratch } from './bench-scratch.js'
import { itemJs, LIST, loadBenchList, loadBenchReplica, OWNER } from './recon-bench-list.js'

const ENTRIES = positiveIntFromEnv('BENCH_ENTRIES', positiveIntFromEnv('BENCH_RECON_ENTRIES', 1_000_000))
const BASELINE = process.env.BENCH_BASELINE !== '0'
const MB = 1024 * 1024

interface Figures { ms: number, bytes: number, roundTrips: number, findings: number, detail: string }
const figures = (r: RunResult): Figures => ({
  detail: `fold ${r.stats.foldMs ?? 0} ms, compare ${r.stats.compareMs ?? 0} ms, classify ${r.stats.classifyMs ?? 0} ms` +
    (r.status === 'done' ? '' : `; run ${r.status}: ${r.error ?? ''}`),
  ms: r.stats.ms ?? 0,
  bytes: (r.stats.bytesSent ?? 0) + (r.stats.bytesReceived ?? 0),
  roundTrips: r.stats.roundTrips ?? 0,
  findings: r.findings.length
})

await runInScratch('reconcile', 4, async (s) => {
  await migrate(DATABASE_URL, s.schema)
  const out = (line: string): void => { process.stdout.write(`${line}\n`) }

  out(`loading ${ENTRIES.toLocaleString('en')} entries into the ledger…`)
  let t0 = performance.now()
  await loadBenchList(s.db, ENTRIES)
  const loadMs = performance.now() - t0
  t0 = performance.now()
  await foldDeltas(s.db)
  const foldMs = performance.now() - t0
  out(`ledger loaded in ${round(loadMs / 1000, 1)} s (the trigger's deltas included); first fold of the whole load: ${round(foldMs / 1000, 1)} s (a one-off: later folds take what changed since the last run)`)

  // The replica's own schema, beside the bench's, dropped with it.
  const replicaSchema = `${s.schema}_replica`
  const replicaDb = createPool(DATABASE_URL, replicaSchema, 2)
  s.onCleanup(async () => { await replicaDb.query(`DROP SCHEMA IF EXISTS "${replicaSchema}" CASCADE`); await replicaDb.end() })
  await replicaDb.query(`CREATE SCHEMA "${replicaSchema}"`)
  const store = new PgReplicaStore(replicaDb)
  await store.createTables()
  t0 = performance.now()
  await loadBenchReplica(store, ENTRIES)
  const replicaLoadMs = performance.now() - t0
  out(`replica store loaded in ${round(replicaLoadMs / 1000, 1)} s (entries, elements and bucket sums in one transaction)`)

  const gatewayJwk = await generatePrivateJwk('ES256', 'bench-gw')
  const keys = await gatewayKeysFrom([gatewayJwk])
  const replica = await startPgReplicaProcess({ databaseUrl: DATABASE_URL, schema: replicaSchema, platform: 'JS', gatewayJwks: { keys: [publicPart(gatewayJwk)] } })
  s.onCleanup(replica.close)
  const platform = { id: 'JS', name: 'JS', regionCode: '320000', adapter: 'yrd-push', endpoint: replica.endpoint, enabled: true, jwks: { keys: [] }, delivery: DEFAULT_DELIVERY } as unknown as PlatformConfig
  const adapter = createYrdPushAdapter({ platform, policy: DEFAULT_DELIVERY, sign: keys.sign, secrets: {} })
  s.onCleanup(async () => { await adapter.close() })
  const deps = { pool: s.db, adapters: new Map([['JS', adapter]]) }
  const scope = { owner: OWNER, listCode: LIST, platform: 'JS' }

  const warm = await runReconciliation(deps, scope, 'bench', 'bench')
  out(`in sync before any drift: ${String(warm.findings.length === 0)} (${warm.stats.roundTrips ?? 0} round trip)`)

  // Differences, spread over the list, written into the replica's store: a quarter each missing,
  // edited, extra and suspended at the replica. The previous drift is undone first.
  let undo: ReplicaChange[] = []
  const entry = (i: number, over: Partial<ReplicaChange> = {}): ReplicaChange =>
    ({ owner: OWNER, entryId: `B-${i}`, listCode: LIST, version: 1, status: 'active', item: itemJs(i), ...over })
  const drift = async (n: number): Promise<void> => {
    const changes: ReplicaChange[] = []
    const next: ReplicaChange[] = []
    const step = Math.floor(ENTRIES / Math.max(n, 1))
    for (let d = 0; d < n; d++) {
      const i = 1 + d * step
      if (d % 4 === 0) changes.push(entry(i, { status: 'removed', version: 1 }))
      else if (d % 4 === 1) changes.push(entry(i, { item: { ...itemJs(i), facts: 'edited at the replica' } }))
      else if (d % 4 === 2) {
        changes.push({ ...entry(i), entryId: `X-${i}`, item: { ...itemJs(i), entryId: `X-${i}` } })
        next.push({ ...entry(i), entryId: `X-${i}`, status: 'removed', item: { ...itemJs(i), entryId: `X-${i}` } })
        continue
      } else changes.push(entry(i, { status: 'suspended' }))
      next.push(entry(i))
    }
    if (undo.length > 0) await store.applyEntries(undo)
    if (changes.length > 0) await store.applyEntries(changes)
    undo = next
  }

  // Every range run first, so the peak RSS after them is the range protocol's alone; the export
  // baseline holds the replica's whole list in the gateway's process.
  const ranges = new Map<number, Figures>()
  for (const n of [0, 100, 10_000]) {
    await drift(n)
    ranges.set(n, figures(await runReconciliation(deps, scope, 'bench', 'bench', { method: 'range' })))
  }
  const rangeRss = { gateway: process.resourceUsage().maxRSS * 1024, replica: await replica.maxRssBytes() }
  const results = new Map<number, { range: Figures, exp?: Figures }>()
  for (const n of [0, 100, 10_000]) {
    const range = ranges.get(n) ?? figures(warm)
    let exp: Figures | undefined
    if (BASELINE) {
      await drift(n)
      exp = figures(await runReconciliation(deps, scope, 'bench', 'bench', { method: 'export' }))
    }
    results.set(n, exp === undefined ? { range } : { range, exp })
    const exact = range.findings === n && (exp === undefined || exp.findings === n)
    out(`${String(n).padStart(6)} differences: range ${range.roundTrips} round trips, ${range.bytes.toLocaleString('en')} bytes, ${range.ms} ms` + (exp === undefined
      ? ` | found ${range.findings} of ${n}${exact ? '' : ' — NOT EXACT'}`
      : ` | full export ${exp.roundTrips} round trips, ${exp.bytes.toLocaleString('en')} bytes, ${exp.ms} ms | ` +
        `bytes ${round(100 * range.bytes / exp.bytes, 3)}% of the export, time ${round(range.ms / exp.ms, 3)}× | found ${range.findings}/${exp.findings} of ${n}${exact ? '' : ' — NOT EXACT'}`))
    out(`        range: ${range.detail}${exp === undefined ? '' : `; export: ${exp.detail}`}`)
  }
  const at = (n: number): { range: Figures, exp?: Figures } => results.get(n) ?? { range: figures(warm) }
  const d100 = at(100)
  const d10k = at(10_000)
  out(`goals at ${ENTRIES.toLocaleString('en')} entries: 0 differences one round trip (${at(0).range.roundTrips}) under 1 KB (${at(0).range.bytes} bytes); ` +
    `100 differences under 140 KB (${round(d100.range.bytes / 1024, 1)} KB) in at most 4 round trips (${d100.range.roundTrips}) and under 5 s (${round(d100.range.ms / 1000, 2)} s); ` +
    `10,000 differences under 2 MB (${round(d10k.range.bytes / MB, 2)} MB)`)
  const benchRss = process.resourceUsage().maxRSS * 1024
  const replicaRss = await replica.maxRssBytes()
  out(`peak RSS through the range runs: gateway side (this process) ${round(rangeRss.gateway / MB, 0)} MB, replica process ${round(rangeRss.replica / MB, 0)} MB` +
    (BASELINE ? `; after the export baseline too: ${round(benchRss / MB, 0)} MB and ${round(replicaRss / MB, 0)} MB` : ''))
  const line: Record<string, number | string> = {
    entries: ENTRIES,
    loadSeconds: round(loadMs / 1000, 1),
    firstFoldSeconds: round(foldMs / 1000, 1),
    replicaLoadSeconds: round(replicaLoadMs / 1000, 1),
    gatewayRssMb: round(rangeRss.gateway / MB, 0),
    replicaRssMb: round(rangeRss.replica / MB, 0)
  }
  if (BASELINE) {
    line.gatewayRssWithExportMb = round(benchRss / MB, 0)
    line.replicaRssWithExportMb = round(replicaRss / MB, 0)
  }
  for (const n of [0, 100, 10_000]) {
    const { range, exp } = at(n)
    line[`d${n}Bytes`] = range.bytes
    line[`d${n}RoundTrips`] = range.roundTrips
    line[`d${n}Ms`] = range.ms
    line[`d${n}Exact`] = String(range.findings === n && (exp === undefined || exp.findings === n))
    if (exp === undefined) continue
    line[`d${n}BaselineBytes`] = exp.bytes
    line[`d${n}BytesRatio`] = round(range.bytes / exp.bytes, 5)
    line[`d${n}BaselineRoundTrips`] = exp.roundTrips
    line[`d${n}BaselineMs`] = exp.ms
    line[`d${n}TimeRatio`] = round(range.ms / exp.ms, 4)
  }
  if (line.d100BytesRatio !== undefined) line.ratio = line.d100BytesRatio
  out(benchLine('reconcile', line))
})
