import t from 'tap'
import Fastify from 'fastify'
import { startHarness } from '../helpers/harness.js'
import { loginAs, type AdminRoleName } from '../helpers/admin-sessions.js'
import { installRouteAccess } from '../../src/auth/route-access.js'
import type { Role } from '../../src/auth/bearer-auth.js'

const OPS: Role[] = ['admin', 'operator', 'auditor']
// A department system's role (checker) is tried in test/integration/checks.test.ts (it needs a checkers.json issuer).
const ALL: Array<AdminRoleName | 'platform'> = ['admin', 'operator', 'auditor', 'platform']

/**
 * Who may call each route: the gateway's access table must be exactly this (a new route is added
 * here, deliberately), and every route is then tried with no credentials and with every role.
 * `own`: the route authenticates the caller itself; `public`: anyone.
 */
const EXPECTED: Record<string, Role[] | 'own' | 'public'> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'public',
  'GET /.well-known/jwks.json': 'public',
  'POST /v1/envelopes': 'own',
  'GET /v1/messages/:jti': ['platform', 'admin', 'operator', 'auditor'],
  'GET /v1/subjects/:id/entries': ['platform', 'admin', 'operator'],
  'GET /v1/deliveries': OPS,
  'POST /v1/deliveries/:id/resend': ['admin'],
  'GET /v1/feeds/:platform': ['platform'],
  'POST /v1/feeds/:platform/ack': ['platform'],
  'POST /v1/admin/session': 'public',
  'GET /v1/admin/session': OPS,
  'DELETE /v1/admin/session': OPS,
  'GET /v1/admin/overview': OPS,
  'POST /v1/admin/platforms/:id/resume': ['admin', 'operator'],
  'GET /v1/admin/messages': OPS,
  'GET /v1/admin/messages/:jti': OPS,
  'GET /v1/admin/query-log': ['auditor'],
  'GET /v1/admin/query-log.csv': ['auditor'],
  'GET /v1/admin/actions': ['auditor'],
  'GET /v1/admin/audit/verify': ['auditor'],
  'GET /admin': 'public',
  'GET /admin/': 'public',
  'GET /admin/assets/:file': 'public',
  'GET /v1/cases': ['platform', 'admin', 'operator', 'auditor'],
  'GET /v1/cases/:initiator/:caseId': ['platform', 'admin', 'operator', 'auditor'],
  'GET /v1/entries/:owner/:entryId': ['platform', 'admin', 'operator', 'auditor'],
  'GET /v1/stats/coordination': OPS,
  'GET /v1/transparency/logs': ['platform', 'admin', 'operator', 'auditor'],
  'GET /v1/transparency/logs/:owner/:listCode/checkpoints/latest': ['platform', 'admin', 'operator', 'auditor'],
  'GET /v1/transparency/logs/:owner/:listCode/checkpoints': ['platform', 'admin', 'operator', 'auditor'],
  'POST /v1/transparency/logs/:owner/:listCode/checkpoints': ['admin', 'operator'],
  'GET /v1/transparency/logs/:owner/:listCode/inclusion': ['platform', 'admin', 'operator', 'auditor'],
  'GET /v1/transparency/logs/:owner/:listCode/consistency': ['platform', 'admin', 'operator', 'auditor'],
  'POST /v1/checks': ['platform', 'checker'],
  'GET /v1/checks/:id': ['platform', 'checker', 'admin', 'operator', 'auditor'],
  'POST /v1/checks/:id/outcome': ['platform', 'checker'],
  'GET /v1/checks/stats': OPS,
  'GET /v1/quality': OPS,
  'GET /v1/reconciliation/runs': ['admin', 'operator', 'auditor'],
  'GET /v1/reconciliation/runs/:id': ['admin', 'operator', 'auditor'],
  'POST /v1/reconciliation/runs': ['admin', 'operator'],
  'POST /v1/reconciliation/runs/:id/heal': ['admin']
}

const SAMPLE_PARAMS: Record<string, string> = { jti: 'no-such-jti', id: '1', platform: 'ZJ', file: 'none.js', batchId: 'b1' }
const concrete = (url: string): string => url.replace(/:(\w+)/g, (_m, p: string) => SAMPLE_PARAMS[p] ?? 'x').replace(/\*$/, 'json')
const isDocs = (url: string): boolean => url === '/docs' || url.startsWith('/docs/')

