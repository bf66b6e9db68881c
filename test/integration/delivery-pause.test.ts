import t from 'tap'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import type { Harness } from '../helpers/harness.js'
import { loginAs } from '../helpers/admin-sessions.js'

async function publish (h: Harness, iss: string, n: number): Promise<string> {
  const { jws, jti } = await h.sign(iss, { kind: 'list.upsert', items: [sampleEntry(iss, '310000', n)] })
  const res = await h.post(jws)
  if (res.status !== 202) throw new Error(`publish failed: ${JSON.stringify(res.body)}`)
  return jti
}

interface Row { status: string, attempts: number, last_error_code: string | null, last_error: string | null }
const deliveriesTo = async (h: Harness, platform: string): Promise<Row[]> =>
  (await h.db.query<Row>('SELECT status, attempts, last_error_code, last_error FROM deliveries WHERE destination = $1 ORDER BY id', [platform])).rows

const metrics = async (h: Harness): Promise<string> => (await h.app.inject({ url: '/metrics' })).body
const pauseReason = async (h: Harness, platform: string): Promise<string | undefined> =>
  (await h.app.delivery.health.pauseOf(platform))?.reason

t.test('a platform answering 401: its queue pauses without using attempts, shown on the metric, log and dashboard; an admin resumes it', async (t) => {
  const lines: string[] = []
  // No credentials check of JS within the test: only the admin resumes. A generous timeout, so a
  // loaded machine does not time the other platforms out.
  const { h, sim } = await startDeliverySetup(t, {
    policy: { timeoutMs: 5000 },
    platformOverrides: (p) => p.id === 'JS' ? { ...p, delivery: { ...p.delivery, healthIntervalMs: 600_000 } } : p,
    logStream: { write: (line) => { lines.push(...line.split('\n').filter((l) => l !== '')) } }
  })
  sim('JS').failure = 'auth-401'
  await publish(h, 'SH', 1)
  await publish(h, 'ZJ', 2)
  t.ok(await waitFor(async () => await pauseReason(h, 'JS') === 'credentials'), 'JS paused for its credentials')
  t.ok(await waitFor(async () => (await statusCounts(h, "destination <> 'JS'")).delivered === 4), 'the others get theirs meanwhile')
  // The one refused waits, retrying, with the cause; one the paused queue has not run yet stays queued.
  const refused = (d: Row): boolean => d.status === 'retrying' && d.last_error_code === 'ADAPTER_AUTH'
  t.ok(await waitFor(async () => {
    const rows = await deliveriesTo(h, 'JS')
    return rows.some(refused) && rows.every((d) => refused(d) || d.status === 'queued')
  }), 'JS deliveries wait, retrying with the cause or queued')
  // Later attempts would be refused the same way: none is made while the queue is paused.
  await new Promise((resolve) => setTimeout(resolve, 300))
  const waiting = await deliveriesTo(h, 'JS')
  t.equal(waiting.length, 2)
  t.ok(waiting.every((d) => d.attempts === 0), 'no attempt used up')
  t.match(waiting.find(refused)?.last_error, /credentials refused: queue paused/)

  const m = await metrics(h)
  t.match(m, /gw_platform_paused\{platform="JS",reason="credentials"\} 1/, 'the paused gauge says so')
  t.match(m, /gw_platform_paused\{platform="SH",reason="credentials"\} 0/)
  t.match(m, /gw_platform_pauses_total\{platform="JS",reason="credentials"\} 1/, 'one pause counted, however many deliveries hit it')
  const logged = lines.map((l) => JSON.parse(l) as { level: number, msg: string, platform?: string, code?: string })
    .filter((l) => l.platform === 'JS' && l.code === 'ADAPTER_AUTH')
  t.equal(logged.length, 1, 'one log line for the pause')
  t.equal(logged[0]?.level, 50, 'at error level')
  t.match(logged[0]?.msg, /refused the gateway's credentials: delivery queue paused/)

  const admin = await h.adminToken('admin')
  const overview = (await h.app.inject({ url: '/v1/admin/overview', headers: { authorization: `Bearer ${admin}` } })).json()
  const js = overview.platforms.find((p: { id: string }) => p.id === 'JS')
  t.equal(js.health, 'paused')
  t.match(js.pause, { reason: 'credentials', detail: /401/, until: null })
  t.match(js.healthDetail, /credentials/)
  t.equal(overview.platforms.find((p: { id: string }) => p.id === 'SH').pause, null, 'the others run')

  sim('JS').failure = 'none'
  type Answer = Awaited<ReturnType<typeof h.app.inject>>
  const resume = async (headers: Record<string, string>, cookies?: Record<string, string>): Promise<Answer> =>
    await h.app.inject({ method: 'POST', url: '/v1/admin/platforms/JS/resume', headers, cookies })
  for (const role of ['auditor'] as const) {
    const res = await resume({ authorization: `Bearer ${await h.adminToken(role)}` })
    t.equal(res.statusCode, 403, `${role}: refused`)
    t.equal(res.json().code, 'FORBIDDEN')
  }
  t.equal((await resume({ authorization: `Bearer ${await h.platformToken('JS')}` })).statusCode, 403, 'a platform: refused')
  const session = await loginAs(h, 'admin')
  const noCsrf = await resume({}, { gw_session: session.cookie })
  t.equal(noCsrf.statusCode, 403, 'a session without its CSRF token: refused')
  t.equal(await pauseReason(h, 'JS'), 'credentials', 'still paused after the refusals')
  t.equal((await h.db.query("SELECT count(*)::int AS n FROM admin_actions WHERE action = 'platform.resume'")).rows[0].n, 0, 'nothing recorded')

  const ok = await resume({ 'x-csrf-token': session.csrfToken }, { gw_session: session.cookie })
  t.equal(ok.statusCode, 200)
  t.match(ok.json(), { platform: 'JS', resumed: true, pause: { reason: 'credentials' } })
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 6, 15_000), 'everything delivered once resumed')
  t.same((await deliveriesTo(h, 'JS')).map((d) => d.attempts), [1, 1], 'each took one attempt')
  t.equal(sim('JS').messagesApplied.length, 2)
  const audit = await h.db.query("SELECT principal, target, detail FROM admin_actions WHERE action = 'platform.resume'")
  t.equal(audit.rows.length, 1, 'the resume is an audited admin action')
  t.match(audit.rows[0], { principal: /admin1/, target: 'JS', detail: { paused: true, reason: 'credentials' } })
  t.equal(await pauseReason(h, 'JS'), undefined)
  t.match(await metrics(h), /gw_platform_paused\{platform="JS",reason="credentials"\} 0/, 'the gauge back to 0')

  const again = await h.app.inject({ method: 'POST', url: '/v1/admin/platforms/JS/resume', headers: { authorization: `Bearer ${await h.adminToken('operator')}` } })
  t.equal(again.statusCode, 200, 'an operator may resume too')
  t.match(again.json(), { resumed: false, pause: null }, 'nothing was paused')
  const unknown = await h.app.inject({ method: 'POST', url: '/v1/admin/platforms/XX/resume', headers: { authorization: `Bearer ${admin}` } })
  t.equal(unknown.statusCode, 404)
  t.match(unknown.headers['content-type'], /application\/problem\+json/)
})

