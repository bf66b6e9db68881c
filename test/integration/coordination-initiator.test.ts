import t from 'tap'
import { sampleEntry, sampleUscc } from '../../sim/sample-entries.js'
import { startHarness } from '../helpers/harness.js'
import { accept, notice, read, send } from '../helpers/coordination-items.js'

t.test('国发〔2016〕33号 (十五)(十六): only the entry\'s owner or a platform of the deciding region initiates a joint punishment', async (t) => {
  const h = await startHarness(t)
  const js = sampleEntry('JS', '320000', 1)
  await accept(h, 'JS', 'list.upsert', [js])
  const before = { cases: await h.count('cases'), events: await h.count('case_events'), envelopes: await h.count('envelopes'), deliveries: await h.count('deliveries') }

  const foreign = await send(h, 'ZJ', 'punishment.notice', [notice(js, 'ZJ-C1')])
  t.same([foreign.status, foreign.body.code], [403, 'NOT_OWNER'], 'ZJ cannot open a case on JS\'s entry')
  t.equal((foreign.body.errors as Array<{ path: string }> | undefined)?.[0]?.path, '/owner', 'the item error names the owner')
  t.match((foreign.body.errors as Array<{ detail: string }> | undefined)?.[0]?.detail, /33号 \(十五\)\(十六\)/, 'and cites the paragraphs')
  t.same({ cases: await h.count('cases'), events: await h.count('case_events'), envelopes: await h.count('envelopes'), deliveries: await h.count('deliveries') }, before, 'nothing of the refused notice stored or sent')

  await accept(h, 'JS', 'punishment.notice', [notice(js, 'C1')])
  const own = (await read(h, '/v1/cases/JS/C1')).body
  t.same(own.platforms.map((p: { platform: string }) => p.platform).sort(), ['AH', 'SH', 'ZJ'], 'the owner initiates; it does not implement its own listing')
})

t.test('国发〔2016〕33号 (十六): a platform of the region whose department made the decision may initiate, and the owner does not implement its own listing', async (t) => {
  const h = await startHarness(t)
  const base = sampleEntry('JS', '320000', 2)
  // Published by JS, decided by a Zhejiang department (its credit code's division 330100).
  const decidedInZj = { ...base, decision: { ...base.decision, authorityCode: sampleUscc('330100', 5) } }
  await accept(h, 'JS', 'list.upsert', [decidedInZj])
  await accept(h, 'ZJ', 'punishment.notice', [notice(decidedInZj, 'ZJ-C2')])
  const c = (await read(h, '/v1/cases/ZJ/ZJ-C2')).body
  t.same(c.platforms.map((p: { platform: string }) => p.platform).sort(), ['AH', 'SH'], 'neither the initiator nor the owner implements')
  const sh = await send(h, 'SH', 'punishment.notice', [notice(decidedInZj, 'SH-C3')])
  t.same([sh.status, sh.body.code], [403, 'NOT_OWNER'], 'a third region is not entitled')
})