t.test('every route declares its access and refuses every caller it should (route by route)', async (t) => {
  const h = await startHarness(t)
  const sessions = new Map<AdminRoleName, Awaited<ReturnType<typeof loginAs>>>()
  for (const role of ['admin', 'operator', 'auditor'] as const) sessions.set(role, await loginAs(h, role))
  const bearer = async (role: AdminRoleName | 'platform'): Promise<string> => role === 'platform' ? await h.platformToken('ZJ') : await h.adminToken(role)

  const routes = new Map<string, (typeof h.app.accessTable)[number]>()
  for (const r of h.app.accessTable) if (r.method !== 'HEAD') routes.set(`${r.method} ${r.url}`, r)
  const native = [...routes.keys()].filter((k) => k.includes('/v1/native/'))
  const docs = [...routes.keys()].filter((k) => isDocs(k.split(' ')[1] ?? ''))
  t.ok(docs.length > 0, 'the /docs routes are in the table')
  t.same([...routes.keys()].filter(
    (k) => !native.includes(k) && !docs.includes(k)
  ).sort(), Object.keys(EXPECTED).sort(),
  'the access table is exactly the expected one (native routes and /docs apart)')

  // Logging out ends the sessions the other routes are tried with: last.
  const order = [...routes].sort(([a], [b]) => Number(a === 'DELETE /v1/admin/session') - Number(b === 'DELETE /v1/admin/session'))
  for (const [key, route] of order) {
    const [method = 'GET', url = ''] = key.split(' ')
    const expected = native.includes(key) ? 'own' : docs.includes(key) ? 'public' : EXPECTED[key]
    const declared = 'roles' in route.access ? route.access.roles : 'own' in route.access ? 'own' : 'public'
    t.same(declared, expected, `${key} declares ${JSON.stringify(expected)}`)
    const call = async (headers: Record<string, string>, cookies?: Record<string, string>): Promise<number> => {
      const res = await h.app.inject({ method: method as 'GET', url: concrete(url), headers, cookies, ...(method === 'GET' || method === 'DELETE' ? {} : { payload: {} }) })
      return res.statusCode
    }
    if (expected === 'public') {
      const status = await call({})
      t.not(status, 401, `${key}: public, no credentials needed`)
      t.not(status, 403, `${key}: public`)
      continue
    }
    if (expected === 'own') {
      const status = await call({})
      t.ok(status >= 400 && status < 500, `${key}: refused without the route's own credentials (${status})`)
      continue
    }
    t.equal(await call({}), 401, `${key}: 401 without credentials`)
    if (method === 'GET') t.equal((await h.app.inject({ method: 'HEAD', url: concrete(url) })).statusCode, 401, `HEAD ${url}: 401 without credentials`)
    t.equal(await call({ authorization: 'Bearer not-a-jwt' }), 401, `${key}: 401 with a bad token`)
    t.equal(await call({}, { gw_session: 'forged.value' }), 401, `${key}: 401 with a forged session cookie`)
    for (const role of ALL) {
      const allowed = (expected as Role[]).includes(role)
      const status = await call({ authorization: `Bearer ${await bearer(role)}` })
      if (allowed) t.ok(status !== 401 && status !== 403, `${key}: ${role} (bearer) admitted (${status})`)
      else t.equal(status, 403, `${key}: ${role} (bearer) refused`)
      const session = role === 'platform' ? undefined : sessions.get(role)
      if (session === undefined) continue
      const sstatus = await call({ 'x-csrf-token': session.csrfToken }, { gw_session: session.cookie })
      if (allowed) t.ok(sstatus !== 401 && sstatus !== 403, `${key}: ${role} (session) admitted (${sstatus})`)
      else t.equal(sstatus, 403, `${key}: ${role} (session) refused`)
    }
  }
})

t.test('a route that declares no access stops start-up', async (t) => {
  const app = Fastify()
  installRouteAccess(app)
  t.throws(() => app.get('/undeclared', async () => 'x'), /route GET \/undeclared declares no access/, 'at the root: when added')
  await t.rejects(async () => { await app.register(async (child) => { child.post('/in-a-plugin', async () => 'x') }) },
    /route POST \/in-a-plugin declares no access/, 'in a plugin: the app does not start')
  await app.close().catch(() => undefined)
})

