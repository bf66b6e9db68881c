import t from 'tap'
import fc from 'fast-check'
import { startHarness } from '../helpers/harness.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { Sequencer } from '../../src/transparency/sequencer.js'
import { leafBytes, leafOfHistory, type HistoryRow } from '../../src/transparency/change-leaf.js'
import { MemoryTree } from '../../sim/memory-tree.js'
import { consistencyProof, inclusionProof } from '../../src/transparency/proof-service.js'

// "Proofs served from the stored leaves and subtree hashes are exactly the proofs of the whole
// tree, whatever the envelope sizes and sequencer batches that built it."

const LIST = 'food-drug-serious-violation'
const INSERT_HISTORY = `INSERT INTO entry_history (owner, entry_id, version, action, status, iss, jti, item_index, data, recorded_at)
  SELECT 'SH', 'E-' || g, 1, 'upsert', 'active', 'SH', $1, g - $2, jsonb_set($4::jsonb, '{entryId}', to_jsonb('E-' || g)), now()
  FROM generate_series($2::int, $3::int) AS g`

t.test('stored proofs equal in-memory proofs for random growth', async (t) => {
  const h = await startHarness(t)
  const item = JSON.stringify(sampleEntry('SH', '310000', 1))
  const rng = fc.sample(
    fc.tuple(fc.integer({ min: 1, max: 23 }), fc.integer({ min: 1, max: 40 })), { numRuns: 40, seed: 6962 }
  )
  let next = 0
  // Envelopes of random sizes written the way the ledger writes them, sequenced in random batch sizes as they come.
  for (const [envelopeSize, batchSize] of rng) {
    const jti = `p-${next}`
    const client = await h.db.connect()
    await client.query('BEGIN')
    await client.query("INSERT INTO envelopes (jti, iss, kind, digest, jws, item_count, receipt, received_at) VALUES ($1, 'SH', 'list.upsert', '-', '-', $2, '-', now())", [jti, envelopeSize])
    await client.query(INSERT_HISTORY, [jti, next, next + envelopeSize - 1, item])
    await client.query('COMMIT')
    client.release()
    next += envelopeSize
    if (batchSize % 3 === 0) await new Sequencer(h.db, batchSize).drain()
  }
  await new Sequencer(h.db, 7).drain()

  const { rows } = await h.db.query<HistoryRow>(
    `SELECT h.owner, $1::text AS list_code, h.entry_id, h.version, h.action, h.status, h.jti, h.data, h.recorded_at, h.salt
     FROM transparency_leaves l JOIN entry_history h ON h.id = l.history_id ORDER BY l.idx`, [LIST])
  t.equal(rows.length, next, `${next} leaves`)
  const tree = new MemoryTree()
  for (const r of rows) tree.append(leafBytes(leafOfHistory(r)))
  const hex = (a: string[]): string[] => a.map((x) => Buffer.from(x, 'base64url').toString('hex'))
  const mem = (a: Uint8Array[]): string[] => a.map((x) => Buffer.from(x).toString('hex'))

  let checked = 0
  for (const [a, b] of fc.sample(fc.tuple(fc.nat(), fc.nat()), { numRuns: 60, seed: 9162 })) {
    const size = 1 + (a % next)
    const index = b % size
    const p = await inclusionProof(h.db, 'SH', LIST, `E-${index}`, 1, size, () => undefined)
    if (p.leafIndex !== index) t.fail(`E-${index} is leaf ${p.leafIndex}`)
    const first = 1 + (b % size)
    const c = await consistencyProof(h.db, 'SH', LIST, first, size)
    const same = JSON.stringify(hex(p.auditPath)) === JSON.stringify(mem(tree.inclusionProof(index, size))) &&
      JSON.stringify(hex(c.proof)) === JSON.stringify(first === size ? [] : mem(tree.consistencyProof(first, size)))
    if (!same) t.fail(`proofs differ at index ${index}, sizes ${first}..${size}`)
    else checked++
  }
  t.equal(checked, 60, 'every sampled inclusion and consistency proof matches')
  const { rows: [head] } = await h.db.query<{ root_hash: Buffer }>('SELECT root_hash FROM transparency_logs')
  t.equal(head?.root_hash.toString('hex'), Buffer.from(tree.root()).toString('hex'), 'the stored root is the tree\'s')
})
