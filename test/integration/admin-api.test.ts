import t from 'tap'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'

const UNMASKED_ID = /(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])/

t.test('dashboard APIs: overview, message search and detail, query log with filters and a safe CSV export', async (t) => {
  // A generous timeout: the attempt logs below expect SH's first attempt to succeed, and a loaded
  // machine (or one under libfaketime) can take longer than the fast policy's 400 ms to answer.
  const { h, sim } = await startDeliverySetup(t, { policy: { timeoutMs: 5000 } })
  sim('JS').failure = 'reject-400'
  const jtis: string[] = []
  for (let i = 1; i <= 2; i++) {
    const { jws, jti } = await h.sign('ZJ', { kind: 'list.upsert', items: [sampleEntry('ZJ', '330000', i, { person: true })] })
    t.equal((await h.post(jws)).status, 202)
    jtis.push(jti)
  }
  t.ok(await waitFor(async () => (await statusCounts(h)).dead === 2 && (await statusCounts(h)).delivered === 4, 15_000))
  const ops = { authorization: `Bearer ${await h.adminToken('operator')}` }
  const auditor = { authorization: `Bearer ${await h.adminToken('auditor')}` }

  const overview = (await h.app.inject({ url: '/v1/admin/overview?minutes=60', headers: ops })).json()
  const js = overview.platforms.find((p: { id: string }) => p.id === 'JS')
  t.match(js, { health: 'up', dead: 2, deliveries: { dead: 2 }, oldestPendingSeconds: null, pull: false })
  t.match(overview.platforms.find((p: { id: string }) => p.id === 'SH'), { dead: 0, deliveries: { delivered: 2 } })
  t.equal(overview.lag.bucketSeconds, 60)
  t.same([...new Set(overview.lag.points.map((p: { platform: string }) => p.platform))].sort(), ['AH', 'SH'], 'lag points for the platforms that received')
  t.equal((await h.app.inject({ url: '/v1/admin/overview?minutes=1', headers: ops })).statusCode, 400)

  const dead = (await h.app.inject({ url: '/v1/admin/messages?status=dead&destination=JS&limit=1', headers: ops })).json()
  t.equal(dead.messages.length, 1)
  t.same(dead.messages[0].statuses, { dead: 1, delivered: 2 })
  t.ok(dead.nextBefore, 'a next page')
  const page2 = (await h.app.inject({ url: `/v1/admin/messages?status=dead&destination=JS&limit=1&before=${encodeURIComponent(dead.nextBefore)}`, headers: ops })).json()
  t.same([dead.messages[0].jti, page2.messages[0].jti].sort(), [...jtis].sort(), 'paging walks both')
  const byPrefix = (await h.app.inject({ url: `/v1/admin/messages?q=${encodeURIComponent((jtis[0] ?? '').slice(0, 12))}`, headers: ops })).json()
  t.ok(byPrefix.messages.some((m: { jti: string }) => m.jti === jtis[0]), 'found by the start of its id')

  const detail = await h.app.inject({ url: `/v1/admin/messages/${encodeURIComponent(jtis[0] ?? '')}`, headers: ops })
  const d = detail.json()
  const toJs = d.destinations.find((x: { platform: string }) => x.platform === 'JS')
  t.match(toJs, { status: 'dead', resends: 0, attemptLog: [{ attempt: 1, outcome: 'failed', error: /400/ }] })
  t.match(d.destinations.find((x: { platform: string }) => x.platform === 'SH'), { status: 'delivered', receipt: { jti: jtis[0] }, attemptLog: [{ outcome: 'delivered' }] })
  t.notMatch(detail.body, UNMASKED_ID)
  t.equal((await h.app.inject({ url: '/v1/admin/messages/nope', headers: ops })).statusCode, 404)

  // Lookups: one with a purpose that itself holds an identity number, one that looks like a formula.
  const person = sampleEntry('ZJ', '330000', 1, { person: true }).subject.idNumber as string
  for (const purpose of [`核查 ${person} 的资格`, '=HYPERLINK("http://x")']) {
    const res = await h.app.inject({ url: `/v1/subjects/${person}/entries`, headers: { authorization: `Bearer ${await h.platformToken('AH')}`, 'x-query-purpose': encodeURIComponent(purpose) } })
    t.equal(res.statusCode, 200)
  }
  const log = await h.app.inject({ url: `/v1/admin/query-log?subject=${person}`, headers: auditor })
  t.equal(log.json().rows.length, 2, 'both lookups of the person, found by the number')
  t.match((await h.app.inject({ url: `/v1/admin/query-log?subject=${person}`, headers: auditor })).json().rows[0],
    { principal: 'auditor-console:auditor-user', route: 'GET /v1/admin/query-log', resultCount: 2 }, 'the search by subject is itself a recorded lookup')
  t.notMatch(log.body, UNMASKED_ID, 'the number typed into a purpose is masked too')
  t.equal((await h.app.inject({ url: '/v1/admin/query-log?principal=SH', headers: auditor })).json().rows.length, 0)
  t.equal((await h.app.inject({ url: '/v1/admin/query-log?limit=1', headers: auditor })).json().rows.length, 1)
  t.equal((await h.app.inject({ url: '/v1/admin/query-log?limit=501', headers: auditor })).statusCode, 400)

  const csv = await h.app.inject({ url: '/v1/admin/query-log.csv', headers: auditor })
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], /text\/csv/)
  t.match(csv.headers['content-disposition'], /attachment; filename="query-log-\d{4}-\d{2}-\d{2}\.csv"/)
  t.ok(csv.body.startsWith('\uFEFF'), 'a BOM, so spreadsheets read the Chinese')
  t.notMatch(csv.body, UNMASKED_ID)
  t.match(csv.body, /"'=HYPERLINK\(""http:\/\/x""\)"/, 'a formula is quoted as text')
  const exported = await h.db.query<{ principal: string, action: string, detail: { rows: number } }>("SELECT principal, action, detail FROM admin_actions WHERE action = 'query-log.export'")
  t.match(exported.rows, [{ principal: 'auditor-console:auditor-user', detail: { rows: 4 } }], 'the export is recorded')

  const actions = (await h.app.inject({ url: '/v1/admin/actions', headers: auditor })).json()
  t.match(actions.rows, [{ action: 'query-log.export', principal: 'auditor-console:auditor-user' }])
  t.match((await h.app.inject({ url: '/v1/admin/audit/verify', headers: auditor })).json(), { chains: [{ table: 'query_log', ok: true, rows: 4 }, { table: 'admin_actions', ok: true, rows: 1 }] })
})
