import t from 'tap'
import type { Delivery } from '../../adapters/types.js'
import type { Registries } from '../../config/registry-schema.js'
import { loadRegistries } from '../../config/load-registries.js'
import { defaultConfigDir } from '../../config/load-config.js'
import { applyShareScope, withheldFields } from '../../src/delivery/share-scope.js'
import { sampleEntry } from '../../src/simulators/sample-entries.js'

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