t.test('a platform answering 403: paused the same way, resumed by the credentials check once it accepts them again', async (t) => {
  const { h, sim } = await startDeliverySetup(t, { policy: { timeoutMs: 5000 } })
  sim('AH').failure = 'auth-403'
  await publish(h, 'SH', 1)
  t.ok(await waitFor(async () => await pauseReason(h, 'AH') === 'credentials'), 'AH paused for its credentials')
  t.ok(await waitFor(async () => (await deliveriesTo(h, 'AH')).every((d) => d.status === 'retrying' && d.last_error_code === 'ADAPTER_AUTH')),
    'the delivery waits, retrying, with the cause')
  // The check keeps being refused: the pause holds.
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.equal(await pauseReason(h, 'AH'), 'credentials', 'still paused while the platform refuses the credentials')
  t.same((await deliveriesTo(h, 'AH')).map((d) => d.attempts), [0], 'no attempt used up')
  sim('AH').failure = 'none'
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 3, 15_000), 'delivered once the platform accepts them')
  t.equal(await pauseReason(h, 'AH'), undefined, 'the pause is over')
  t.same((await deliveriesTo(h, 'AH')).map((d) => d.attempts), [1])
  t.equal(sim('AH').messagesApplied.length, 1)
})

t.test('a platform hanging past its timeout while its health check answers trips the breaker: attempts kept, half-open, closed on recovery', async (t) => {
  const policy = { timeoutMs: 300, breakerTimeouts: 2, breakerCooldownMs: 400 }
  const { h, sim } = await startDeliverySetup(t, { policy })
  sim('ZJ').failure = 'hang'
  await publish(h, 'SH', 1)
  t.ok(await waitFor(async () => await pauseReason(h, 'ZJ') === 'breaker'), 'ZJ: breaker open')
  const pause = await h.app.delivery.health.pauseOf('ZJ')
  t.ok(pause?.until !== null && pause?.until !== undefined, 'the end of the cool-down is known')
  t.match(await metrics(h), /gw_platform_paused\{platform="ZJ",reason="breaker"\} 1/)
  // Half-open after the cool-down: the next timeout opens it again at once.
  t.ok(await waitFor(async () => /gw_platform_pauses_total\{platform="ZJ",reason="breaker"\} [2-9]/.test(await metrics(h)), 15_000),
    'half-open, then open again on the next timeout')
  const [zj] = await deliveriesTo(h, 'ZJ')
  t.ok(zj !== undefined && zj.attempts < 2, `attempts kept: only the timeouts before the breaker opened counted (${String(zj?.attempts)})`)
  t.not(zj?.status, 'dead')
  t.equal(zj?.last_error_code, 'ADAPTER_TIMEOUT')
  sim('ZJ').failure = 'none'
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 3, 15_000), 'delivered after the platform recovers')
  t.equal(await pauseReason(h, 'ZJ'), undefined, 'breaker closed')
  t.match(await metrics(h), /gw_platform_paused\{platform="ZJ",reason="breaker"\} 0/)
  t.equal(sim('ZJ').messagesApplied.length, 1, 'applied once')
})
