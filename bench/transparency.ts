/**
 * `npm run bench:transparency`: the cost of the per-list transparency logs.
 * - ingest side: an envelope row and its 1,000 history rows per transaction (as an envelope
 *   writes them), with the envelope queued for the sequencer by a trigger and the history indexed
 *   by jti, against the same rows into copies of the tables without either;
 * - the sequencer: leaves appended per second (leaf encoding, hashing, storing leaves and subtree
 *   hashes, in batches of 2,000 per transaction), against building the same tree in memory;
 * - proofs: inclusion and consistency proofs read from the stored hashes, p50 and p99.
 * Reported, never asserted.
 *
 * Knobs: BENCH_CHANGES (100,000), BENCH_PROOFS (500), DATABASE_URL.
 */
import { performance } from 'node:perf_hooks'
import { migrate } from '../src/ledger/migrate.js'
import { sampleEntry } from '../sim/sample-entries.js'
import { leafBytes, leafOfHistory } from '../src/transparency/change-leaf.js'
import { MemoryTree } from '../sim/memory-tree.js'
import { Sequencer } from '../src/transparency/sequencer.js'
import { consistencyProof, inclusionProof } from '../src/transparency/proof-service.js'
import { signCheckpoint } from '../src/transparency/checkpoint-store.js'
import { gatewayKeysFrom, generatePrivateJwk } from '../src/keys/signing-keys.js'
import { benchLine, percentile, positiveIntFromEnv, round } from './bench-util.js'
import { DATABASE_URL, runInScratch } from './bench-scratch.js'

const CHANGES = positiveIntFromEnv('BENCH_CHANGES', 100_000)
const PROOFS = positiveIntFromEnv('BENCH_PROOFS', 500)
const STATEMENT = 1000
const LIST = 'food-drug-serious-violation'

const HISTORY_INSERT = (table: string): string => `INSERT INTO ${table} (owner, entry_id, version, action, status, iss, jti, item_index, data, recorded_at)
  SELECT 'SH', 'E-' || g, 1, 'upsert', 'active', 'SH', $1, g - $2, jsonb_set($4::jsonb, '{entryId}', to_jsonb('E-' || g)), now()
  FROM generate_series($2::int, $3::int) AS g`

