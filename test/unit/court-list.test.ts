import t from 'tap'
import { defaultConfigDir } from '../../config/load-config.js'
import { loadRegistries } from '../../config/load-registries.js'
import type { ListRemoveItemV1 } from '../../contracts/list-remove-item-v1.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import { validateItems } from '../../src/envelopes/validate-items.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { loadSeedDocuments, paragraphTexts, parseCitations } from '../helpers/policy-citations.js'

// The courts' 失信被执行人 list (issue 13 item 9), against 法发〔2020〕25号 (test/fixtures/seeds/fafa-2020-25.txt).

const registries = loadRegistries(process.env.GW_CONFIG_DIR ?? defaultConfigDir())
const court = registries.listType('court-dishonest-debtor')
const item20 = paragraphTexts(loadSeedDocuments().get('法发〔2020〕25号') ?? '', '20')

/** A 失信被执行人 entry as a court's platform sends it: a 决定书, no validity end of its own. */
function courtEntry (over: Partial<ListUpsertItemV1> = {}): ListUpsertItemV1 {
  const { validUntil: _none, ...base } = sampleEntry('SH', '310000', 1)
  return {
    ...base,
    entryId: 'SH-court-1',
    listCode: 'court-dishonest-debtor',
    domain: 'court',
    severeCategory: 'legal-obligation',
    facts: '有履行能力而拒不履行生效法律文书确定的义务。',
    legalBasis: '《中华人民共和国民事诉讼法》；法释〔2017〕7号',
    decision: { authority: '上海市浦东新区人民法院', documentType: 'court-decision', documentName: '决定书', documentNumber: '(2026)沪0115执1234号', decidedOn: '2026-03-15' },
    measures: [{ code: 'restrict-high-consumption', mandatory: true }],
    repairable: true,
    ...over
  }
}

const removal = (reason: ListRemoveItemV1['reason']): ListRemoveItemV1 =>
  ({ entryId: 'SH-court-1', owner: 'SH', version: 2, reason, basis: '(2026)沪0115执1234号之一 决定书', effectiveOn: '2026-06-01' })

t.test('法发〔2020〕25号 (20) is in the seed fixtures and speaks of the 失信被执行人 list and credit repair', async (t) => {
  t.equal(item20.length, 1, 'exactly one item 20.')
  t.match(item20[0], /^20\.加强“逃废债”清理惩戒机制建设。/u)
  t.match(item20[0], /失信被执行人名单/u)
  t.match(item20[0], /完善信用修复机制/u)
  t.notMatch(item20[0], /^21\./mu, 'the item ends before 21.')
})

t.test('法发〔2020〕25号 (20): credit repair exists for 失信被执行人 — the court list type is repairable and cites the item', async (t) => {
  t.ok(court, 'the list type is registered')
  t.equal(court?.repairable, true, '完善信用修复机制: the list type does not rule out repair')
  const cited = parseCitations(court?.legalBasis ?? '').citations.find((c) => c.document === '法发〔2020〕25号')
  t.same(cited?.paragraphs, ['20'], 'legalBasis cites 法发〔2020〕25号 (20)')
  t.doesNotThrow(() => { validateItems('list.upsert', 'SH', [courtEntry()], registries) }, 'a 失信被执行人 entry marked repairable is accepted')
  t.doesNotThrow(() => { validateItems('list.upsert', 'SH', [courtEntry({ repairable: false })], registries) }, 'a court may still mark its entry not repairable')
})

t.test('法发〔2020〕25号 (20): no fixed maximum term where the law sets none', async (t) => {
  t.match(item20[0], /失信被执行人名单/u)
  t.notMatch(item20[0], /期限|[一二三四五六七八九十两]年/u, 'item 20 sets no term for the list')
  t.equal(court?.exit.maximumMonths, undefined, 'the registry sets no maximumMonths for the court list')
  t.equal(court?.exit.minimumMonths, undefined, 'nor an earliest exit')
  t.match(court?.exit.conditions ?? '', /决定书/u, 'the exit conditions point to the court\'s decision for a term')
})

t.test('法发〔2020〕25号 (20): a 失信被执行人 listing rests on the court\'s 决定书 (documentType court-decision)', async (t) => {
  t.doesNotThrow(() => { validateItems('list.upsert', 'SH', [courtEntry()], registries) }, 'court-decision is a document type')
  t.doesNotThrow(() => { validateItems('list.upsert', 'SH', [courtEntry()]) }, 'also without registries (the contract alone)')
})

t.test('法发〔2020〕25号 (20): a 失信被执行人 leaves the list on fulfilment (fulfilled) or on the court\'s deletion (court-deleted)', async (t) => {
  for (const reason of ['fulfilled', 'court-deleted'] as const) {
    t.doesNotThrow(() => { validateItems('list.remove', 'SH', [removal(reason)], registries) }, `reason ${reason} is accepted`)
  }
  t.throws(() => { validateItems('list.remove', 'SH', [{ ...removal('fulfilled'), reason: 'paid' }], registries) }, { code: 'SCHEMA_INVALID' }, 'other reasons are still refused')
})
