import t from 'tap'
import { sampleEntry } from '../../sim/sample-entries.js'
import { freePort } from '../helpers/own-redis.js'
import { pushPlatform, twoSimulatedPlatforms } from '../helpers/serve-platforms.js'
import { serveScratch, startServe } from '../helpers/serve-process.js'

// Issue 16 item 5: readiness depends on the ledger alone. `credit-gw serve` pointed at a Redis
// address where nothing listens (a real connection refused, not a mock) is ready, says Redis is
// degraded, and takes envelopes: they wait in the ledger's outbox for the queues.
t.test('serve with Redis unreachable: /readyz 200 degraded, ingest accepts, the delivery waits in the ledger', async (t) => {
  const { sh, zj } = await twoSimulatedPlatforms(t)
  const closedPort = await freePort()
  const s = await serveScratch(t, [pushPlatform(sh, '310000'), pushPlatform(zj, '330000')], {}, {
    REDIS_URL: `redis://127.0.0.1:${closedPort}`
  })
  const gw = await startServe(t, s.env)

  const ready = await fetch(`${gw.url}/readyz`)
  t.equal(ready.status, 200, 'ready: the database is reachable')
  t.same(await ready.json(), { status: 'degraded', redis: 'down', database: 'ok', degraded: ['redis'] })

  const { status, body, jti } = await sh.publish(gw.url, { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 1)] })
  t.equal(status, 202, 'an envelope is accepted without Redis')
  t.match(body, { jti, receipt: String })
  const again = await sh.publish(gw.url, { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 2)] })
  t.equal(again.status, 202, 'and the next one')
  const { rows } = await s.db.query<{ destination: string, status: string }>(
    'SELECT destination, status FROM deliveries WHERE iss = $1 AND jti = $2', ['SH', jti])
  t.same(rows, [{ destination: 'ZJ', status: 'queued' }], 'its delivery to ZJ is kept in the ledger, queued')
  t.same(zj.messagesApplied, [], 'nothing reached ZJ without the queues')
})
