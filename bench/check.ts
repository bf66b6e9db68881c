/**
 * `npm run bench:check`: checks before deciding (`POST /v1/checks` over HTTP: authenticate, look the
 * subject up across the provinces, flag, match measures, write the query log and the check, sign
 * the receipt, commit) per second against a ledger holding 1,000,000 entries, with p50 and p99
 * latency, against a bare indexed lookup of the same subjects (`SELECT … FROM entries WHERE
 * subject_id = $1`, same pool size, same concurrency) in the same run. Reported, never asserted.
 *
 * The entries are bulk-loaded with INSERT … SELECT over generate_series (not through envelopes):
 * 500,000 enterprises with valid credit codes, each listed by two provinces, one entry in ten a
 * red-list entry (so some answers carry a 又红又黑 contradiction).
 *
 * Knobs: BENCH_ENTRIES (1,000,000), BENCH_CHECKS (4,000), BENCH_CONCURRENCY (4), DATABASE_URL, REDIS_URL.
 */
import { performance } from 'node:perf_hooks'
import type pg from 'pg'
import { Pool as HttpPool } from 'undici'
import { GatewaySettings, PlatformConfig, type GatewayConfig } from '../config/config-schema.js'
import { defaultConfigDir } from '../config/load-config.js'
import { loadRegistries } from '../config/load-registries.js'
import { validated } from '../config/read-config-file.js'
import { buildApp } from '../src/app.js'
import { mintToken } from '../src/auth/mint-token.js'
import { gatewayKeysFrom, generatePrivateJwk, publicPart } from '../src/keys/signing-keys.js'
import { platformSigner } from '../src/envelopes/sign-envelope.js'
import { migrate } from '../src/ledger/migrate.js'
import { sampleEntry, sampleUscc } from '../sim/sample-entries.js'
import { benchLine, percentile, positiveIntFromEnv, round, runConcurrently } from './bench-util.js'
import { DATABASE_URL, runInScratch, PROVINCES } from './bench-scratch.js'

const ENTRIES = positiveIntFromEnv('BENCH_ENTRIES', 1_000_000)
const CHECKS = positiveIntFromEnv('BENCH_CHECKS', 4000)
const CONCURRENCY = positiveIntFromEnv('BENCH_CONCURRENCY', 4)
const WARMUP = 200
/** The gateway's pool size (createPool's default): the baseline gets the same. */
const POOL_SIZE = 10
/** Entries per INSERT … SELECT statement. */
const LOAD_BATCH = 100_000

/** Entry i is about subject ⌊i/2⌋; its owner is province i mod 4, so each subject has two provinces' entries. */
const codeOf = (subject: number): string => sampleUscc(PROVINCES[(subject * 2) % 4]?.region ?? '310000', subject)

// One statement per batch: the template entry with its id, owner, list and subject replaced.
const LOAD = `INSERT INTO entries (owner, entry_id, version, status, list_type, list_code, domain, subject_type,
                     subject_id, data, content_hash, removal, last_iss, last_jti, created_at, updated_at)
SELECT x.owner, x.entry_id, 1, 'active', x.list_type, x.list_code, 'food-drug', 'enterprise', x.code,
       x.data, md5(x.data::text), NULL, x.owner, 'bench-load', now(), now()
FROM (
  SELECT o.owner, o.entry_id, o.list_type, o.list_code, o.code,
         $1::jsonb || jsonb_build_object(
           'entryId', o.entry_id, 'owner', o.owner, 'listType', o.list_type, 'listCode', o.list_code,
           'subject', jsonb_build_object('type', 'enterprise', 'name', '示例企业' || o.i, 'creditCode', o.code),
           'measures', CASE WHEN o.list_type = 'red' THEN '[{"code":"fast-track-approval","mandatory":false}]'::jsonb ELSE $1::jsonb -> 'measures' END) AS data
  FROM (
    SELECT i, (ARRAY['SH','JS','ZJ','AH'])[i % 4 + 1] AS owner, 'bench-' || i AS entry_id,
           CASE WHEN i % 10 = 9 THEN 'red' ELSE 'black' END AS list_type,
           CASE WHEN i % 10 = 9 THEN 'red-list' ELSE 'food-drug-serious-violation' END AS list_code,
           ($2::text[])[i / 2 - $3 / 2 + 1] AS code
    FROM generate_series($3::int, $4::int) AS i
  ) o
) x`

