import t from 'tap'
import type pg from 'pg'
import { messageItems } from '../../src/delivery/delivery-store.js'
import { MessageItems } from '../../src/delivery/message-items.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startHarness } from '../helpers/harness.js'

/** A real pool that counts the statements sent through it. */
function counting (pool: pg.Pool): { db: pg.Pool, reads: () => number } {
  let n = 0
  const db = { query: async (...args: Parameters<pg.Pool['query']>) => { n++; return await pool.query(...args) } }
  return { db: db as unknown as pg.Pool, reads: () => n }
}

t.test('an accepted envelope\'s items are kept as the ledger would give them: its deliveries read nothing back', async (t) => {
  const h = await startHarness(t)
  const items = [1, 2, 3].map((n) => sampleEntry('ZJ', '330000', n))
  const { jws, jti } = await h.sign('ZJ', { kind: 'list.upsert', items })
  t.equal((await h.post(jws)).status, 202)
  const { db, reads } = counting(h.db)
  const kept = await h.app.messageItems.of(db, 'ZJ', jti)
  t.equal(reads(), 0, 'kept at ingest: no read of the envelope')
  t.same(kept, await messageItems(h.db, 'ZJ', jti), 'what is kept is what the ledger\'s envelope decodes to')
  t.same(kept, items)
})

t.test('concurrent reads of one message share one read; a failed read is not kept', async (t) => {
  const h = await startHarness(t)
  const { jws, jti } = await h.sign('ZJ', { kind: 'list.upsert', items: [sampleEntry('ZJ', '330000', 9)] })
  t.equal((await h.post(jws)).status, 202)
  const cache = new MessageItems()
  const { db, reads } = counting(h.db)
  const all = await Promise.all([1, 2, 3].map(async () => await cache.of(db, 'ZJ', jti)))
  t.equal(reads(), 1, 'three destinations, one read')
  t.equal(all[0], all[2], 'one array for all')

  let fail = true
  const flaky = { query: async (...args: Parameters<pg.Pool['query']>) => { if (fail) throw new Error('connection lost'); return await h.db.query(...args) } }
  const other = new MessageItems()
  await t.rejects(other.of(flaky as unknown as pg.Pool, 'ZJ', jti), /connection lost/)
  fail = false
  t.same(await other.of(flaky as unknown as pg.Pool, 'ZJ', jti), all[0], 'read again after a failure')

  cache.forget('ZJ', jti)
  await cache.of(db, 'ZJ', jti)
  t.equal(reads(), 2, 'a forgotten message is read again')
})
