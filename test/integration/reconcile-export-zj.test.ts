import { CompactSign, importJWK, type JWK } from 'jose'
import t from 'tap'
import { createZjPullAdapter } from '../../adapters/zj-pull/zj-pull-adapter.js'
import { generatePrivateJwk, publicPart } from '../../src/keys/signing-keys.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startPullPlatform } from '../../sim/zj-pull-simulator.js'
import { FAST_POLICY } from '../helpers/delivery-setup.js'
import { urlOf } from '../helpers/harness.js'
import { LIST, seedDrift } from '../helpers/reconcile-drift.js'
import { checkExportCycle, startNativeSetup } from '../helpers/reconcile-native-setup.js'

t.test('Zhejiang reconciled through its export (zj-pull): in sync, then every kind of drift found exactly, healed', async (t) => {
  const zj = await startPullPlatform({ id: 'ZJ' })
  const { h } = await startNativeSetup(t, {
    id: 'ZJ',
    config: (p) => ({ ...p, adapter: 'zj-pull', jwks: zj.jwks, endpoint: zj.url, delivery: FAST_POLICY }),
    ready: (h) => {
      zj.trustGateway(`${urlOf(h)}/.well-known/jwks.json`)
      zj.startPolling(urlOf(h), 100)
    },
    close: async () => { await zj.close() }
  })
  await checkExportCycle(t, h, {
    owner: 'SH',
    region: '310000',
    platform: 'ZJ',
    adapter: 'zj-pull',
    seed: () => seedDrift(zj.held, 'SH', '310000'),
    held: (key) => zj.held.get(key),
    messages: { delivered: 'delivered to JS and AH, pulled by ZJ', matches: 'ZJ matches the owner, field for field', healed: 'ZJ pulled and acknowledged the heal' }
  })
})

t.test('zj-pull export: paged with a cursor, only for the gateway\'s token', async (t) => {
  const zj = await startPullPlatform({ id: 'ZJ' })
  t.teardown(async () => { await zj.close() })
  const gwJwk = await generatePrivateJwk('ES256', 'gw-test')
  const rogueJwk = await generatePrivateJwk('ES256', 'gw-test')
  zj.trustGateway({ keys: [publicPart(gwJwk)] })
  const signer = (jwk: JWK) => async (payload: object, typ: string): Promise<string> =>
    await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ }).sign(await importJWK(jwk, 'ES256'))
  const ctx = (sign: (payload: object, typ: string) => Promise<string>): Parameters<typeof createZjPullAdapter>[0] => ({
    platform: { id: 'ZJ', name: 'ZJ', regionCode: '330000', adapter: 'zj-pull', endpoint: zj.url, enabled: true, delivery: FAST_POLICY },
    policy: FAST_POLICY,
    sign,
    secrets: {}
  })
  const adapter = createZjPullAdapter(ctx(signer(gwJwk)))
  const rogue = createZjPullAdapter(ctx(signer(rogueJwk)))
  t.teardown(async () => { await adapter.close(); await rogue.close() })
  t.equal(adapter.capabilities.export, true)
  t.equal(adapter.capabilities.pull, true, 'still a pull platform')
  for (let n = 1; n <= 5; n++) {
    const item = sampleEntry('SH', '310000', n, { person: n === 3 })
    zj.held.set(`SH:${item.entryId}`, { owner: 'SH', entryId: item.entryId, version: 1, removed: n === 5, ...(n === 3 ? { suspended: true } : {}), item })
  }
  const seen: string[] = []
  const suspended: string[] = []
  let after = ''
  let pages = 0
  do {
    const page = await adapter.exportList?.({ owner: 'SH', listCode: LIST }, after, 2)
    if (page === undefined) throw new Error('no exportList')
    pages++
    seen.push(...(page.answer.entries ?? []).map((e) => e.entryId))
    suspended.push(...(page.answer.entries ?? []).filter((e) => e.suspended).map((e) => e.entryId))
    after = page.answer.next ?? ''
  } while (after !== '')
  t.same(seen, ['SH-black-1', 'SH-black-2', 'SH-black-3', 'SH-black-4'], 'the live entries, each once, in order; the removed one left out')
  t.same(suspended, ['SH-black-3'], 'the suspended entry flagged')
  t.equal(pages, 2, 'two pages of two')
  await t.rejects(async () => { await rogue.exportList?.({ owner: 'SH', listCode: LIST }, '', 10) }, /ZJ refused the export: HTTP 401/, 'a token not signed by the gateway is refused')
})
