import t from 'tap'
import { startHarness, urlOf } from '../helpers/harness.js'

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

t.test('failed native authentications are counted too (Jiangsu\'s token, checked on the headers)', async (t) => {
  const h = await startHarness(t, {
    listen: true,
    settings: { apiRateLimitPerMinute: 2 },
    platformSecrets: { JS: { TOKEN: 'the-real-token-of-jiangsu-platform' } },
    platformOverrides: (p) => p.id === 'JS' ? { ...p, adapter: 'js-batch', endpoint: 'http://127.0.0.1:9' } : p
  })
  const answers: Array<[number, string]> = []
  for (let i = 0; i < 3; i++) {
    const res = await fetch(`${urlOf(h)}/v1/native/JS/jsxy/batch/upload`, { method: 'POST', headers: { 'content-type': 'text/csv; charset=GB18030', 'x-js-token': `guess-${i}` }, body: 'x' })
    answers.push([res.status, (await res.json() as { code: string }).code])
  }
  t.same(answers, [[401, 'AUTH_FAILED'], [401, 'AUTH_FAILED'], [429, 'RATE_LIMITED']])
  const logged = await h.db.query<{ code: string }>('SELECT code FROM security_log ORDER BY id')
  t.same(logged.rows.map((r) => r.code), ['UNAUTHORIZED', 'UNAUTHORIZED'], 'the refused request is logged, the rate-limited one is not (no flood of the log)')
})

t.test('Shanghai\'s route answers a rate-limited request as busy (9999) with HTTP 429', async (t) => {
  const h = await startHarness(t, {
    listen: true,
    settings: { apiRateLimitPerMinute: 1 },
    platformSecrets: { SH: { APP_KEY: 'sh-app', APP_SECRET: 'sh-secret-of-shanghai-platform' } },
    platformOverrides: (p) => p.id === 'SH' ? { ...p, adapter: 'sh-rest', endpoint: 'http://127.0.0.1:9/api/credit/v2/records' } : p
  })
  const call = async (): Promise<[number, unknown]> => {
    const res = await fetch(`${urlOf(h)}/v1/native/SH/api/credit/v2/records`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-sh-appkey': 'guess' }, body: '{}' })
    const body = await res.json() as { code: string, data?: { gatewayCode?: string } }
    return [res.status, [body.code, body.data?.gatewayCode]]
  }
  t.same(await call(), [200, ['1000', 'ISSUER_UNKNOWN']])
  t.same(await call(), [429, ['9999', 'RATE_LIMITED']])
})

// Regression (outside probe of issue 12): nativeAuthFailuresPerMinute was applied on Anhui's route
// only; a guessed Shanghai app key or Jiangsu token was limited by the general per-address limit alone.
t.test('nativeAuthFailuresPerMinute limits failed native authentications on Shanghai\'s and Jiangsu\'s routes too', async (t) => {
  const h = await startHarness(t, {
    listen: true,
    settings: { apiRateLimitPerMinute: 1000, nativeAuthFailuresPerMinute: 3 },
    platformSecrets: { SH: { APP_KEY: 'sh-app', APP_SECRET: 'sh-secret-of-shanghai-platform' }, JS: { TOKEN: 'the-real-token-of-jiangsu-platform' } },
    platformOverrides: (p) => p.id === 'SH'
      ? { ...p, adapter: 'sh-rest', endpoint: 'http://127.0.0.1:9/api/credit/v2/records' }
      : p.id === 'JS' ? { ...p, adapter: 'js-batch', endpoint: 'http://127.0.0.1:9' } : p
  })
  const sh = async (): Promise<[number, string]> => {
    const res = await fetch(`${urlOf(h)}/v1/native/SH/api/credit/v2/records`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-sh-appkey': 'guess' }, body: '{}' })
    return [res.status, (await res.json() as { code: string }).code]
  }
  const js = async (token: string): Promise<[number, string]> => {
    const res = await fetch(`${urlOf(h)}/v1/native/JS/jsxy/batch/upload`, { method: 'POST', headers: { 'content-type': 'text/csv; charset=GB18030', 'x-js-token': token }, body: 'x' })
    return [res.status, (await res.json() as { code: string }).code]
  }
  const shAnswers = [await sh(), await sh(), await sh(), await sh()]
  t.same(shAnswers, [[200, '1000'], [200, '1000'], [200, '1000'], [429, '9999']], 'Shanghai: the fourth guess of the minute is refused as busy')
  const jsAnswers = [await js('guess-1'), await js('guess-2'), await js('guess-3'), await js('the-real-token-of-jiangsu-platform')]
  t.same(jsAnswers, [[401, 'AUTH_FAILED'], [401, 'AUTH_FAILED'], [401, 'AUTH_FAILED'], [429, 'RATE_LIMITED']], 'Jiangsu: then even the right token waits for the minute to end')
})
