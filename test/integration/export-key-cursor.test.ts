import { randomBytes } from 'node:crypto'
import { CompactSign, importJWK } from 'jose'
import t from 'tap'
import { request } from 'undici'
import { createAhXmlAdapter } from '../../adapters/ah-xml/ah-xml-adapter.js'
import { toNative as ahNative } from '../../adapters/ah-xml/ah-xml-mapping.js'
import { createJsBatchAdapter } from '../../adapters/js-batch/js-batch-adapter.js'
import { toNative as jsNative } from '../../adapters/js-batch/js-batch-mapping.js'
import { createShRestAdapter } from '../../adapters/sh-rest/sh-rest-adapter.js'
import { listUpsertToNative } from '../../adapters/sh-rest/sh-rest-mapping.js'
import { SH_EXPORT_PATH } from '../../adapters/sh-rest/sh-rest-protocol.js'
import { shAuthHeaders } from '../../adapters/sh-rest/sh-rest-signature.js'
import { createYrdPushAdapter } from '../../adapters/yrd-push/yrd-push-adapter.js'
import { createZjPullAdapter } from '../../adapters/zj-pull/zj-pull-adapter.js'
import type { PlatformAdapter } from '../../adapters/types.js'
import { generatePrivateJwk, publicPart } from '../../src/keys/signing-keys.js'
import { startAhXmlSimulator } from '../../sim/ah-xml-simulator.js'
import { newAhSecrets } from '../../sim/ah-xml-secrets.js'
import { startJsBatchSimulator } from '../../sim/js-batch-simulator.js'
import { startSimulatedPlatform } from '../../sim/platform-simulator.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startShRestSimulator } from '../../sim/sh-rest-simulator.js'
import { startPullPlatform } from '../../sim/zj-pull-simulator.js'
import { FAST_POLICY } from '../helpers/delivery-setup.js'
import { checkExportUnderChurn } from '../helpers/export-churn.js'
import { LIST } from '../helpers/reconcile-drift.js'

// Native exports page by a key cursor (issue 17 item 4): each simulated platform's export, pulled
// through its adapter over HTTP, while entries are added and removed between the page fetches.

const REGION = '310000'
const item = (owner: string, n: number): ReturnType<typeof sampleEntry> =>
  sampleEntry(owner, REGION, n, { person: n % 7 === 0 })
const platform = (id: string, adapter: string, endpoint: string, healthUrl?: string) => (
  { id, name: id, regionCode: '320000', adapter, endpoint, ...(healthUrl === undefined ? {} : { healthUrl }), enabled: true, delivery: FAST_POLICY }
)
const unusedSign = async (): Promise<string> => { throw new Error('unused') }
const exportOf = (a: PlatformAdapter): NonNullable<PlatformAdapter['exportList']> => {
  if (a.exportList === undefined) throw new Error(`${a.name} has no export`)
  return a.exportList
}
const idsOf = (entries: Array<{ entryId: string }> | undefined): string[] => (entries ?? []).map((e) => e.entryId)

/** The churn on a simulator's held entries: add entry n of an owner (made by `make`), remove it (or drop it whole). */
function churnOn<V extends { version: number, removed: boolean }> (
  held: Map<string, V>, make: (owner: string, i: ReturnType<typeof item>) => V
): { add: (owner: string, n: number) => void, remove: (owner: string, n: number, drop: boolean) => void } {
  return {
    add: (owner, n) => { const i = item(owner, n); held.set(`${owner}:${i.entryId}`, make(owner, i)) },
    remove: (owner, n, drop) => {
      const key = `${owner}:${item(owner, n).entryId}`
      const e = held.get(key)
      if (drop || e === undefined) held.delete(key)
      else held.set(key, { ...e, version: 2, removed: true })
    }
  }
}