await runInScratch('transparency', 4, async ({ schema, db }) => {
  await migrate(DATABASE_URL, schema)
  const item = JSON.stringify(sampleEntry('SH', '310000', 1))
  process.stdout.write(`${CHANGES} changes of one list, items of ${item.length} bytes\n`)

  const write = async (envelopes: string, history: string, round: number): Promise<number> => {
    const started = performance.now()
    for (let start = 0; start < CHANGES; start += STATEMENT) {
      const end = Math.min(CHANGES, start + STATEMENT) - 1
      const jti = `${history}-${round}-${start}`
      const client = await db.connect()
      try {
        await client.query('BEGIN')
        await client.query(`INSERT INTO ${envelopes} (jti, iss, kind, digest, jws, item_count, receipt, received_at) VALUES ($1, 'SH', 'list.upsert', '-', '-', $2, '-', now())`, [jti, end - start + 1])
        await client.query(HISTORY_INSERT(history), [jti, start, end, item])
        await client.query('COMMIT')
      } finally {
        client.release()
      }
    }
    return CHANGES / ((performance.now() - started) / 1000)
  }
  // Baseline tables: the same columns, keys and indexes, without the trigger and the jti index.
  await db.query(`CREATE TABLE plain_envelopes (LIKE envelopes INCLUDING ALL);
    CREATE TABLE plain_history (LIKE entry_history INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
    ALTER TABLE plain_history ADD PRIMARY KEY (id), ADD UNIQUE (owner, entry_id, version);
    CREATE TABLE queued_envelopes (LIKE envelopes INCLUDING ALL);
    CREATE TABLE queued_history (LIKE entry_history INCLUDING ALL);
    CREATE TRIGGER queued_envelopes_transparency AFTER INSERT ON queued_envelopes FOR EACH ROW EXECUTE FUNCTION transparency_enqueue()`)
  // Two rounds each, interleaved, the better one counted: the machine's other load moves both alike.
  // The first round into the ledger's own tables is the one sequenced below; the second goes to copies.
  const plainRate1 = await write('plain_envelopes', 'plain_history', 1)
  const queuedRate1 = await write('envelopes', 'entry_history', 1)
  await db.query('TRUNCATE plain_history, plain_envelopes')
  const { rows: [mark] } = await db.query<{ id: string | null }>('SELECT max(id) AS id FROM transparency_pending')
  const plainRate2 = await write('plain_envelopes', 'plain_history', 2)
  const queuedRate2 = await write('queued_envelopes', 'queued_history', 2)
  // The copies' envelopes are not to be sequenced: only the ledger's are.
  await db.query('DELETE FROM transparency_pending WHERE id > $1', [mark?.id ?? '0'])
  const plainRate = Math.max(plainRate1, plainRate2)
  const queuedRate = Math.max(queuedRate1, queuedRate2)
  process.stdout.write(`history rows written: ${round(queuedRate)}/s with the sequencer's trigger and index, ${round(plainRate)}/s without (ratio ${round(queuedRate / plainRate, 3)})\n`)

  const seqStarted = performance.now()
  const appended = await new Sequencer(db).drain()
  const seqSeconds = (performance.now() - seqStarted) / 1000
  if (appended !== CHANGES) throw new Error(`sequenced ${appended}, expected ${CHANGES}`)
  const seqRate = CHANGES / seqSeconds

  // Baseline: the same leaves encoded and hashed into a tree held in memory.
  const { rows } = await db.query('SELECT owner, $1::text AS list_code, entry_id, version, action, status, jti, data, recorded_at, salt FROM entry_history ORDER BY id', [LIST])
  const memStarted = performance.now()
  const tree = new MemoryTree()
  for (const r of rows) tree.append(leafBytes(leafOfHistory(r)))
  const memRate = CHANGES / ((performance.now() - memStarted) / 1000)
  const { rows: [head] } = await db.query<{ root_hash: Buffer }>('SELECT root_hash FROM transparency_logs WHERE owner = $1 AND list_code = $2', ['SH', LIST])
  if (head?.root_hash.equals(Buffer.from(tree.root())) !== true) throw new Error('stored root differs from the in-memory tree')
  process.stdout.write(`sequencer: ${round(seqRate)} leaves/s (${round(seqSeconds, 1)} s); in-memory tree of the same leaves: ${round(memRate)} leaves/s (ratio ${round(seqRate / memRate, 3)})\n`)

  await signCheckpoint(db, await gatewayKeysFrom([await generatePrivateJwk('ES256', 'bench')]), 'SH', LIST)
  const inclusion: number[] = []
  const consistency: number[] = []
  for (let i = 0; i < PROOFS; i++) {
    const n = 1 + Math.floor(Math.random() * CHANGES)
    let t0 = performance.now()
    await inclusionProof(db, 'SH', LIST, `E-${n - 1}`, 1, undefined, () => undefined)
    inclusion.push(performance.now() - t0)
    t0 = performance.now()
    await consistencyProof(db, 'SH', LIST, n, undefined)
    consistency.push(performance.now() - t0)
  }
  const ms = (x: number): number => round(x, 2)
  process.stdout.write(`inclusion proof: p50 ${ms(percentile(inclusion, 50))} ms, p99 ${ms(percentile(inclusion, 99))} ms; consistency proof: p50 ${ms(percentile(consistency, 50))} ms, p99 ${ms(percentile(consistency, 99))} ms (${PROOFS} each, tree of ${CHANGES})\n`)
  const { rows: [size] } = await db.query<{ bytes: string }>(
    "SELECT pg_total_relation_size('transparency_leaves') + pg_total_relation_size('transparency_nodes') + pg_total_relation_size('transparency_pending') AS bytes")
  const bytesPerLeaf = Number(size?.bytes) / CHANGES
  process.stdout.write(`storage: ${round(bytesPerLeaf)} bytes per leaf (leaves, subtree hashes and indexes)\n`)
  process.stdout.write(benchLine('transparency', {
    changes: CHANGES,
    history_rows_per_s: round(queuedRate),
    history_rows_per_s_baseline: round(plainRate),
    history_ratio: round(queuedRate / plainRate, 3),
    sequencer_leaves_per_s: round(seqRate),
    memory_tree_leaves_per_s: round(memRate),
    ratio: round(seqRate / memRate, 3),
    inclusion_p50_ms: ms(percentile(inclusion, 50)),
    inclusion_p99_ms: ms(percentile(inclusion, 99)),
    consistency_p50_ms: ms(percentile(consistency, 50)),
    consistency_p99_ms: ms(percentile(consistency, 99)),
    bytes_per_leaf: round(bytesPerLeaf)
  }) + '\n')
})