t.test('cookie sessions: CSRF token required for state changes; logout ends the session', async (t) => {
  const h = await startHarness(t)
  const admin = await loginAs(h, 'admin')
  const resend = async (headers: Record<string, string>): Promise<{ status: number, code: string }> => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/deliveries/999/resend', headers, cookies: { gw_session: admin.cookie } })
    return { status: res.statusCode, code: (res.json() as { code: string }).code }
  }
  t.same(await resend({}), { status: 403, code: 'FORBIDDEN' }, 'no CSRF token: refused')
  t.same(await resend({ 'x-csrf-token': 'wrong' }), { status: 403, code: 'FORBIDDEN' }, 'wrong CSRF token: refused')
  t.same(await resend({ 'x-csrf-token': admin.csrfToken }), { status: 404, code: 'NOT_FOUND' }, 'right token: through to the handler')

  const who = await h.app.inject({ url: '/v1/admin/session', cookies: { gw_session: admin.cookie } })
  t.match(who.json(), { principal: 'local:admin1', roles: ['admin'], via: 'session', csrfToken: admin.csrfToken })
  const out = await h.app.inject({ method: 'DELETE', url: '/v1/admin/session', cookies: { gw_session: admin.cookie }, headers: { 'x-csrf-token': admin.csrfToken } })
  t.equal(out.statusCode, 204)
  t.equal((await h.app.inject({ url: '/v1/admin/session', cookies: { gw_session: admin.cookie } })).statusCode, 401, 'the old cookie no longer works')
  const actions = await h.db.query<{ principal: string, action: string }>('SELECT principal, action FROM admin_actions ORDER BY seq')
  t.same(actions.rows.map((r) => r.action), ['login', 'logout'], 'login and logout are recorded')
})

t.test('login: wrong passwords refused and recorded, the cookie is HttpOnly and SameSite=Strict, logins rate limited', async (t) => {
  const h = await startHarness(t, { settings: { loginRateLimitPerMinute: 4 } })
  const admin = await loginAs(h, 'admin')
  const login = await h.app.inject({ method: 'POST', url: '/v1/admin/session', payload: { username: 'admin1', password: admin.password } })
  const setCookie = String(login.headers['set-cookie'])
  t.match(setCookie, /HttpOnly/)
  t.match(setCookie, /SameSite=Strict/)
  t.equal(login.json().csrfToken.length > 20, true)
  const wrong = await h.app.inject({ method: 'POST', url: '/v1/admin/session', payload: { username: 'admin1', password: 'not the password' } })
  t.equal(wrong.statusCode, 401)
  t.equal(wrong.json().code, 'UNAUTHORIZED')
  const unknown = await h.app.inject({ method: 'POST', url: '/v1/admin/session', payload: { username: 'nobody', password: 'whatever it is' } })
  t.equal(unknown.statusCode, 401, 'an unknown user gets the same answer')
  t.equal(unknown.json().detail, wrong.json().detail)
  const limited = await h.app.inject({ method: 'POST', url: '/v1/admin/session', payload: { username: 'admin1', password: admin.password } })
  t.equal(limited.statusCode, 429, 'the fifth login in a minute is refused')
  t.equal(limited.json().code, 'RATE_LIMITED')
  const failed = await h.db.query<{ action: string, target: string }>("SELECT action, target FROM admin_actions WHERE action = 'login.failed' ORDER BY seq")
  t.same(failed.rows, [{ action: 'login.failed', target: 'local:admin1' }, { action: 'login.failed', target: 'local:nobody' }])
})

t.test('rate limit on the public API; security headers with a strict CSP', async (t) => {
  const h = await startHarness(t, { settings: { apiRateLimitPerMinute: 3 } })
  const statuses: number[] = []
  for (let i = 0; i < 4; i++) statuses.push((await h.app.inject({ method: 'POST', url: '/v1/envelopes', headers: { 'content-type': 'application/jose' }, payload: 'x.y.z' })).statusCode)
  t.same(statuses, [400, 400, 400, 429], 'the fourth request in a minute is refused')
  const res = await h.app.inject({ url: '/healthz' })
  t.equal(res.statusCode, 429, 'the limit is per client address, across routes')
  t.equal(res.json().code, 'RATE_LIMITED')
  const csp = String(res.headers['content-security-policy'])
  t.match(csp, /default-src 'self'/)
  t.match(csp, /script-src 'self'(;|$)/)
  t.match(csp, /style-src 'self'(;|$)/)
  t.match(csp, /frame-ancestors 'none'/)
  t.notMatch(csp, /unsafe-inline|unsafe-eval/)
  t.equal(res.headers['x-content-type-options'], 'nosniff')
  t.equal(res.headers['x-frame-options'], 'SAMEORIGIN')
  t.equal(res.headers['referrer-policy'], 'no-referrer')
})
