import t from 'tap'
import { startHarness } from '../helpers/harness.js'
import { accept, courtEntry, notice, read, send } from '../helpers/coordination-items.js'
import { sampleDay, sampleEntry } from '../../sim/sample-entries.js'

// The courts' 失信被执行人 list end to end (issue 13 item 9, 法发〔2020〕25号 (20)).

t.test('法发〔2020〕25号 (20): a 失信被执行人 who performed leaves the list as fulfilled, even where the court ruled out repair', async (t) => {
  const h = await startHarness(t)
  const listed = courtEntry('SH', '310000', 1)
  const entry = { ...listed, decision: { ...listed.decision, authority: '上海市第一中级人民法院', documentType: 'court-decision' as const, documentName: '决定书' } }
  await accept(h, 'SH', 'list.upsert', [entry])
  await accept(h, 'SH', 'punishment.notice', [notice(entry, 'C1', { measures: ['restrict-high-consumption'] })])
  const repair = await send(h, 'SH', 'list.remove', [{ entryId: entry.entryId, owner: 'SH', version: 2, reason: 'repair', basis: '信用修复申请', effectiveOn: sampleDay() }])
  t.equal(repair.body.code, 'NOT_REPAIRABLE', 'the entry itself says not repairable: 信用修复 is still refused')
  const done = await send(h, 'SH', 'list.remove', [{ entryId: entry.entryId, owner: 'SH', version: 2, reason: 'fulfilled', basis: '被执行人已履行生效法律文书确定的义务', effectiveOn: '2026-11-22' }])
  t.equal(done.status, 202, 'fulfilment is not repair: the court deletes the entry')
  const c = (await read(h, '/v1/cases/SH/C1')).body
  t.equal(c.status, 'withdrawn', 'its case ends with the entry')
  t.equal(c.removedBy, 'fulfilled')
  const e = await h.db.query("SELECT status, removal->>'reason' AS reason FROM entries WHERE entry_id = $1", [entry.entryId])
  t.same(e.rows, [{ status: 'removed', reason: 'fulfilled' }])
})

t.test('法发〔2020〕25号 (20): the court deletes an entry on its other grounds (court-deleted); a repairable court entry may be repaired', async (t) => {
  const h = await startHarness(t)
  const deleted = { ...courtEntry('SH', '310000', 2), repairable: true }
  const repaired = { ...courtEntry('SH', '310000', 3), repairable: true }
  await accept(h, 'SH', 'list.upsert', [deleted, repaired])
  await accept(h, 'SH', 'list.remove', [
    { entryId: deleted.entryId, owner: 'SH', version: 2, reason: 'court-deleted', basis: '人民法院依法裁定终结执行', effectiveOn: '2026-11-22' },
    { entryId: repaired.entryId, owner: 'SH', version: 2, reason: 'repair', basis: '信用修复', effectiveOn: sampleDay() }
  ])
  const e = await h.db.query("SELECT entry_id, removal->>'reason' AS reason FROM entries ORDER BY entry_id")
  t.same(e.rows, [{ entry_id: deleted.entryId, reason: 'court-deleted' }, { entry_id: repaired.entryId, reason: 'repair' }])
})

t.test('法发〔2020〕25号 (20): fulfilled and court-deleted are the court lists\' exits only; another list\'s entry removed so is refused, nothing stored', async (t) => {
  const h = await startHarness(t)
  const entry = sampleEntry('SH', '310000', 4)
  await accept(h, 'SH', 'list.upsert', [entry])
  for (const reason of ['fulfilled', 'court-deleted'] as const) {
    const res = await send(h, 'SH', 'list.remove', [{ entryId: entry.entryId, owner: 'SH', version: 2, reason, basis: '已履行', effectiveOn: '2026-11-22' }])
    t.equal(res.status, 422, `${reason} refused for a ${entry.listCode} entry`)
    t.equal(res.body.code, 'SCHEMA_INVALID')
    t.match(JSON.stringify(res.body), /法发〔2020〕25号 \(20\)/, 'the refusal names the rule')
  }
  const e = await h.db.query('SELECT status, version FROM entries WHERE entry_id = $1', [entry.entryId])
  t.same(e.rows, [{ status: 'active', version: 1 }], 'the entry is untouched')
})
