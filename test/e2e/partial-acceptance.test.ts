import { randomBytes } from 'node:crypto'
import t from 'tap'
import type { MessageStatusV1 } from '../../contracts/message-status-v1.js'
import type { OverviewV1 } from '../../contracts/admin-v1.js'
import { nativeResendId } from '../../adapters/native-message-id.js'
import { startAhXmlSimulator } from '../../sim/ah-xml-simulator.js'
import { newAhSecrets } from '../../sim/ah-xml-secrets.js'
import { startJsBatchSimulator } from '../../sim/js-batch-simulator.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startShRestSimulator } from '../../sim/sh-rest-simulator.js'
import { FAST_POLICY, waitFor } from '../helpers/delivery-setup.js'
import { runReconciliation } from '../../src/reconcile/reconcile-service.js'
import { startHarness, type Harness } from '../helpers/harness.js'
import { ID_NUMBER_SHAPE } from '../helpers/id-number-shape.js'

/**
 * Partial acceptance through the three native adapters, with the real gateway and the simulated
 * platforms: each applies some items of a message and refuses others in its own protocol (SH 2002,
 * JS a REJECTED row, AH E202).
 */
async function startPartialGateway (t: { teardown: (fn: () => unknown) => void }): Promise<{
  h: Harness
  sh: Awaited<ReturnType<typeof startShRestSimulator>>
  js: Awaited<ReturnType<typeof startJsBatchSimulator>>
  ah: Awaited<ReturnType<typeof startAhXmlSimulator>>
}> {
  const appKey = 'yrd-gateway'
  const appSecret = randomBytes(24).toString('base64url')
  const token = randomBytes(24).toString('base64url')
  const ahSecrets = newAhSecrets()
  const sh = await startShRestSimulator({ apps: { [appKey]: appSecret }, port: 0 })
  const js = await startJsBatchSimulator({ token, port: 0 })
  const ah = await startAhXmlSimulator({ secrets: ahSecrets, port: 0 })
  t.teardown(async () => { await Promise.all([sh.close(), js.close(), ah.close()]) })
  const policy = { ...FAST_POLICY, timeoutMs: 3000 }
  const h = await startHarness(t, {
    listen: true,
    workers: true,
    settings: { relayIntervalMs: 50 },
    platformSecrets: { SH: { APP_KEY: appKey, APP_SECRET: appSecret }, JS: { TOKEN: token }, AH: ahSecrets },
    platformOverrides: (p) => {
      if (p.id === 'SH') return { ...p, adapter: 'sh-rest', endpoint: sh.endpoint, healthUrl: sh.healthUrl, delivery: policy }
      if (p.id === 'JS') return { ...p, adapter: 'js-batch', endpoint: js.url, healthUrl: `${js.url}/jsxy/health`, delivery: policy }
      if (p.id === 'AH') return { ...p, adapter: 'ah-xml', endpoint: ah.endpoint, healthUrl: ah.healthUrl, delivery: policy }
      // ZJ publishes; as a pull platform nobody polls for, its deliveries simply wait.
      return { ...p, adapter: 'zj-pull' }
    }
  })
  return { h, sh, js, ah }
}

interface DeliveryRow {
  id: string
  status: string
  last_error: string | null
  last_error_code: string | null
  resends: number
}

