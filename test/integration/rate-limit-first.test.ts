import t from 'tap'
import { startHarness } from '../helpers/harness.js'

t.test('failed authentications count against the rate limit: bad bearer tokens end in 429 RATE_LIMITED', async (t) => {
  const h = await startHarness(t, { settings: { apiRateLimitPerMinute: 3 } })
  const answers: Array<[number, string]> = []
  for (let i = 0; i < 5; i++) {
    const res = await h.app.inject({ url: '/v1/deliveries', headers: { authorization: 'Bearer not-a-jwt' } })
    answers.push([res.statusCode, res.json<{ code: string }>().code])
  }
  t.same(answers, [[401, 'UNAUTHORIZED'], [401, 'UNAUTHORIZED'], [401, 'UNAUTHORIZED'], [429, 'RATE_LIMITED'], [429, 'RATE_LIMITED']])
  const good = await h.app.inject({ url: '/v1/deliveries', headers: { authorization: `Bearer ${await h.adminToken('admin')}` } })
  t.same([good.statusCode, good.json<{ code: string }>().code], [429, 'RATE_LIMITED'], 'the address is limited, whatever it sends next')
})

t.test('forged session cookies and missing credentials are counted too', async (t) => {
  const h = await startHarness(t, { settings: { apiRateLimitPerMinute: 2 } })
  const statuses: number[] = []
  statuses.push((await h.app.inject({ url: '/v1/admin/overview', cookies: { gw_session: 'forged.value' } })).statusCode)
  statuses.push((await h.app.inject({ url: '/v1/quality' })).statusCode)
  statuses.push((await h.app.inject({ url: '/v1/admin/overview', cookies: { gw_session: 'forged.value' } })).statusCode)
  t.same(statuses, [401, 401, 429])
})

t.test('logins keep their own, lower limit on top of the general one', async (t) => {
  const h = await startHarness(t, { settings: { loginRateLimitPerMinute: 2, apiRateLimitPerMinute: 100 } })
  const statuses: number[] = []
  for (let i = 0; i < 3; i++) statuses.push((await h.app.inject({ method: 'POST', url: '/v1/admin/session', payload: { username: 'nobody', password: 'not the password' } })).statusCode)
  t.same(statuses, [401, 401, 429])
  const limited = await h.app.inject({ method: 'POST', url: '/v1/admin/session', payload: { username: 'nobody', password: 'not the password' } })
  t.equal(limited.json<{ code: string }>().code, 'RATE_LIMITED')
  t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After says when')
  t.equal((await h.app.inject({ url: '/healthz' })).statusCode, 200, 'other routes still answer')
})
