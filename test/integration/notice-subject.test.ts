import t from 'tap'
import type { PunishmentNoticeItemV1 } from '../../contracts/punishment-notice-item-v1.js'
import { sampleEntry, sampleIdNumber } from '../../sim/sample-entries.js'
import { startHarness } from '../helpers/harness.js'
import { accept, notice, send } from '../helpers/coordination-items.js'

t.test('a notice\'s subject is the ledger entry\'s: a foreign identity number or person is refused and goes nowhere', async (t) => {
  const h = await startHarness(t)
  const org = sampleEntry('JS', '320000', 1)
  const person = sampleEntry('JS', '320000', 2, { person: true })
  await accept(h, 'JS', 'list.upsert', [org, person])
  const before = { cases: await h.count('cases'), envelopes: await h.count('envelopes'), deliveries: await h.count('deliveries') }
  const foreign = sampleIdNumber('310000', 77)
  const rp = org.subject.responsiblePersons?.[0]
  if (rp === undefined) throw new Error('the sample organisation has a responsible person')
  const cases: Array<[string, PunishmentNoticeItemV1, string]> = [
    ['another person\'s identity number on the responsible person', notice(org, 'C1', { subject: { ...org.subject, responsiblePersons: [{ ...rp, idNumber: foreign }] } }), '/subject/responsiblePersons/0'],
    ['a responsible person the entry does not have', notice(org, 'C2', { subject: { ...org.subject, responsiblePersons: [rp, { role: 'principal', name: '王某', idNumber: foreign }] } }), '/subject/responsiblePersons/1'],
    ['a responsible person attached to a person\'s case', notice(person, 'C3', { subject: { ...person.subject, responsiblePersons: [{ role: 'actual-controller', name: '王某', idNumber: foreign }] } }), '/subject/responsiblePersons/0'],
    ['another name for the person', notice(person, 'C4', { subject: { ...person.subject, name: '王某某' } }), '/subject/name'],
    ['another person altogether', notice(person, 'C5', { subject: { ...person.subject, idNumber: foreign } }), '/subject']
  ]
  for (const [name, item, path] of cases) {
    const r = await send(h, 'JS', 'punishment.notice', [item])
    t.same([r.status, r.body.code], [422, 'SUBJECT_MISMATCH'], `${name}: refused`)
    t.equal((r.body.errors as Array<{ path: string }> | undefined)?.[0]?.path, path, `${name}: the path named`)
    t.notOk(JSON.stringify(r.body).includes(foreign), `${name}: the answer does not repeat the number`)
  }
  t.same({ cases: await h.count('cases'), envelopes: await h.count('envelopes'), deliveries: await h.count('deliveries') }, before, 'nothing stored, nothing to deliver')
  const { rows } = await h.db.query<{ code: string, detail: string }>('SELECT code, detail FROM security_log ORDER BY id')
  t.same(rows.map((r) => r.code), cases.map(() => 'SUBJECT_MISMATCH'), 'one security-log line each')
  t.notOk(rows.some((r) => r.detail.includes(foreign)), 'the security log does not keep the number either')
})

t.test('a notice may leave out what the ledger holds (a platform without identity numbers sends what it has)', async (t) => {
  const h = await startHarness(t)
  // AH's own entry: only the owner initiates (国发〔2016〕33号 (十五)(十六), coordination-initiator.test.ts).
  const org = sampleEntry('AH', '340000', 1)
  await accept(h, 'AH', 'list.upsert', [org])
  const rp = org.subject.responsiblePersons?.[0]
  if (rp === undefined) throw new Error('the sample organisation has a responsible person')
  const { idNumber: _, ...withoutNumber } = rp
  const r = await send(h, 'AH', 'punishment.notice', [notice(org, 'A1', { subject: { ...org.subject, responsiblePersons: [withoutNumber] } })])
  t.equal(r.status, 202, 'the responsible person without the identity number is the entry\'s')
  const bare = await send(h, 'AH', 'punishment.notice', [notice(org, 'A2', { subject: { type: org.subject.type, name: org.subject.name, creditCode: org.subject.creditCode } })])
  t.equal(bare.status, 202, 'so is the subject without its responsible persons')
})