t.test('partial acceptance through SH, JS and AH: applied items delivered, refused ones kept with their reason, a resend sends them alone', async (t) => {
  const { h, sh, js, ah } = await startPartialGateway(t)
  const admin = await h.adminToken('admin')
  const deliveryOf = async (jti: string, dest: string): Promise<DeliveryRow> => (await h.db.query<DeliveryRow>(
    'SELECT id, status, last_error, last_error_code, resends FROM deliveries WHERE iss = $1 AND jti = $2 AND destination = $3',
    ['ZJ', jti, dest])).rows[0] as DeliveryRow
  const replica = async (dest: string): Promise<string[]> => (await h.db.query<{ entry_id: string }>(
    'SELECT entry_id FROM replica_versions WHERE destination = $1 ORDER BY entry_id', [dest])).rows.map((r) => r.entry_id)

  sh.failure = 'partial-reject' // refuses the first record of each message
  js.failure = 'partial-reject' // rejects the 2nd row of each batch
  ah.failure = 'partial-reject' // refuses the last record
  const items = [1, 2, 3].map((n) => sampleEntry('ZJ', '330000', n, { person: true }))
  const { jws, jti } = await h.sign('ZJ', { kind: 'list.upsert', items })
  t.equal((await h.post(jws)).status, 202)

  const refusedOf: Record<string, { index: number, entryId: string, code: string }> = {
    SH: { index: 0, entryId: 'ZJ-black-1', code: 'E203' },
    JS: { index: 1, entryId: 'ZJ-black-2', code: 'REJECTED' },
    AH: { index: 2, entryId: 'ZJ-black-3', code: 'E201' }
  }
  const simOf = { SH: sh, JS: js, AH: ah }
  const all = ['ZJ-black-1', 'ZJ-black-2', 'ZJ-black-3']
  for (const [dest, refused] of Object.entries(refusedOf)) {
    t.ok(await waitFor(async () => (await deliveryOf(jti, dest))?.status === 'partial', 30_000), `${dest}: partial`)
    const d = await deliveryOf(jti, dest)
    t.equal(d.last_error_code, 'ADAPTER_PARTIAL', `${dest}: grouped as a partial acceptance`)
    t.match(d.last_error, new RegExp(`refused 1 of 3 items: items\\[${refused.index}\\] ${refused.code}`), `${dest}: the refused item in the last error`)
    const sim = simOf[dest as keyof typeof simOf]
    const applied = all.filter((e) => e !== refused.entryId)
    for (const e of applied) t.ok(sim.held('ZJ', e), `${dest} applied ${e}`)
    t.notOk(sim.held('ZJ', refused.entryId), `${dest} did not apply ${refused.entryId}`)
    t.same(await replica(dest), applied, `${dest}: replica versions recorded for the applied items alone`)
    const { rows } = await h.db.query('SELECT item_index, entry_owner, entry_id, code, reason, resolved_at FROM delivery_item_refusals WHERE delivery_id = $1', [d.id])
    t.match(rows, [{ item_index: refused.index, entry_owner: 'ZJ', entry_id: refused.entryId, code: refused.code, resolved_at: null }], `${dest}: the refusal kept per item`)
    t.ok(String(rows[0]?.reason).length > 0, `${dest}: with the platform's reason`)
    t.notMatch(JSON.stringify(rows), ID_NUMBER_SHAPE, `${dest}: no identity number in the stored refusal`)
    const stored = (await h.db.query('SELECT receipt::text AS r FROM deliveries WHERE id = $1', [d.id])).rows[0]?.r as string
    t.notMatch(stored, ID_NUMBER_SHAPE, `${dest}: no identity number in the stored receipt`)
  }

  const status = await h.app.inject({ method: 'GET', url: `/v1/messages/${jti}`, headers: { authorization: `Bearer ${admin}` } })
  t.equal(status.statusCode, 200)
  const body = status.json<MessageStatusV1>()
  for (const [dest, refused] of Object.entries(refusedOf)) {
    const x = body.destinations.find((d) => d.platform === dest)
    t.equal(x?.status, 'partial', `message status: ${dest} partial`)
    t.match(x?.refusedItems, [{ index: refused.index, owner: 'ZJ', entryId: refused.entryId, code: refused.code, reason: /\S/ }], `message status: ${dest}'s refused item`)
    t.equal(x?.refusedItems.length, 1)
  }
  const overview = (await h.app.inject({ method: 'GET', url: '/v1/admin/overview', headers: { authorization: `Bearer ${admin}` } })).json<OverviewV1>()
  for (const dest of Object.keys(refusedOf)) {
    t.match(overview.platforms.find((p) => p.id === dest), { partial: 1, refusedItems: 1, deliveries: { partial: 1 } }, `dashboard: ${dest}`)
  }
  const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body
  t.match(metrics, /gw_refused_items\{platform="SH",code="E203"\} 1/, 'refused items counted by platform and code')
  t.match(metrics, /gw_deliveries\{platform="AH",status="partial"\} 1/)

  // Reconciliation sees the refused entry missing at the replica, its delivery dead for that item.
  const scope = { owner: 'ZJ', listCode: items[0]?.listCode ?? '', platform: 'SH' }
  const run = await runReconciliation({ pool: h.app.pg, adapters: h.app.delivery.adapters }, scope, 'api', 'test')
  t.match(run.findings.map((f) => ({ kind: f.kind, entryId: f.entryId, cause: f.cause })), [{ kind: 'missing', entryId: 'ZJ-black-1', cause: 'delivery-dead' }],
    'reconciliation: the refused item is missing at SH, its delivery dead for it')
  t.equal(run.findings.length, 1, 'the applied items match')

  // The refused records are put right at the platforms; what they applied is dropped there, so a
  // resend that sent them again would show.
  sh.failure = 'none'
  js.failure = 'none'
  ah.failure = 'none'
  for (const [dest, refused] of Object.entries(refusedOf)) {
    for (const e of all.filter((x) => x !== refused.entryId)) simOf[dest as keyof typeof simOf].entries.delete(`ZJ:${e}`)
  }
  for (const dest of Object.keys(refusedOf)) {
    const res = await h.app.inject({ method: 'POST', url: `/v1/deliveries/${(await deliveryOf(jti, dest)).id}/resend`, headers: { authorization: `Bearer ${admin}` } })
    t.equal(res.statusCode, 202, `${dest} resent`)
  }
  for (const [dest, refused] of Object.entries(refusedOf)) {
    t.ok(await waitFor(async () => (await deliveryOf(jti, dest))?.status === 'delivered', 30_000), `${dest}: delivered once the refused item went`)
    const sim = simOf[dest as keyof typeof simOf]
    t.ok(sim.held('ZJ', refused.entryId), `${dest} now holds ${refused.entryId}`)
    for (const e of all.filter((x) => x !== refused.entryId)) t.notOk(sim.held('ZJ', e), `${dest}: the resend did not carry ${e}`)
    t.same(await replica(dest), all, `${dest}: every item's version recorded`)
    const d = await deliveryOf(jti, dest)
    t.same([d.last_error, d.last_error_code], [null, null])
    const { rows } = await h.db.query('SELECT resolved_at FROM delivery_item_refusals WHERE delivery_id = $1', [d.id])
    t.equal(rows.length, 1)
    t.ok(rows[0]?.resolved_at, `${dest}: the refusal resolved`)
  }
  t.equal(js.batches.get(nativeResendId('ZJ', jti, 1))?.rows.length, 1, 'JS received one row on the resend, under a new batch id')
  const after = (await h.app.inject({ method: 'GET', url: `/v1/messages/${jti}`, headers: { authorization: `Bearer ${admin}` } })).json<MessageStatusV1>()
  for (const dest of Object.keys(refusedOf)) {
    t.match(after.destinations.find((d) => d.platform === dest), { status: 'delivered', refusedItems: [] }, `message status: ${dest} delivered`)
  }
  const later = (await h.app.inject({ method: 'GET', url: '/v1/admin/overview', headers: { authorization: `Bearer ${admin}` } })).json<OverviewV1>()
  for (const dest of Object.keys(refusedOf)) {
    t.match(later.platforms.find((p) => p.id === dest), { partial: 0, refusedItems: 0 }, `dashboard: ${dest} settled`)
  }
})

