import t from 'tap'
import type { Delivery } from '../../adapters/types.js'
import { loadRegistries } from '../../config/load-registries.js'
import { defaultConfigDir } from '../../config/load-config.js'
import { indexesAfterFilter, inMessage, refusalSummary } from '../../src/delivery/item-refusals.js'
import { applyShareScope } from '../../src/delivery/share-scope.js'
import { sampleEntry, sampleIdNumber } from '../../sim/sample-entries.js'

const national = loadRegistries(defaultConfigDir())
const delivery = (items: unknown[]): Delivery => ({
  deliveryId: '1', jti: 'j', kind: 'list.upsert', origin: 'SH', originDigest: 'd', destination: 'AH', items, receivedAt: '2026-11-23T00:00:00Z', resends: 0
})

t.test('a refusal names the item of the message, through superseded and withheld items', async (t) => {
  const items = [1, 2, 3, 4, 5].map((n) => sampleEntry('SH', '310000', n, { person: n === 3 }))
  // The attempt loaded the message's items 0, 1, 2 and 4 (say, a resend of those refusals).
  const loaded = [items[0], items[1], items[2], items[4]]
  const loadedIndexes = [0, 1, 2, 4]
  // dropSuperseded dropped item 1 (the same objects otherwise).
  const current = [loaded[0], loaded[2], loaded[3]]
  const inCurrent = indexesAfterFilter(loaded, loadedIndexes, current)
  t.same(inCurrent, [0, 2, 4])
  t.same(indexesAfterFilter(loaded, loadedIndexes, loaded), loadedIndexes, 'nothing filtered')
  // The share scope withholds the person's entry (message item 2) and copies the others.
  const scoped = applyShareScope(delivery(current), national, ['all-platforms'])
  t.same(scoped.keptIndexes, [0, 2], 'the indexes of the items that went, in the scope\'s input')
  const sentIndexes = scoped.keptIndexes?.map((i) => inCurrent[i] ?? i) ?? inCurrent
  t.same(sentIndexes, [0, 4])
  const id = sampleIdNumber('310000', 8)
  const refused = inMessage([{ index: 1, code: 'E203', reason: `证件号码${id}不符` }], scoped.delivery.items, sentIndexes, 'SH')
  t.same(refused, [{ index: 4, code: 'E203', reason: `证件号码${id.slice(0, 4)}**********${id.slice(14)}不符`, entryOwner: 'SH', entryId: 'SH-black-5' }],
    'the adapter\'s item 1 is the message\'s item 4, its entry named and its reason masked')
  t.match(refusalSummary(refused, 2), /^the destination refused 1 of 2 items: items\[4\] E203 证件号码/)
  t.same(inMessage([{ index: 0, code: 'X', reason: 'r' }], [{ caseId: 'c1' }], [3], 'SH'),
    [{ index: 3, code: 'X', reason: 'r', entryOwner: null, entryId: null }], 'an item without an entry names none')
  t.same(applyShareScope(delivery(current), undefined).keptIndexes, undefined, 'no scope: every item went')
})
