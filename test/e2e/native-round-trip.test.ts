import t from 'tap'
import { startHarness, urlOf, PROVINCES } from '../helpers/harness.js'
import { FAST_POLICY, waitFor } from '../helpers/delivery-setup.js'
import { startProvinces } from '../../src/demo/demo-platforms.js'
import { sampleEntry, sampleUscc } from '../../src/simulators/sample-entries.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'

/** Every optional field present, names beyond the BMP and beyond ASCII. */
function fullEntry (owner: string, region: string, n: number): ListUpsertItemV1 {
  const e = sampleEntry(owner, region, n, { tag: 'nat' })
  e.subject.name = '𠮷野家（上海）餐饮管理有限公司'
  e.subject.responsiblePersons = [
    { role: 'legal-representative', name: '张三·阿卜杜拉', idNumber: e.subject.responsiblePersons?.[0]?.idNumber },
    { role: 'actual-controller', name: '欧阳娜娜' }
  ] as ListUpsertItemV1['subject']['responsiblePersons']
  e.decision.authorityCode = sampleUscc(region, n + 500)
  e.measures = [{ code: 'restrict-public-procurement', mandatory: true, description: '限制参与政府采购活动（三年）' }, { code: 'strict-supervision', mandatory: false }]
  e.facts = '生产经营“不符合食品安全标准”的食品——情节严重；涉及金额¥1,234,567.89。'
  return e
}

t.test('a record published in Shanghai\'s, Anhui\'s or Jiangsu\'s native format reaches the other three in theirs, every field intact', async (t) => {
  const { platforms, secrets } = await startProvinces(() => 0)
  t.teardown(async () => { await Promise.all(platforms.map(async (p) => { await p.close() })) })
  const h = await startHarness(t, {
    listen: true,
    workers: true,
    settings: { relayIntervalMs: 50 },
    platformSecrets: secrets,
    platformOverrides: (p) => {
      const native = platforms.find((s) => s.id === p.id)
      return native === undefined ? p : { ...native.configure(p), delivery: FAST_POLICY }
    }
  })
  for (const p of platforms) p.connect(urlOf(h))

  const published = new Map<string, ListUpsertItemV1[]>()
  for (const [i, p] of platforms.entries()) {
    if (p.publishNative === undefined) continue
    const region = PROVINCES.find((x) => x.id === p.id)?.region ?? '310000'
    const items = [fullEntry(p.id, region, i * 10 + 1), sampleEntry(p.id, region, i * 10 + 2, { person: true, tag: 'nat', listType: 'red' })]
    const res = await p.publishNative(urlOf(h), 'list.upsert', items)
    t.ok(res.accepted, `${p.id} publishes natively`)
    published.set(p.id, items)
  }
  t.same([...published.keys()].sort(), ['AH', 'JS', 'SH'])
  const directions = [...published.keys()].flatMap((from) => platforms.filter((to) => to.id !== from).map((to) => [from, to.id] as [string, string]))
  t.equal(directions.length, 9)
  const arrived = (): boolean => directions.every(([from, to]) =>
    (published.get(from) ?? []).every((e) => platforms.find((p) => p.id === to)?.held(from, e.entryId) !== undefined))
  t.ok(await waitFor(arrived, 30_000), 'every entry reached every other province')
  for (const [from, to] of directions) {
    const dest = platforms.find((p) => p.id === to)
    for (const e of published.get(from) ?? []) {
      t.same(dest?.held(from, e.entryId)?.item, e, `${from} → ${to}: ${e.entryId} identical, field for field`)
    }
  }
})