t.test('a message all of whose items a platform refuses stays dead (ADAPTER_REFUSED), with no refusal left open', async (t) => {
  const { h, sh, ah } = await startPartialGateway(t)
  sh.failure = 'partial-reject'
  ah.failure = 'partial-reject'
  const { jws, jti } = await h.sign('ZJ', { kind: 'list.upsert', items: [sampleEntry('ZJ', '330000', 9)] })
  t.equal((await h.post(jws)).status, 202)
  for (const dest of ['SH', 'AH']) {
    const row = async (): Promise<DeliveryRow | undefined> => (await h.db.query<DeliveryRow>(
      'SELECT id, status, last_error, last_error_code, resends FROM deliveries WHERE jti = $1 AND destination = $2', [jti, dest])).rows[0]
    t.ok(await waitFor(async () => (await row())?.status === 'dead', 30_000), `${dest}: dead`)
    t.equal((await row())?.last_error_code, 'ADAPTER_REFUSED', `${dest}: a refusal of the message`)
    t.equal(await h.count(`delivery_item_refusals WHERE delivery_id = ${(await row())?.id ?? 0}`), 0, `${dest}: no item refusal recorded`)
  }
  const jsDelivered = async (): Promise<boolean> => (await h.db.query(
    "SELECT 1 FROM deliveries WHERE jti = $1 AND destination = 'JS' AND status = 'delivered'", [jti])).rowCount === 1
  t.ok(await waitFor(jsDelivered, 30_000), 'JS (rejecting 2nd rows only) took the one-item message')
})
