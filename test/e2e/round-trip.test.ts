import t, { type Test } from 'tap'
import { urlOf, PROVINCES } from '../helpers/harness.js'
import { waitFor } from '../helpers/delivery-setup.js'
import { startNativeGateway } from '../helpers/native-setup.js'
import { sampleEntry, sampleUscc } from '../../sim/sample-entries.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import type { DemoPlatform } from '../../demo/demo-platforms.js'

/** An entry with every optional field present and names no ASCII-only system would survive. */
function fullEntry (owner: string, region: string, n: number, tag: string): ListUpsertItemV1 {
  const e = sampleEntry(owner, region, n, { tag })
  e.subject.name = n % 2 === 0 ? '𠮷野家（上海）餐饮管理有限公司' : '阿卜杜拉·买买提商贸有限公司'
  e.subject.responsiblePersons = [
    { role: 'legal-representative', name: '张三·阿卜杜拉', idNumber: e.subject.responsiblePersons?.[0]?.idNumber },
    { role: 'actual-controller', name: '欧阳娜娜' }
  ] as ListUpsertItemV1['subject']['responsiblePersons']
  e.decision.authorityCode = sampleUscc(region, n + 500, '11')
  e.measures = [{ code: 'restrict-public-procurement', mandatory: true, description: '限制参与政府采购活动（三年）' }, { code: 'strict-supervision', mandatory: false }]
  e.facts = '生产经营“不符合食品安全标准”的食品——情节严重；涉及金额¥1,234,567.89。'
  return e
}

type Publish = (p: DemoPlatform, gatewayUrl: string, items: ListUpsertItemV1[]) => Promise<boolean> | undefined

/** Every publisher's entries must arrive at every other province identical, field for field. */
async function roundTrip (t: Test, tag: string, publish: Publish, publishers: number): Promise<void> {
  const { h, platforms } = await startNativeGateway(t)
  const published = new Map<string, ListUpsertItemV1[]>()
  for (const [i, p] of platforms.entries()) {
    const region = PROVINCES.find((x) => x.id === p.id)?.region ?? '310000'
    const items = [fullEntry(p.id, region, i * 10 + 1, tag), sampleEntry(p.id, region, i * 10 + 2, { person: true, tag, listType: 'red' })]
    const accepted = publish(p, urlOf(h), items)
    if (accepted === undefined) continue
    t.ok(await accepted, `${p.id} publishes`)
    published.set(p.id, items)
  }
  const directions = [...published.keys()].flatMap(
    (from) => platforms.filter((to) => to.id !== from).map((to) => [from, to.id] as [string, string])
  )
  t.equal(directions.length, publishers * 3, `${directions.length} directions`)
  const arrived = (): boolean => directions.every(([from, to]) =>
    (published.get(from) ?? []).every((e) => platforms.find((p) => p.id === to)?.held(from, e.entryId) !== undefined))
  t.ok(await waitFor(arrived, 30_000), 'every entry reached every other province')
  for (const [from, to] of directions) {
    const dest = platforms.find((p) => p.id === to)
    for (const e of published.get(from) ?? []) {
      t.same(dest?.held(from, e.entryId)?.item, e, `${from} → ${to}: ${e.entryId} identical, field for field`)
    }
  }
}

t.test('envelopes from every province arrive intact in all 12 directions, through four native protocols', async (t) => {
  await roundTrip(t, 'rt', async (p, gw, items) => (await p.publish(gw, { kind: 'list.upsert', items })).status === 202, 4)
})

t.test('a record published in Shanghai\'s, Anhui\'s or Jiangsu\'s native format reaches the other three in theirs, every field intact', async (t) => {
  await roundTrip(t, 'nat', (p, gw, items) => p.publishNative === undefined
    ? undefined
    : p.publishNative(gw, 'list.upsert', items).then((r) => r.accepted), 3)
})