const LOOKUP = `SELECT owner, entry_id, version, list_type, list_code, domain, status, updated_at, data
  FROM entries WHERE subject_id = $1 AND status <> 'removed' ORDER BY owner, entry_id`

interface PhaseResult { seconds: number, latenciesMs: number[] }

async function phase (run: () => Promise<number[]>): Promise<PhaseResult> {
  const started = performance.now()
  const latenciesMs = await run()
  return { seconds: (performance.now() - started) / 1000, latenciesMs }
}

async function bulkLoad (db: pg.Pool): Promise<number> {
  const template = sampleEntry('SH', '310000', 0)
  const started = performance.now()
  for (let from = 0; from < ENTRIES; from += LOAD_BATCH) {
    const to = Math.min(ENTRIES, from + LOAD_BATCH) - 1
    const codes: string[] = []
    for (let s = from / 2; s <= Math.floor(to / 2); s++) codes.push(codeOf(s))
    await db.query(LOAD, [JSON.stringify(template), codes, from, to])
  }
  // Coverage: each province has sent something.
  for (const p of PROVINCES) {
    await db.query(`INSERT INTO envelopes (jti, iss, kind, digest, jws, item_count, receipt, received_at)
      VALUES ($1, $2, 'list.upsert', 'x', 'x', 1, 'x', now())`, [`bench-load-${p.id}`, p.id])
  }
  await db.query('VACUUM ANALYZE entries')
  return (performance.now() - started) / 1000
}