t.test('ah-xml export under churn: keyed YB, every entry held throughout once; the old offset YB still answered', async (t) => {
  const secrets = newAhSecrets()
  const ah = await startAhXmlSimulator({ secrets })
  const adapter = createAhXmlAdapter({ platform: platform('AH', 'ah-xml', ah.endpoint, ah.healthUrl), policy: FAST_POLICY, sign: unusedSign, secrets })
  t.teardown(async () => { await adapter.close(); await ah.close() })
  await checkExportUnderChurn(t, {
    exportList: exportOf(adapter),
    ...churnOn(ah.entries, (_, i) => ({ version: 1, removed: false, record: ahNative('list.upsert', i) }))
  })
  const legacy = await exportOf(adapter)({ owner: 'SH', listCode: LIST }, '2', 2)
  t.equal(legacy.answer.entries?.length, 2, 'a YB of digits (the old offset form) is still answered')
  t.match(legacy.answer.next, /^k1\./, 'with a key cursor for the rest of the export')
  await t.rejects(exportOf(adapter)({ owner: 'SH', listCode: LIST }, 'k1.not-a-key', 2), /AH refused the export \(HTTP 400, E201/, 'a YB the platform never gave is refused')
})

t.test('js-batch export under churn: keyed X-JS-Next-Cursor, every entry held throughout once; the old offset still answered', async (t) => {
  const js = await startJsBatchSimulator({ token: 'js-cursor-token' })
  const adapter = createJsBatchAdapter({ platform: platform('JS', 'js-batch', js.url), policy: FAST_POLICY, sign: unusedSign, secrets: { TOKEN: 'js-cursor-token' } })
  t.teardown(async () => { await adapter.close(); await js.close() })
  await checkExportUnderChurn(t, {
    exportList: exportOf(adapter),
    ...churnOn(js.entries, (_, i) => ({ version: 1, removed: false, row: jsNative('list.upsert', i) }))
  })
  const legacy = await exportOf(adapter)({ owner: 'SH', listCode: LIST }, '2', 2)
  t.equal(legacy.answer.entries?.length, 2, 'a cursor of digits (the old offset form) is still answered')
  t.match(legacy.answer.next, /^k1\./, 'with a key cursor for the rest of the export')
  await t.rejects(exportOf(adapter)({ owner: 'SH', listCode: LIST }, 'k1.not-a-key', 2), /export refused: platform answered 400 QUERY_INVALID/, 'a cursor the platform never gave is refused')
})

t.test('sh-rest export under churn: cursor/nextCursor, every entry held throughout once; pageNo still answered', async (t) => {
  const appKey = 'yrd-gateway'
  const appSecret = randomBytes(24).toString('base64url')
  const sh = await startShRestSimulator({ apps: { [appKey]: appSecret } })
  const adapter = createShRestAdapter({ platform: platform('SH', 'sh-rest', sh.endpoint, sh.healthUrl), policy: FAST_POLICY, sign: unusedSign, secrets: { APP_KEY: appKey, APP_SECRET: appSecret } })
  t.teardown(async () => { await adapter.close(); await sh.close() })
  await checkExportUnderChurn(t, {
    exportList: exportOf(adapter),
    ...churnOn(sh.entries, (owner, i) =>
      ({ owner, entryId: i.entryId, version: 1, removed: false, latest: listUpsertToNative(i) }))
  }, { owner: 'JS' })
  // A client of the old form asks by page number and reads pageNo/pageSize/total as before.
  const path = `${new URL(sh.endpoint).pathname.replace(/\/api\/credit\/v2\/records$/, '')}${SH_EXPORT_PATH}?` +
    new URLSearchParams({ ownerProvince: 'JS', listTypeCode: LIST, pageNo: '2', pageSize: '3' }).toString()
  const res = await request(new URL(path, sh.url), { headers: shAuthHeaders({ appKey, appSecret, method: 'GET', path, body: '' }) })
  const body = await res.body.json() as {
    code: string, data: { pageNo: number, pageSize: number, total: number, items: unknown[] }
  }
  t.equal(body.code, '0000')
  t.match(body.data, { pageNo: 2, pageSize: 3 }, 'pageNo (the old offset form) is still answered, as before')
  t.equal(body.data.items.length, 3)
  t.ok(body.data.total > 6)
})

t.test('sh-rest adapter: a page without nextCursor is refused, never paged by number', async (t) => {
  const { createServer } = await import('node:http')
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(
      { code: '0000', message: '成功', data: { pageNo: 1, pageSize: 1, total: 5, items: [] } }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  const adapter = createShRestAdapter({ platform: platform('SH', 'sh-rest', `http://127.0.0.1:${port}/api/credit/v2/records`), policy: FAST_POLICY, sign: unusedSign, secrets: { APP_KEY: 'k', APP_SECRET: 's' } })
  t.teardown(async () => { await adapter.close(); await new Promise((resolve) => server.close(resolve)) })
  const err = await exportOf(adapter)({ owner: 'JS', listCode: LIST }, '', 1).then(() => undefined, (e: unknown) => e)
  t.match(err, { code: 'ADAPTER_INVALID_ANSWER', retryable: false, message: /no nextCursor/ }, 'the old paged answer is not taken for a cursor')
})

t.test('zj-pull export under churn: keyed next, every entry held throughout once; the old offset still answered', async (t) => {
  const zj = await startPullPlatform({ id: 'ZJ' })
  const gwJwk = await generatePrivateJwk('ES256', 'gw-cursor')
  zj.trustGateway({ keys: [publicPart(gwJwk)] })
  const sign = async (payload: object, typ: string): Promise<string> =>
    await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'ES256', kid: gwJwk.kid, typ }).sign(await importJWK(gwJwk, 'ES256'))
  const adapter = createZjPullAdapter({ platform: platform('ZJ', 'zj-pull', zj.url), policy: FAST_POLICY, sign, secrets: {} })
  t.teardown(async () => { await adapter.close(); await zj.close() })
  await checkExportUnderChurn(t, {
    exportList: exportOf(adapter),
    ...churnOn(zj.held, (owner, i) => ({ owner, entryId: i.entryId, version: 1, removed: false, item: i }))
  })
  const first = await exportOf(adapter)({ owner: 'SH', listCode: LIST }, '', 4)
  const legacy = await exportOf(adapter)({ owner: 'SH', listCode: LIST }, '2', 2)
  t.same(idsOf(legacy.answer.entries), idsOf(first.answer.entries).slice(2, 4), 'an after of digits (the old offset form) is still answered, at that offset')
  t.match(legacy.answer.next, /^k1\./, 'with a key cursor for the rest of the export')
  await t.rejects(exportOf(adapter)({ owner: 'SH', listCode: LIST }, 'k1.not-a-key', 2), /ZJ refused the export: HTTP 400/, 'an after the platform never gave is refused')
})

t.test('yrd-push export under churn: the reference simulator pages a snapshot, every entry held throughout once', async (t) => {
  const replica = await startSimulatedPlatform({ id: 'ZJ', alg: 'ES256' })
  const gwJwk = await generatePrivateJwk('ES256', 'gw-cursor')
  replica.trustGateway({ keys: [publicPart(gwJwk)] })
  const sign = async (payload: object, typ: string): Promise<string> =>
    await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'ES256', kid: gwJwk.kid, typ }).sign(await importJWK(gwJwk, 'ES256'))
  const adapter = createYrdPushAdapter({ platform: platform('ZJ', 'yrd-push', `${replica.url}/yrd/v1/deliveries`), policy: FAST_POLICY, sign, secrets: {} })
  t.teardown(async () => { await adapter.close(); await replica.close() })
  await checkExportUnderChurn(t, {
    exportList: exportOf(adapter),
    ...churnOn(replica.held, (owner, i) => ({ owner, entryId: i.entryId, version: 1, removed: false, item: i }))
  }, { paging: 'snapshot' })
})
