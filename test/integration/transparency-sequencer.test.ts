import t from 'tap'
import pg from 'pg'
import { startHarness, DATABASE_URL, type Harness } from '../helpers/harness.js'
import { sampleDay, sampleEntry } from '../../sim/sample-entries.js'
import { Sequencer } from '../../src/transparency/sequencer.js'
import { leafBytes, leafOfHistory, type HistoryRow } from '../../src/transparency/change-leaf.js'
import { MemoryTree } from '../../sim/memory-tree.js'

async function publish (h: Harness, iss: string, kind: 'list.upsert' | 'list.remove', items: unknown[]): Promise<number> {
  const { jws } = await h.sign(iss, { kind, items })
  return (await h.post(jws)).status
}

const removal = (owner: string, entryId: string, version: number): Record<string, unknown> =>
  ({ entryId, owner, version, reason: 'repair', basis: '信用修复决定书', effectiveOn: sampleDay() })

/** Each log's root as an in-memory tree over the history rows in leaf order gives it. */
async function expectedRoots (h: Harness): Promise<Map<string, { size: number, root: string }>> {
  const { rows } = await h.db.query<HistoryRow & { log: string }>(
    `SELECT g.owner || '/' || g.list_code AS log, h.owner, g.list_code, h.entry_id, h.version, h.action, h.status, h.jti, h.data, h.recorded_at, h.salt
     FROM transparency_leaves l JOIN transparency_logs g ON g.id = l.log_id JOIN entry_history h ON h.id = l.history_id
     ORDER BY g.owner, g.list_code, l.idx`)
  const trees = new Map<string, MemoryTree>()
  for (const r of rows) {
    const tree = trees.get(r.log) ?? new MemoryTree()
    tree.append(leafBytes(leafOfHistory(r)))
    trees.set(r.log, tree)
  }
  return new Map([...trees].map(([log, tree]) => [log, { size: tree.size, root: Buffer.from(tree.root()).toString('hex') }]))
}

async function storedRoots (h: Harness): Promise<Map<string, { size: number, root: string }>> {
  const { rows } = await h.db.query<{ log: string, size: string, root_hash: Buffer }>(
    "SELECT owner || '/' || list_code AS log, size, root_hash FROM transparency_logs ORDER BY owner, list_code")
  return new Map(rows.map((r) => [r.log, { size: Number(r.size), root: r.root_hash.toString('hex') }]))
}

t.test('the sequencer appends every committed change once, in id order, to its list\'s log', async (t) => {
  const h = await startHarness(t)
  const black = Array.from({ length: 7 }, (_, i) => sampleEntry('SH', '310000', i))
  const red = Array.from({ length: 3 }, (_, i) => sampleEntry('SH', '310000', 100 + i, { listType: 'red' }))
  t.equal(await publish(h, 'SH', 'list.upsert', black), 202)
  t.equal(await publish(h, 'SH', 'list.upsert', red), 202)
  t.equal(await publish(h, 'JS', 'list.upsert', [sampleEntry('JS', '320000', 1)]), 202)
  t.equal(await publish(h, 'SH', 'list.remove', [removal('SH', black[2]?.entryId as string, 2)]), 202)
  t.equal(await publish(h, 'SH', 'list.upsert', [{ ...black[3], version: 2, facts: '更正后的事实。' }]), 202)
  // Refused (stale version): its history rows roll back, and so does their queueing.
  t.equal(await publish(h, 'SH', 'list.upsert', [black[4]]), 409)
  const queued = await h.db.query<{ rows: string }>('SELECT count(*) AS rows FROM entry_history WHERE jti IN (SELECT jti FROM transparency_pending)')
  t.equal(await h.count('transparency_pending'), 5, 'the trigger queued exactly the committed envelopes')
  t.equal(queued.rows[0]?.rows, '13', 'and through them every committed history row')

  // Two gateways' sequencers at once, on their own connections, in small batches.
  const other = new pg.Pool({ connectionString: DATABASE_URL, options: `-c search_path=${h.runtime.dbSchema}`, max: 2 })
  t.teardown(async () => { await other.end() })
  const [a, b] = await Promise.all([new Sequencer(h.db, 3).drain(), new Sequencer(other, 3).drain()])
  const rest = await new Sequencer(h.db, 3).drain()
  t.equal(a + b + rest, 13, 'every change appended exactly once between them')
  t.equal(await h.count('transparency_pending'), 0)
  t.equal(await h.count('transparency_leaves'), 13)
  t.equal(await new Sequencer(h.db).drain(), 0, 'running again appends nothing (idempotent)')

  const stored = await storedRoots(h)
  t.same([...stored.keys()], ['JS/food-drug-serious-violation', 'SH/food-drug-serious-violation', 'SH/red-list'])
  t.equal(stored.get('SH/food-drug-serious-violation')?.size, 9, '7 listings, a removal, a correction')
  t.same(stored, await expectedRoots(h), 'stored roots equal a tree rebuilt from the history rows')

  const { rows: order } = await h.db.query<{ history_id: string, action: string }>(
    `SELECT l.history_id, h.action FROM transparency_leaves l JOIN transparency_logs g ON g.id = l.log_id
     JOIN entry_history h ON h.id = l.history_id WHERE g.list_code = 'food-drug-serious-violation' AND g.owner = 'SH' ORDER BY l.idx`)
  const ids = order.map((r) => Number(r.history_id))
  t.same(ids, [...ids].sort((x, y) => x - y), 'leaves follow history ids')
  t.equal(order[7]?.action, 'remove', 'the removal is logged in the list of the entry it removes')

  // Growth after the first batches: the stored frontier extends the same tree.
  t.equal(await publish(h, 'SH', 'list.upsert', Array.from({ length: 20 }, (_, i) => sampleEntry('SH', '310000', 200 + i))), 202)
  t.equal(await new Sequencer(h.db, 6).drain(), 20)
  t.same(await storedRoots(h), await expectedRoots(h), 'incremental appends keep the roots a full rebuild gives')
  t.equal((await storedRoots(h)).get('SH/food-drug-serious-violation')?.size, 29)
  const inner = await h.db.query<{ n: string }>('SELECT count(*) AS n FROM transparency_nodes')
  t.ok(Number(inner.rows[0]?.n) < 33, 'fewer interior nodes than leaves are stored')

  // Another gateway's sequencer mid-transaction: a scheduled run leaves it the work, an on-demand one waits its turn.
  t.equal(await publish(h, 'SH', 'list.upsert', [sampleEntry('SH', '310000', 300)]), 202)
  const holder = await other.connect()
  await holder.query('BEGIN')
  await holder.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':transparency-sequencer'))")
  t.equal(await new Sequencer(h.db).drain(), 0, 'a scheduled run skips while another sequencer is at it')
  let waited: number | undefined
  const onDemand = new Sequencer(h.db).drain(true).then((n) => { waited = n })
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.equal(waited, undefined, 'an on-demand run waits')
  await holder.query('COMMIT')
  holder.release()
  await onDemand
  t.equal(waited, 1, 'and then sequences what is pending')
})
