/**
 * `npm run bench:fold`: how loading a list and folding it into the reconciliation tables scale with
 * the list (issue 17 item 3). Loads BENCH_ENTRIES (1,000,000) entries of one list into a
 * fresh ledger (the reconciliation trigger appends their deltas, as ingest's would), folds the whole
 * load once, then changes 100 and then 10,000 entries and folds after each: those folds take only
 * what changed. Prints seconds per million for the load (overall, first and last million) and the
 * first fold, entries folded and milliseconds of the later folds, and the tables' sizes. Reported,
 * never asserted. No replica: `bench:reconcile` runs the protocol against one.
 *
 * Knobs: BENCH_ENTRIES (1000000; BENCH_RECON_ENTRIES is read when it is unset), DATABASE_URL.
 */
import { performance } from 'node:perf_hooks'
import type pg from 'pg'
import { migrate } from '../src/ledger/migrate.js'
import { foldDeltas } from '../src/reconcile/ledger-fold.js'
import { benchLine, positiveIntFromEnv, round } from './bench-util.js'
import { DATABASE_URL, runInScratch } from './bench-scratch.js'
import { loadBenchList, OWNER } from './recon-bench-list.js'

const ENTRIES = positiveIntFromEnv('BENCH_ENTRIES', positiveIntFromEnv('BENCH_RECON_ENTRIES', 1_000_000))
const MILLION = 1_000_000

/** Edits `n` entries spread over the list (a new version, other facts), as an owner's update would. */
async function changeSpread (db: pg.Pool, n: number, tag: string): Promise<void> {
  const step = Math.max(1, Math.floor(ENTRIES / n))
  await db.query(`
    UPDATE entries SET version = version + 1, data = jsonb_set(data, '{facts}', to_jsonb($2::text)),
      content_hash = encode(sha256(convert_to(jsonb_set(data, '{facts}', to_jsonb($2::text))::text, 'UTF8')), 'hex'), updated_at = now()
    WHERE owner = '${OWNER}' AND entry_id IN (SELECT 'B-' || (1 + k * $1) FROM generate_series(0, ${n - 1}) AS k)`, [step, tag])
}

async function timedFold (db: pg.Pool): Promise<{ folded: number, ms: number }> {
  const t0 = performance.now()
  const folded = await foldDeltas(db)
  return { folded, ms: round(performance.now() - t0) }
}

await runInScratch('reconcile-fold', 2, async (s) => {
  await migrate(DATABASE_URL, s.schema)
  const out = (line: string): void => { process.stdout.write(`${line}\n`) }
  out(`fold bench: ${ENTRIES.toLocaleString('en')} entries of one list, schema ${s.schema}`)

  // Seconds for each million loaded, to see whether the load slows as the table grows.
  const perMillion: number[] = []
  let mark = performance.now()
  const t0 = mark
  await loadBenchList(s.db, ENTRIES, (loaded) => {
    if (loaded % MILLION !== 0 && loaded !== ENTRIES) return
    const now = performance.now()
    perMillion.push((now - mark) / 1000 / (loaded % MILLION === 0 ? 1 : (loaded % MILLION) / MILLION))
    mark = now
    out(`  loaded ${loaded.toLocaleString('en')}: ${round((now - t0) / 1000, 1)} s`)
  })
  const loadS = (performance.now() - t0) / 1000
  const millions = ENTRIES / MILLION
  const firstMillionS = round(perMillion[0] ?? 0, 1)
  const lastMillionS = round(perMillion[perMillion.length - 1] ?? 0, 1)
  out(`load: ${round(loadS, 1)} s, ${round(loadS / millions, 1)} s per million (first million ${firstMillionS} s, last ${lastMillionS} s)`)

  const first = await timedFold(s.db)
  out(`first fold of the whole load: ${first.folded.toLocaleString('en')} entries in ${round(first.ms / 1000, 1)} s, ` +
    `${round(first.ms / 1000 / millions, 1)} s per million`)
  await changeSpread(s.db, 100, 'bench: 100 changed')
  const d100 = await timedFold(s.db)
  out(`fold after 100 changes: ${d100.folded} entries folded in ${d100.ms} ms`)
  await changeSpread(s.db, 10_000, 'bench: 10,000 changed')
  const d10k = await timedFold(s.db)
  out(`fold after 10,000 changes: ${d10k.folded.toLocaleString('en')} entries folded in ${d10k.ms} ms`)

  const { rows } = await s.db.query<{ name: string, mb: number }>(`
    SELECT c.relname AS name, round(pg_total_relation_size(c.oid) / 1048576.0) AS mb FROM pg_class c
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relname IN ('entries', 'recon_elements', 'recon_buckets')`)
  const mb = Object.fromEntries(rows.map((r) => [r.name, Number(r.mb)]))
  const peakRssMB = round(process.resourceUsage().maxRSS / 1024)
  out(`sizes: entries ${mb.entries ?? 0} MB, recon_elements ${mb.recon_elements ?? 0} MB, recon_buckets ${mb.recon_buckets ?? 0} MB; ` +
    `bench process peak RSS ${peakRssMB} MB`)
  out(benchLine('fold', {
    entries: ENTRIES,
    loadSeconds: round(loadS, 1),
    loadSecondsPerMillion: round(loadS / millions, 1),
    firstMillionLoadSeconds: firstMillionS,
    lastMillionLoadSeconds: lastMillionS,
    firstFoldSeconds: round(first.ms / 1000, 1),
    firstFoldSecondsPerMillion: round(first.ms / 1000 / millions, 1),
    fold100Entries: d100.folded,
    fold100Ms: d100.ms,
    fold10kEntries: d10k.folded,
    fold10kMs: d10k.ms,
    entriesMB: mb.entries ?? 0,
    reconElementsMB: mb.recon_elements ?? 0,
    peakRssMB
  }))
})
