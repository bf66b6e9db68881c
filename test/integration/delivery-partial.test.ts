import t from 'tap'
import { resendDelivery } from '../../src/delivery/delivery-admin.js'
import { recordDelivered, recordFailed, startAttempt } from '../../src/delivery/delivery-store.js'
import { MessageItems } from '../../src/delivery/message-items.js'
import { sampleEntry, sampleIdNumber } from '../../sim/sample-entries.js'
import { startHarness } from '../helpers/harness.js'

const ID = sampleIdNumber('330000', 77)

t.test('recordDelivered with refused items: partial, per item in the message, resent alone, resolved', async (t) => {
  const h = await startHarness(t)
  const items = [1, 2, 3].map((n) => sampleEntry('ZJ', '330000', n))
  const { jws, jti } = await h.sign('ZJ', { kind: 'list.upsert', items })
  t.equal((await h.post(jws)).status, 202)
  const idOf = async (dest: string): Promise<string> => (await h.db.query<{ id: string }>(
    'SELECT id FROM deliveries WHERE jti = $1 AND destination = $2', [jti, dest])).rows[0]?.id ?? ''
  const row = async (id: string): Promise<Record<string, unknown>> => (await h.db.query(
    'SELECT status, last_error, last_error_code FROM deliveries WHERE id = $1', [id])).rows[0] as Record<string, unknown>
  const replica = async (dest: string): Promise<string[]> => (await h.db.query<{ entry_id: string }>(
    'SELECT entry_id FROM replica_versions WHERE destination = $1 ORDER BY entry_id', [dest])).rows.map((r) => r.entry_id)
  const cache = new MessageItems()
  const sh = await idOf('SH')

  const first = await startAttempt(h.db, cache, sh)
  if (first === undefined) throw new Error('no attempt')
  t.same([first.itemIndexes, first.refusalsOnly], [[0, 1, 2], false], 'a first attempt loads every item')
  // As if the worker had dropped the 2nd item (superseded) before the adapter: the adapter's
  // item 1 is the message's item 2.
  const sent = { ...first.delivery, items: [first.delivery.items[0], first.delivery.items[2]] }
  await recordDelivered(h.db, first, sent, { evidence: { ok: true }, refused: [{ index: 1, code: 'E203', reason: `证件号码${ID}与登记不符` }] })
  t.match(await row(sh), { status: 'partial', last_error_code: 'ADAPTER_PARTIAL', last_error: /refused 1 of 2 items: items\[2\] E203/ })
  t.notMatch(String((await row(sh)).last_error), ID, 'no identity number in the last error')
  const refusals = (await h.db.query('SELECT item_index, entry_owner, entry_id, code, reason, attempt_id::text, resolved_at FROM delivery_item_refusals WHERE delivery_id = $1', [sh])).rows
  t.match(refusals, [{ item_index: 2, entry_owner: 'ZJ', entry_id: 'ZJ-black-3', code: 'E203', attempt_id: first.attemptId, resolved_at: null }], 'kept by its index in the message')
  t.equal(refusals[0]?.reason, `证件号码${ID.slice(0, 4)}**********${ID.slice(14)}与登记不符`, 'the reason stored masked')
  t.same(await replica('SH'), ['ZJ-black-1'], 'replica versions for the applied item alone')
  t.equal(await startAttempt(h.db, cache, sh), undefined, 'a partial delivery is settled: a duplicate job does nothing')

  await resendDelivery(h.db, sh, 'admin-user')
  const second = await startAttempt(h.db, cache, sh)
  if (second === undefined) throw new Error('no attempt')
  t.same([second.itemIndexes, second.refusalsOnly], [[2], true], 'the resend loads the refused item alone')
  t.match(second.delivery.items, [{ entryId: 'ZJ-black-3' }])
  await recordFailed(h.db, second, 'every record refused', true, 'ADAPTER_REFUSED')
  t.match(await row(sh), { status: 'partial', last_error_code: 'ADAPTER_REFUSED' }, 'a final failure of the resend leaves it partial: its applied items stay delivered')

  await resendDelivery(h.db, sh, 'admin-user')
  const third = await startAttempt(h.db, cache, sh)
  if (third === undefined) throw new Error('no attempt')
  await recordDelivered(h.db, third, third.delivery, { evidence: { ok: true } })
  t.match(await row(sh), { status: 'delivered', last_error: null, last_error_code: null })
  t.same(await replica('SH'), ['ZJ-black-1', 'ZJ-black-3'])
  const after = (await h.db.query('SELECT resolved_at FROM delivery_item_refusals WHERE delivery_id = $1', [sh])).rows
  t.equal(after.length, 1)
  t.ok(after[0]?.resolved_at, 'the refusal resolved')

  // A resend of a dead delivery (no refusals) sends the whole message, as always.
  const js = await idOf('JS')
  const dying = await startAttempt(h.db, cache, js)
  if (dying === undefined) throw new Error('no attempt')
  await recordFailed(h.db, dying, 'refused', true, 'ADAPTER_REFUSED')
  t.match(await row(js), { status: 'dead' })
  await resendDelivery(h.db, js, 'admin-user')
  const again = await startAttempt(h.db, cache, js)
  t.same([again?.itemIndexes, again?.refusalsOnly, again?.delivery.items.length], [[0, 1, 2], false, 3])

  // A second partial answer on a resend keeps the still-refused items open and resolves the others.
  const ah = await idOf('AH')
  const a1 = await startAttempt(h.db, cache, ah)
  if (a1 === undefined) throw new Error('no attempt')
  await recordDelivered(h.db, a1, a1.delivery, { evidence: {}, refused: [{ index: 0, code: 'E201', reason: 'a' }, { index: 1, code: 'E201', reason: 'b' }] })
  await resendDelivery(h.db, ah, 'admin-user')
  const a2 = await startAttempt(h.db, cache, ah)
  if (a2 === undefined) throw new Error('no attempt')
  t.same(a2.itemIndexes, [0, 1])
  await recordDelivered(h.db, a2, a2.delivery, { evidence: {}, refused: [{ index: 1, code: 'E209', reason: 'still' }] })
  const open = (await h.db.query('SELECT item_index, code, attempt_id::text FROM delivery_item_refusals WHERE delivery_id = $1 AND resolved_at IS NULL', [ah])).rows
  t.same(open, [{ item_index: 1, code: 'E209', attempt_id: a2.attemptId }], 'the one refused again, with the new answer')
  t.match(await row(ah), { status: 'partial' })
  t.same(await replica('AH'), ['ZJ-black-1', 'ZJ-black-3'])
})
