import t from 'tap'
import type { Delivery } from '../../adapters/types.js'
import type { Registries } from '../../config/registry-schema.js'
import { loadRegistries } from '../../config/load-registries.js'
import { defaultConfigDir } from '../../config/load-config.js'
import { applyShareScope, mayIdentify, withheldFields } from '../../src/delivery/share-scope.js'
import { sampleEntry } from '../../sim/sample-entries.js'

const national = loadRegistries(defaultConfigDir())
const delivery = (items: unknown[], kind: Delivery['kind'] = 'list.upsert'): Delivery => ({
  deliveryId: '1', jti: 'j', kind, origin: 'SH', originDigest: 'd', destination: 'AH', items, receivedAt: '2026-11-23T00:00:00Z', resends: 0
})

t.test('with the national catalogue, a platform authorised for both scopes gets every field', async (t) => {
  t.same(withheldFields(national, ['all-platforms', 'authorised-departments']), [])
  const item = sampleEntry('SH', '310000', 1)
  const out = applyShareScope(delivery([item]), national)
  t.same(out.delivery.items, [item])
  t.same(out.withheld, [])
})

t.test('a platform authorised only for all-platforms data loses identity numbers; a person entry is withheld whole', async (t) => {
  t.same(withheldFields(national, ['all-platforms']).sort(), ['subject.idNumber', 'subject.responsiblePersons.idNumber'])
  const org = sampleEntry('SH', '310000', 1)
  const person = sampleEntry('SH', '310000', 2, { person: true })
  const out = applyShareScope(delivery([org, person]), national, ['all-platforms'])
  t.same(out.withheld, [person.entryId], 'no identifier left: withheld')
  t.equal(out.delivery.items.length, 1)
  const sent = out.delivery.items[0] as typeof org
  t.equal(sent.subject.creditCode, org.subject.creditCode)
  t.equal(sent.subject.responsiblePersons?.[0]?.name, '李某', 'the rest of the responsible person stays')
  t.equal(sent.subject.responsiblePersons?.[0]?.idNumber, undefined, 'their identity number does not leave')
  t.ok(org.subject.responsiblePersons?.[0]?.idNumber, 'the original item is untouched')
})

t.test('owner-only catalogue items never leave, whatever the platform is authorised for', async (t) => {
  const withOwnerOnly: Registries = {
    ...national,
    catalogue: national.catalogue.map((c) => c.field === 'facts' || c.field === 'measures.description' ? { ...c, share: 'owner-only' } : c)
  }
  const item = sampleEntry('SH', '310000', 1)
  const out = applyShareScope(delivery([item]), withOwnerOnly, ['all-platforms', 'authorised-departments'])
  const sent = out.delivery.items[0] as Record<string, unknown> & { measures: Array<Record<string, unknown>> }
  t.notOk('facts' in sent)
  t.notOk(sent.measures.some((m) => 'description' in m), 'arrays are transparent in field paths')
  t.equal(sent.measures.length, 2)
  t.same(applyShareScope(delivery([{ entryId: 'x' }], 'list.remove'), withOwnerOnly, []).delivery.items, [{ entryId: 'x' }], 'only list entries carry catalogue fields')
})

t.test('notices carry their entry\'s subject and get the same share scope; other kinds carry none', async (t) => {
  const org = sampleEntry('SH', '310000', 1)
  const person = sampleEntry('SH', '310000', 2, { person: true })
  const notice = (entry: typeof org, caseId: string): Record<string, unknown> => ({
    caseId, mode: 'punishment', entryId: entry.entryId, owner: 'SH', initiatingDepartment: { name: '市场监督管理局' }, subject: entry.subject, measures: ['strict-supervision'], respondBy: '2026-12-01', feedbackBy: '2026-12-15'
  })
  const out = applyShareScope(delivery([notice(org, 'C1'), notice(person, 'C2')], 'punishment.notice'), national, ['all-platforms'])
  t.same(out.withheld, ['C2'], 'a person\'s notice is withheld whole, named by its case')
  t.same(out.withheldFields, ['subject.responsiblePersons.idNumber'])
  const sent = out.delivery.items as Array<{ subject: typeof org.subject, measures: string[] }>
  t.equal(sent.length, 1)
  t.equal(sent[0]?.subject.responsiblePersons?.[0]?.idNumber, undefined)
  t.same(sent[0]?.measures, ['strict-supervision'], 'only subject fields: the notice keeps its measures')
  t.ok(mayIdentify(org.subject, national, ['all-platforms']))
  t.notOk(mayIdentify(person.subject, national, ['all-platforms']), 'a person cannot be told to a platform without identity numbers')
  t.ok(mayIdentify(person.subject, national))
  const full = applyShareScope(delivery([notice(person, 'C2')], 'punishment.notice'), national)
  t.same([full.withheld, full.withheldFields], [[], []], 'nothing kept back from a platform authorised for both')
})