async function main (): Promise<void> {
  await runInScratch('check', POOL_SIZE, async ({ schema, db, runtime, onCleanup }) => {
    const platforms = await Promise.all(PROVINCES.map(async (p) => {
      const privateJwk = await generatePrivateJwk(p.alg, `${p.id.toLowerCase()}-bench-k1`)
      return { ...p, privateJwk, signer: await platformSigner(p.id, privateJwk) }
    }))
    const config: GatewayConfig = {
      dir: '(bench)',
      registries: loadRegistries(defaultConfigDir()),
      settings: validated(GatewaySettings, {}, '(bench config)'),
      platforms: platforms.map((p) => validated(PlatformConfig, {
        id: p.id, name: `${p.id} platform`, regionCode: p.region, adapter: 'yrd-push', endpoint: `http://127.0.0.1:9/${p.id}`, jwks: { keys: [publicPart(p.privateJwk)] }, enabled: true
      }, '(bench config)')),
      admins: []
    }
    await migrate(DATABASE_URL, schema)
    process.stdout.write(`check bench: loading ${ENTRIES} entries (INSERT … SELECT generate_series), schema ${schema}…\n`)
    const loadSeconds = await bulkLoad(db)
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM entries')
    if (Number(rows[0]?.n) !== ENTRIES) throw new Error(`loaded ${rows[0]?.n ?? 0} entries, expected ${ENTRIES}`)

    const gatewayKeys = await gatewayKeysFrom([await generatePrivateJwk('ES256', 'gw-bench-k1')])
    const app = await buildApp({ config, runtime, gatewayKeys, logger: false, workers: false })
    onCleanup(async () => { await app.close() })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const address = app.server.address()
    if (address === null || typeof address !== 'object') throw new Error('the gateway is not listening on a TCP port')
    const http = new HttpPool(`http://127.0.0.1:${address.port}`, { connections: CONCURRENCY })
    onCleanup(async () => { await http.close() })
    const ah = platforms.find((p) => p.id === 'AH')
    if (ah === undefined) throw new Error('no AH')
    const token = await mintToken({ kid: ah.signer.kid, alg: ah.signer.alg, key: ah.signer.key }, 'AH', { lifetimeSeconds: 900 })

    // The same subjects for both paths, spread over the whole table.
    const subjects = ENTRIES / 2
    const pick = (n: number, salt: number): string[] => Array.from(
      { length: n }, (_, k) => codeOf(((k + salt) * 7919 * 104729) % subjects)
    )
    const warm = pick(WARMUP, 1)
    const sample = pick(CHECKS, 100_003)

    let entriesAnswered = 0
    const checkAll = async (
      codes: string[]
    ): Promise<PhaseResult> => await phase(async () => await runConcurrently(codes, CONCURRENCY, async (code) => {
      const res = await http.request({
        method: 'POST',
        path: '/v1/checks',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ subject: code, purpose: 'bench: tender review', decisionType: 'public-procurement' })
      })
      const text = await res.body.text()
      if (res.statusCode !== 200) throw new Error(`gateway answered ${res.statusCode}: ${text.slice(0, 500)}`)
      entriesAnswered += (JSON.parse(text) as { entries: unknown[] }).entries.length
    }))
    let rowsFound = 0
    const lookupAll = async (
      codes: string[]
    ): Promise<PhaseResult> => await phase(async () => await runConcurrently(codes, CONCURRENCY, async (code) => {
      const r = await db.query(LOOKUP, [code])
      rowsFound += r.rows.length
    }))

    await checkAll(warm)
    await lookupAll(warm)
    await db.query('CHECKPOINT').catch(() => undefined)
    entriesAnswered = 0
    rowsFound = 0
    const gw = await checkAll(sample)
    const base = await lookupAll(sample)
    if (entriesAnswered !== rowsFound || entriesAnswered !== 2 * CHECKS) throw new Error(`answers differ: checks found ${entriesAnswered} entries, lookups ${rowsFound}, expected ${2 * CHECKS}`)
    const stored = await db.query<{ n: string }>('SELECT count(*) AS n FROM checks')
    if (Number(stored.rows[0]?.n) !== WARMUP + CHECKS) throw new Error(`stored ${stored.rows[0]?.n ?? 0} checks`)

    const checksPerSec = CHECKS / gw.seconds
    const lookupsPerSec = CHECKS / base.seconds
    const ratio = checksPerSec / lookupsPerSec
    const ms = (x: number): string => `${round(x, 2)} ms`
    process.stdout.write([
      `loaded ${ENTRIES} entries (${subjects} subjects × 2 provinces) in ${round(loadSeconds, 1)} s (not timed)`,
      `gateway  (HTTP POST /v1/checks → auth, lookup, flags, measures, query log, signed receipt, stored check, commit), concurrency ${CONCURRENCY}:`,
      `         ${CHECKS} checks in ${round(gw.seconds, 3)} s: ${round(checksPerSec)} checks/s, latency p50 ${ms(percentile(gw.latenciesMs, 50))}, p99 ${ms(percentile(gw.latenciesMs, 99))}`,
      `baseline (bare indexed SELECT by subject_id, pg.Pool max ${POOL_SIZE}), same subjects and concurrency:`,
      `         ${CHECKS} lookups in ${round(base.seconds, 3)} s: ${round(lookupsPerSec)} lookups/s, latency p50 ${ms(percentile(base.latenciesMs, 50))}, p99 ${ms(percentile(base.latenciesMs, 99))}`,
      `both found ${rowsFound} entries; ratio ${round(ratio, 3)}`,
      benchLine('check', {
        entries: ENTRIES,
        checks: CHECKS,
        concurrency: CONCURRENCY,
        checksPerSec: round(checksPerSec),
        p50Ms: round(percentile(gw.latenciesMs, 50), 2),
        p99Ms: round(percentile(gw.latenciesMs, 99), 2),
        baselineLookupsPerSec: round(lookupsPerSec),
        baselineP50Ms: round(percentile(base.latenciesMs, 50), 2),
        baselineP99Ms: round(percentile(base.latenciesMs, 99), 2),
        ratio: round(ratio, 3)
      })
    ].join('\n') + '\n')
  })
}

await main()
