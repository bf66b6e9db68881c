import t from 'tap'
import type { MessageStatusV1 } from '../../contracts/message-status-v1.js'
import { SIM_REFUSAL } from '../../sim/platform-simulator.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { killHard, startChildWorker } from '../helpers/child-worker.js'
import { coalescedPushes, publishUpsert } from '../helpers/coalesce-setup.js'

// Partial acceptance through yrd-push: a signed per-item receipt refusing one item of each message,
// in coalesced pushes (the lead and its companions are recorded alike), then a resend that carries
// the refused item alone and is applied, though the platform already holds the message's jti.
t.test('yrd-push: per-item refusals in signed receipts, under coalescing, and a resend of the refused items alone', async (t) => {
  const { h, sim } = await startDeliverySetup(t, { workers: false, policy: { timeoutMs: 30_000 } })
  const js = sim('JS')
  js.failure = 'refuse-first-item'
  const jtis: string[] = []
  for (let i = 0; i < 6; i++) {
    jtis.push(await publishUpsert(h, 'SH', [sampleEntry('SH', '310000', 2 * i + 1), sampleEntry('SH', '310000', 2 * i + 2)]))
  }
  const worker = await startChildWorker(h)
  t.teardown(async () => { await killHard(worker) })
  t.ok(await waitFor(async () => {
    const counts = await statusCounts(h)
    return counts.partial === 6 && counts.delivered === 12
  }, 60_000), 'JS: six partial deliveries; ZJ and AH: twelve delivered')
  t.ok(coalescedPushes(js) > 0, 'JS got several messages in one push (companions recorded per item too)')

  interface Refusal { jti: string, item_index: number, entry_id: string, code: string, reason: string }
  const { rows } = await h.db.query<Refusal>(
    `SELECT d.jti, r.item_index, r.entry_id, r.code, r.reason FROM delivery_item_refusals r
     JOIN deliveries d ON d.id = r.delivery_id WHERE r.resolved_at IS NULL ORDER BY d.id`)
  t.equal(rows.length, 6, 'one open refusal per message')
  t.ok(rows.every((r) => r.item_index === 0 && r.code === SIM_REFUSAL.code && r.reason === SIM_REFUSAL.reason),
    'the first item of each, with the platform\'s code and reason')
  const held = (await h.db.query<{ entry_id: string }>(
    "SELECT entry_id FROM replica_versions WHERE destination = 'JS' ORDER BY entry_id")).rows.map((r) => r.entry_id)
  t.same(held.sort(), [2, 4, 6, 8, 10, 12].map((n) => `SH-black-${n}`).sort(), 'only the applied items are recorded as held')
  const receipts = (await h.db.query<{ signature: string }>(
    "SELECT receipt->>'signature' AS signature FROM deliveries WHERE destination = 'JS'")).rows
  t.ok(receipts.every((r) => r.signature === 'verified'), 'every receipt signed and verified')

  const admin = await h.adminToken('admin')
  const status = await h.app.inject({ method: 'GET', url: `/v1/messages/${jtis[0] as string}?issuer=SH`, headers: { authorization: `Bearer ${admin}` } })
  const js0 = (status.json() as MessageStatusV1).destinations.find((d) => d.platform === 'JS')
  t.equal(js0?.status, 'partial', 'the message status says partial')
  t.equal(js0?.refusedItems.length, 1, 'and names the refused item')

  js.failure = 'none'
  const receivedBefore = js.received.length
  const id = (await h.db.query<{ id: string }>(
    "SELECT id FROM deliveries WHERE destination = 'JS' AND jti = $1", [jtis[0]])).rows[0]?.id
  const res = await h.app.inject({ method: 'POST', url: `/v1/deliveries/${id ?? ''}/resend`, headers: { authorization: `Bearer ${admin}` } })
  t.equal(res.statusCode, 202, 'resend accepted')
  t.ok(await waitFor(async () => (await statusCounts(h, "destination = 'JS'")).delivered === 1, 30_000), 'the resent delivery is delivered')
  t.equal(js.received.length, receivedBefore + 1, 'one message sent on resend')
  const applied = js.applied.filter((a) => a.jti === jtis[0])
  t.same(applied.map((a) => a.entryKey), ['SH:SH-black-2', 'SH:SH-black-1'], 'the resend applied the refused item alone')
  const open = await h.db.query('SELECT 1 FROM delivery_item_refusals WHERE resolved_at IS NULL AND delivery_id = $1', [id])
  t.equal(open.rowCount, 0, 'its refusal is resolved')
})
