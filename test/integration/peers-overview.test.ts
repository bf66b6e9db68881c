import { createRequire } from 'node:module'
import t from 'tap'
import { sampleEntry } from '../../sim/sample-entries.js'
import { waitFor } from '../helpers/delivery-setup.js'
import { startHarness, urlOf, type Harness } from '../helpers/harness.js'
import { startWithPeers } from '../helpers/overview-peers.js'

// Issue 18 item 4: the dashboard's overview lists the peer gateways, whether relays go to them, their
// pauses (in the config, by an admin) and their deliveries; the answer holds to the served document.

const requireAjv = createRequire(createRequire(import.meta.url).resolve('@fastify/ajv-compiler'))
interface Validator { (data: unknown): boolean, errors?: unknown }
interface AjvLike { compile: (s: object) => Validator, errorsText: (e: unknown) => string }
const Ajv2020 = (requireAjv('ajv/dist/2020') as { default: new (o: object) => AjvLike }).default
const addFormats = (createRequire(import.meta.url)('ajv-formats') as { default: (a: AjvLike) => void }).default

interface PeerRow { id: string, paused: boolean, pause: { principal: string, reason: string, since: string } | null }

async function overviewOf (h: Harness, role: 'admin' | 'auditor' = 'admin'): Promise<{ status: number, body: { peers: PeerRow[] } & Record<string, unknown> }> {
  const res = await h.app.inject({ url: '/v1/admin/overview', headers: { authorization: `Bearer ${await h.adminToken(role)}` } })
  return { status: res.statusCode, body: res.json() }
}

/** A copy without `$id`s, so that every `#/components/…` resolves against the document itself. */
function withoutIds (v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutIds)
  if (typeof v !== 'object' || v === null) return v
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== '$id').map(([k, x]) => [k, withoutIds(x)]))
}

/** The overview's 200 answer checked against the schema the served OpenAPI document declares for it. */
async function conforms (h: Harness, body: unknown): Promise<string | null> {
  const doc = (await h.app.inject({ url: '/docs/json' })).json<Record<string, unknown>>()
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true })
  addFormats(ajv)
  const validate = ajv.compile({
    ...(withoutIds(doc) as object),
    $ref: '#/paths/~1v1~1admin~1overview/get/responses/200/content/application~1json/schema'
  })
  return validate(body) ? null : ajv.errorsText(validate.errors)
}

t.test('without peers the overview\'s peers are an empty array', async (t) => {
  const h = await startHarness(t)
  const { status, body } = await overviewOf(h)
  t.equal(status, 200)
  t.same(body.peers, [])
  t.equal(await conforms(h, body), null, 'the answer holds to the document')
  t.match(await conforms(h, { ...body, peers: [{ id: 'CN' }] }), /must have required property/, 'which a peer without its fields would not')
})

t.test('the overview lists each peer: relayed to or not, its pauses, its deliveries and origins', async (t) => {
  const { h, sim, cn } = await startWithPeers(t)
  const published = await sim('SH').publish(urlOf(h), { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 1)], jti: 'SH-ov-1' })
  t.equal(published.status, 202)
  t.ok(await waitFor(async () => (await h.db.query(
    "SELECT 1 FROM deliveries WHERE jti = 'SH-ov-1' AND destination = 'CN' AND status = 'delivered'")).rowCount === 1), 'relayed to CN')
  t.equal(cn.relays.length, 1)

  const before = await overviewOf(h, 'auditor')
  t.equal(before.status, 200, 'an auditor reads it too')
  t.equal(await conforms(h, before.body), null, 'the answer holds to the document')
  t.match((before.body.platforms as Array<{ id: string }>).map((p) => p.id).sort(), ['AH', 'JS', 'SH', 'ZJ'], 'the platforms as before')
  t.same(before.body.peers.map((p) => p.id), ['CN', 'JJJ'])
  t.match(before.body.peers[0], {
    id: 'CN',
    name: '全国信用信息共享平台',
    enabled: true,
    endpoint: cn.url,
    relayed: true,
    paused: false,
    configPaused: false,
    pause: null,
    queue: Object,
    deliveries: { delivered: 1 },
    origins: ['FY']
  })
  t.same(before.body.peers[1], {
    id: 'JJJ',
    name: '京津冀信用信息共享平台',
    enabled: true,
    endpoint: null,
    relayed: false,
    paused: true,
    configPaused: true,
    pause: null,
    queue: null,
    deliveries: null,
    origins: ['BJ']
  }, 'paused in its config, not a destination')

  const pause = await h.app.inject({
    method: 'POST', url: '/v1/admin/peers/CN/pause?reason=key-rotation', headers: { authorization: `Bearer ${await h.adminToken('admin')}` }
  })
  t.equal(pause.statusCode, 200)
  const paused = await overviewOf(h)
  t.equal(await conforms(h, paused.body), null, 'the answer holds to the document')
  const cnPaused = paused.body.peers.find((p) => p.id === 'CN')
  t.match(cnPaused, { paused: true, configPaused: false, pause: { principal: pause.json().pause.principal, reason: 'key-rotation' } }, 'the admin pause shows')
  t.equal(cnPaused?.pause?.since, pause.json().pause.since, 'since when')

  const resume = await h.app.inject({
    method: 'POST', url: '/v1/admin/peers/CN/resume', headers: { authorization: `Bearer ${await h.adminToken('operator')}` }
  })
  t.equal(resume.statusCode, 200)
  t.match((await overviewOf(h)).body.peers.find((p) => p.id === 'CN'), { paused: false, pause: null }, 'gone once resumed')
})
