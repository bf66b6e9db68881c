import { randomBytes } from 'node:crypto'
import { newAhSecrets } from '../../sim/ah-xml-secrets.js'
import t from 'tap'
import { createAhXmlAdapter } from '../../adapters/ah-xml/ah-xml-adapter.js'
import { toNative } from '../../adapters/ah-xml/ah-xml-mapping.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import { startAhXmlSimulator, type AhStoredEntry } from '../../sim/ah-xml-simulator.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { FAST_POLICY } from '../helpers/delivery-setup.js'
import { LIST, type SeededDrift } from '../helpers/reconcile-drift.js'
import { checkExportCycle, startNativeSetup } from '../helpers/reconcile-native-setup.js'

/** Seeds one difference of every kind into Anhui's own records (never through the gateway). */
function seedAhDrift (entries: Map<string, AhStoredEntry>, owner: string, region: string): SeededDrift[] {
  const key = (n: number): string => `${owner}:${owner}-black-${n}`
  const get = (n: number): AhStoredEntry => {
    const e = entries.get(key(n))
    if (e === undefined) throw new Error(`AH does not hold ${key(n)}`)
    return e
  }
  const record = (item: ListUpsertItemV1): AhStoredEntry => ({ version: item.version, removed: false, record: toNative('list.upsert', item) })
  entries.delete(key(11))
  entries.set(key(21), record(sampleEntry(owner, region, 21)))
  entries.set(key(99), record(sampleEntry(owner, region, 99)))
  entries.set(key(2), record(sampleEntry(owner, region, 2)))
  const e12 = get(12)
  entries.set(key(12), { ...e12, record: { ...e12.record, SY: '被篡改的事实' } })
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

t.test('Anhui reconciled through its native export (ah-xml): in sync, then every kind of drift found exactly, healed', async (t) => {
  const secrets = newAhSecrets()
  const ah = await startAhXmlSimulator({ secrets })
  const { h } = await startNativeSetup(t, {
    id: 'AH',
    config: (p) => ({ ...p, adapter: 'ah-xml', endpoint: ah.endpoint, healthUrl: ah.healthUrl, delivery: FAST_POLICY }),
    secrets,
    close: async () => { await ah.close() }
  })
  await checkExportCycle(t, h, {
    owner: 'JS',
    region: '320000',
    platform: 'AH',
    adapter: 'ah-xml',
    seed: () => seedAhDrift(ah.entries, 'JS', '320000'),
    held: (key) => ah.entries.get(key),
    messages: { delivered: 'delivered to SH, ZJ and AH', matches: 'AH matches the owner, field for field through its native records', healed: 'the heal reached Anhui in its own protocol' }
  })
})

t.test('ah-xml export: paged with a cursor, sealed both ways, refused under a wrong key', async (t) => {
  const secrets = newAhSecrets()
  const ah = await startAhXmlSimulator({ secrets })
  t.teardown(async () => { await ah.close() })
  const ctx = (keys: Record<string, string>): Parameters<typeof createAhXmlAdapter>[0] => ({
    platform: { id: 'AH', name: 'AH', regionCode: '340000', adapter: 'ah-xml', endpoint: ah.endpoint, enabled: true, delivery: FAST_POLICY },
    policy: FAST_POLICY,
    sign: async () => { throw new Error('unused') },
    secrets: keys
  })
  const adapter = createAhXmlAdapter(ctx(secrets))
  const wrong = createAhXmlAdapter(ctx({ ...secrets, SM4_KEY_OUT: randomBytes(16).toString('hex') }))
  // The answer comes back under the inbound keys: a platform sealing it with other keys is not believed.
  const wrongIn = createAhXmlAdapter(ctx({ ...secrets, MAC_KEY_IN: randomBytes(32).toString('hex') }))
  t.teardown(async () => { await adapter.close(); await wrong.close(); await wrongIn.close() })
  t.equal(adapter.capabilities.export, true)
  for (let n = 1; n <= 5; n++) {
    const item = sampleEntry('SH', '310000', n, { person: n === 3 })
    ah.entries.set(`SH:${item.entryId}`, { version: 1, removed: n === 5, record: toNative('list.upsert', item) })
  }
  const seen: string[] = []
  let after = ''
  let pages = 0
  do {
    const page = await adapter.exportList?.({ owner: 'SH', listCode: LIST }, after, 2)
    if (page === undefined) throw new Error('no exportList')
    pages++
    seen.push(...(page.answer.entries ?? []).map((e) => e.entryId))
    after = page.answer.next ?? ''
  } while (after !== '')
  t.same(seen, ['SH-black-1', 'SH-black-2', 'SH-black-3', 'SH-black-4'], 'the live entries, each once, in order; the removed one left out')
  t.equal(pages, 2, 'two pages of two')
  await t.rejects(async () => { await wrong.exportList?.({ owner: 'SH', listCode: LIST }, '', 10) }, /AH refused the export \(HTTP 400, E101/, 'a query under another key does not authenticate')
  await t.rejects(async () => { await wrongIn.exportList?.({ owner: 'SH', listCode: LIST }, '', 10) }, /export answer unreadable: the message could not be authenticated/, 'an answer that does not authenticate is not read')
})
