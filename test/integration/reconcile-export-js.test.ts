import t from 'tap'
import { createJsBatchAdapter } from '../../adapters/js-batch/js-batch-adapter.js'
import { toNative } from '../../adapters/js-batch/js-batch-mapping.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import { startJsBatchSimulator, type JsHeldEntry } from '../../sim/js-batch-simulator.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { FAST_POLICY } from '../helpers/delivery-setup.js'
import { LIST, type SeededDrift } from '../helpers/reconcile-drift.js'
import { checkExportCycle, startNativeSetup } from '../helpers/reconcile-native-setup.js'

const TOKEN = 'js-export-token'

/** Seeds one difference of every kind into Jiangsu's own rows (never through the gateway). */
function seedJsDrift (entries: Map<string, JsHeldEntry>, owner: string, region: string): SeededDrift[] {
  const key = (n: number): string => `${owner}:${owner}-black-${n}`
  const get = (n: number): JsHeldEntry => {
    const e = entries.get(key(n))
    if (e === undefined) throw new Error(`JS does not hold ${key(n)}`)
    return e
  }
  const row = (item: ListUpsertItemV1): JsHeldEntry => ({ version: item.version, removed: false, row: toNative('list.upsert', item) })
  entries.delete(key(11))
  entries.set(key(21), row(sampleEntry(owner, region, 21)))
  entries.set(key(99), row(sampleEntry(owner, region, 99)))
  entries.set(key(2), row(sampleEntry(owner, region, 2)))
  const e12 = get(12)
  entries.set(key(12), { ...e12, row: { ...e12.row, 失信事由: '被篡改的事实' } })
  entries.set(key(13), { ...get(13), suspended: true })
  return [
    { kind: 'extra-removed', entryId: `${owner}-black-21` },
    { kind: 'extra-unknown', entryId: `${owner}-black-99` },
    { kind: 'missing', entryId: `${owner}-black-11` },
    { kind: 'stale', entryId: `${owner}-black-2` },
    { kind: 'content-mismatch', entryId: `${owner}-black-12` },
    { kind: 'suspension-mismatch', entryId: `${owner}-black-13` }
  ]
}

t.test('Jiangsu reconciled through its native export (js-batch): in sync, then every kind of drift found exactly, healed', async (t) => {
  const js = await startJsBatchSimulator({ token: TOKEN })
  const { h } = await startNativeSetup(t, {
    id: 'JS',
    config: (p) => ({ ...p, adapter: 'js-batch', endpoint: js.url, delivery: FAST_POLICY }),
    secrets: { TOKEN },
    close: async () => { await js.close() }
  })
  await checkExportCycle(t, h, {
    owner: 'SH',
    region: '310000',
    platform: 'JS',
    adapter: 'js-batch',
    seed: () => seedJsDrift(js.entries, 'SH', '310000'),
    held: (key) => js.entries.get(key),
    messages: { delivered: 'delivered to JS, ZJ and AH', matches: 'JS matches the owner, field for field through its native rows', healed: 'the heal reached Jiangsu in its own protocol' }
  })
})

t.test('js-batch export: paged with a cursor, SM3-checked, refused without the token', async (t) => {
  const js = await startJsBatchSimulator({ token: TOKEN })
  t.teardown(async () => { await js.close() })
  const ctx = (token: string): Parameters<typeof createJsBatchAdapter>[0] => ({
    platform: { id: 'JS', name: 'JS', regionCode: '320000', adapter: 'js-batch', endpoint: js.url, enabled: true, delivery: FAST_POLICY },
    policy: FAST_POLICY,
    sign: async () => { throw new Error('unused') },
    secrets: { TOKEN: token }
  })
  const adapter = createJsBatchAdapter(ctx(TOKEN))
  const wrong = createJsBatchAdapter(ctx('not-the-token'))
  t.teardown(async () => { await adapter.close(); await wrong.close() })
  t.equal(adapter.capabilities.export, true)
  const empty = await adapter.exportList?.({ owner: 'ZJ', listCode: LIST }, '', 10)
  t.same(empty?.answer, { entries: [], next: null }, 'a list the platform holds nothing of: one empty page')
  for (let n = 1; n <= 5; n++) {
    const item = sampleEntry('ZJ', '330000', n, { person: n === 3 })
    js.entries.set(`ZJ:${item.entryId}`, { version: 1, removed: n === 5, suspended: n === 3, row: toNative('list.upsert', item) })
  }
  const seen: string[] = []
  const suspended: string[] = []
  let after = ''
  let pages = 0
  do {
    const page = await adapter.exportList?.({ owner: 'ZJ', listCode: LIST }, after, 2)
    if (page === undefined) throw new Error('no exportList')
    pages++
    seen.push(...(page.answer.entries ?? []).map((e) => e.entryId))
    suspended.push(...(page.answer.entries ?? []).filter((e) => e.suspended).map((e) => e.entryId))
    after = page.answer.next ?? ''
  } while (after !== '')
  t.same(seen, ['ZJ-black-1', 'ZJ-black-2', 'ZJ-black-3', 'ZJ-black-4'], 'the live entries, each once, in order; the removed one left out')
  t.same(suspended, ['ZJ-black-3'], 'the suspended entry flagged, on its own page')
  t.equal(pages, 2, 'two pages of two')
  await t.rejects(async () => { await wrong.exportList?.({ owner: 'ZJ', listCode: LIST }, '', 10) }, /export refused: platform answered 401 AUTH_FAILED/, 'a wrong token is refused')
})
