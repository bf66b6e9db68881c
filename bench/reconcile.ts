/**
 * `npm run bench:reconcile`: one list of BENCH_RECON_ENTRIES (1,000,000) entries in the ledger and
 * a reference-protocol replica (a real HTTP server) holding the same list with 0, 100 and 10,000
 * differences. For each, range reconciliation against pulling the replica's full export (10,000
 * elements a page, the cheapest full export there is: ids, versions, states and content hashes,
 * no entry bodies) and comparing, in the same run: bytes on the wire, round trips, time. Both must
 * find exactly the seeded differences. Goals at 1M entries and 100 differences: under 1% of the
 * export's bytes and under 5 s; at 0 differences one round trip under 1 KB. Reported, never asserted.
 *
 * Knobs: BENCH_RECON_ENTRIES (1000000), DATABASE_URL.
 */
import { performance } from 'node:perf_hooks'
import { DEFAULT_DELIVERY, type PlatformConfig } from '../config/config-schema.js'
import { createYrdPushAdapter } from '../adapters/yrd-push/yrd-push-adapter.js'
import { gatewayKeysFrom, generatePrivateJwk, publicPart } from '../src/keys/signing-keys.js'
import { migrate } from '../src/ledger/migrate.js'
import { foldDeltas } from '../src/reconcile/ledger-fold.js'
import { runReconciliation, type RunResult } from '../src/reconcile/reconcile-service.js'
import { startSimulatedPlatform, type HeldEntry } from '../sim/platform-simulator.js'
import { benchLine, positiveIntFromEnv, round } from './bench-util.js'
import { DATABASE_URL, runInScratch } from './bench-scratch.js'
import { itemJs, LIST, loadBenchList, OWNER } from './recon-bench-list.js'

const ENTRIES = positiveIntFromEnv('BENCH_RECON_ENTRIES', 1_000_000)

interface Figures { ms: number, bytes: number, roundTrips: number, findings: number, detail: string }
const figures = (r: RunResult): Figures => ({
  detail: `fold ${r.stats.foldMs ?? 0} ms, compare ${r.stats.compareMs ?? 0} ms, classify ${r.stats.classifyMs ?? 0} ms`,
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

  const sim = await startSimulatedPlatform({ id: 'JS' })
  s.onCleanup(async () => { await sim.close() })
  const gatewayJwk = await generatePrivateJwk('ES256', 'bench-gw')
  const keys = await gatewayKeysFrom([gatewayJwk])
  sim.trustGateway({ keys: [publicPart(gatewayJwk)] })
  for (let i = 1; i <= ENTRIES; i++) sim.held.set(`${OWNER}:B-${i}`, { owner: OWNER, entryId: `B-${i}`, version: 1, removed: false, item: itemJs(i) })
  const platform = { id: 'JS', name: 'JS', regionCode: '320000', adapter: 'yrd-push', endpoint: `${sim.url}/yrd/v1/deliveries`, enabled: true, jwks: { keys: [] }, delivery: DEFAULT_DELIVERY } as unknown as PlatformConfig
  const adapter = createYrdPushAdapter({ platform, policy: DEFAULT_DELIVERY, sign: keys.sign, secrets: {} })
  s.onCleanup(async () => { await adapter.close() })
  const deps = { pool: s.db, adapters: new Map([['JS', adapter]]) }
  const scope = { owner: OWNER, listCode: LIST, platform: 'JS' }

  t0 = performance.now()
  const warm = await runReconciliation(deps, scope, 'bench', 'bench')
  out(`replica hashed its ${ENTRIES.toLocaleString('en')} entries once (kept per entry afterwards): ${round((performance.now() - t0) / 1000, 1)} s; in sync: ${String(warm.findings.length === 0)}`)

  // Differences, spread over the list: a quarter each missing, edited, extra and suspended at the replica.
  const changed = new Map<string, HeldEntry | undefined>()
  const drift = (n: number): void => {
    for (const [k, v] of changed) { if (v === undefined) sim.held.delete(k); else sim.held.set(k, v) }
    changed.clear()
    const step = Math.floor(ENTRIES / n)
    for (let d = 0; d < n; d++) {
      const i = 1 + d * step
      const key = `${OWNER}:B-${i}`
      const held = sim.held.get(key)
      if (held === undefined) continue
      changed.set(key, held)
      if (d % 4 === 0) sim.held.delete(key)
      else if (d % 4 === 1) sim.held.set(key, { ...held, item: { ...itemJs(i), facts: 'edited at the replica' } })
      else if (d % 4 === 2) {
        const extra = `${OWNER}:X-${i}`
        changed.set(extra, undefined)
        sim.held.set(extra, { owner: OWNER, entryId: `X-${i}`, version: 1, removed: false, item: { ...itemJs(i), entryId: `X-${i}` } })
        changed.delete(key)
      } else sim.held.set(key, { ...held, suspended: true })
    }
  }

  const results: Record<string, { range: Figures, exp: Figures }> = {}
  for (const n of [0, 100, 10_000]) {
    drift(n)
    const range = figures(await runReconciliation(deps, scope, 'bench', 'bench', { method: 'range' }))
    const exp = figures(await runReconciliation(deps, scope, 'bench', 'bench', { method: 'export' }))
    results[n] = { range, exp }
    const exact = range.findings === n && exp.findings === n
    out(`${String(n).padStart(6)} differences: range ${range.roundTrips} round trips, ${range.bytes.toLocaleString('en')} bytes, ${range.ms} ms | ` +
      `full export ${exp.roundTrips} round trips, ${exp.bytes.toLocaleString('en')} bytes, ${exp.ms} ms | ` +
      `bytes ${round(100 * range.bytes / exp.bytes, 3)}% of the export, time ${round(range.ms / exp.ms, 3)}× | found ${range.findings}/${exp.findings} of ${n}${exact ? '' : ' — NOT EXACT'}`)
    out(`        range: ${range.detail}; export: ${exp.detail}`)
  }
  const at = (n: number): { range: Figures, exp: Figures } => results[n] ?? { range: figures(warm), exp: figures(warm) }
  const d100 = at(100)
  out(`goals at ${ENTRIES.toLocaleString('en')} entries: 100 differences under 1% of the export's bytes (${round(100 * d100.range.bytes / d100.exp.bytes, 3)}%) and under 5 s (${round(d100.range.ms / 1000, 2)} s); ` +
    `0 differences one round trip (${at(0).range.roundTrips}) under 1 KB (${at(0).range.bytes} bytes)`)
  const line: Record<string, number | string> = {
    entries: ENTRIES, loadSeconds: round(loadMs / 1000, 1), firstFoldSeconds: round(foldMs / 1000, 1)
  }
  for (const n of [0, 100, 10_000]) {
    const r = at(n)
    line[`d${n}Bytes`] = r.range.bytes
    line[`d${n}BaselineBytes`] = r.exp.bytes
    line[`d${n}BytesRatio`] = round(r.range.bytes / r.exp.bytes, 5)
    line[`d${n}RoundTrips`] = r.range.roundTrips
    line[`d${n}BaselineRoundTrips`] = r.exp.roundTrips
    line[`d${n}Ms`] = r.range.ms
    line[`d${n}BaselineMs`] = r.exp.ms
    line[`d${n}TimeRatio`] = round(r.range.ms / r.exp.ms, 4)
    line[`d${n}Exact`] = String(r.range.findings === n && r.exp.findings === n)
  }
  line.ratio = line.d100BytesRatio ?? 0
  out(benchLine('reconcile', line))
})
