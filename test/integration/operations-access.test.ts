import t from 'tap'
import { startHarness } from '../helpers/harness.js'
import { startupError } from '../helpers/startup-error.js'

const STAFF_ONLY = { roles: ['admin', 'operator', 'auditor'] }

t.test('/metrics and /docs are public by default', async (t) => {
  const h = await startHarness(t)
  t.equal((await h.app.inject({ url: '/metrics' })).statusCode, 200)
  t.equal((await h.app.inject({ url: '/docs/json' })).statusCode, 200)
})

t.test('metricsAccess and docsAccess "off": no route at all', async (t) => {
  const h = await startHarness(t, { settings: { metricsAccess: 'off', docsAccess: 'off' } })
  const token = await h.adminToken('admin')
  for (const url of ['/metrics', '/docs', '/docs/json', '/docs/static/index.html']) {
    const res = await h.app.inject({ url, headers: { authorization: `Bearer ${token}` } })
    t.equal(res.statusCode, 404, `${url}: 404 even for an admin`)
    t.equal(res.json<{ code: string }>().code, 'NOT_FOUND')
  }
  t.notOk(h.app.accessTable.some((r) => r.url === '/metrics' || r.url.startsWith('/docs')), 'nothing in the access table')
})

t.test('metricsAccess and docsAccess "staff": the admin roles only (bearer or session), declared in the access table', async (t) => {
  const h = await startHarness(t, { settings: { metricsAccess: 'staff', docsAccess: 'staff' } })
  const declared = h.app.accessTable.filter((r) => r.method === 'GET' && (r.url === '/metrics' || r.url === '/docs/json'))
  t.equal(declared.length, 2)
  for (const r of declared) t.same(r.access, STAFF_ONLY, `${r.url} declares the admin roles`)
  for (const url of ['/metrics', '/docs/json', '/docs']) {
    const none = await h.app.inject({ url })
    t.same([none.statusCode, none.json<{ code: string }>().code], [401, 'UNAUTHORIZED'], `${url}: no credentials`)
    const platform = await h.app.inject({ url, headers: { authorization: `Bearer ${await h.platformToken('ZJ')}` } })
    t.same([platform.statusCode, platform.json<{ code: string }>().code], [403, 'FORBIDDEN'], `${url}: a platform is not staff`)
    const auditor = await h.app.inject({ url, headers: { authorization: `Bearer ${await h.adminToken('auditor')}` } })
    t.ok(auditor.statusCode < 400, `${url}: an auditor reads it (${auditor.statusCode})`)
  }
  const doc = await h.app.inject({ url: '/docs/json', headers: { authorization: `Bearer ${await h.adminToken('operator')}` } })
  t.ok('/v1/envelopes' in doc.json<{ paths: Record<string, unknown> }>().paths)
})

t.test('metricsAccess "token": the bearer of GW_METRICS_TOKEN only; the gateway does not start without one', async (t) => {
  t.match(await startupError({ settings: { metricsAccess: 'token' } }), { message: /GW_METRICS_TOKEN is required/ })
  t.match(await startupError({ settings: { metricsAccess: 'token' }, runtime: { metricsToken: 'short' } }), { message: /at least 32 characters/ })
  const metricsToken = 'scrape-token-of-at-least-32-characters'
  const h = await startHarness(t, { settings: { metricsAccess: 'token' }, runtime: { metricsToken } })
  const call = async (authorization?: string): Promise<[number, string | undefined]> => {
    const res = await h.app.inject({ url: '/metrics', headers: authorization === undefined ? {} : { authorization } })
    return [res.statusCode, res.statusCode === 200 ? undefined : res.json<{ code: string }>().code]
  }
  t.same(await call(), [401, 'UNAUTHORIZED'], 'no token')
  t.same(await call(`Bearer ${metricsToken}x`), [401, 'UNAUTHORIZED'], 'a wrong token')
  t.same(await call(`Bearer ${await h.adminToken('admin')}`), [401, 'UNAUTHORIZED'], 'an admin JWT is not the scrape token')
  t.same(await call(`Bearer ${metricsToken}`), [200, undefined], 'the scrape token')
  t.match((await h.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${metricsToken}` } })).body, /gw_http_request_duration_seconds/)
})
