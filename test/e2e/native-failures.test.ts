import t from 'tap'
import { urlOf } from '../helpers/harness.js'
import { statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { startNativeGateway } from '../helpers/native-setup.js'
import { sampleEntry } from '../../sim/sample-entries.js'

t.test('each native platform failing in its own way, through the whole gateway: retried, or dead with its reason, and recovered', async (t) => {
  const { h, platforms } = await startNativeGateway(t, { feedRedeliverMs: 300 })
  const p = (id: string): typeof platforms[number] => platforms.find((x) => x.id === id) as typeof platforms[number]
  const admin = await h.adminToken('admin')
  const deliveryOf = async (jti: string, dest: string): Promise<{
    id: string, status: string, last_error: string | null, attempts: number
  }> =>
    (await h.db.query('SELECT id, status, last_error, attempts FROM deliveries WHERE jti = $1 AND destination = $2', [jti, dest])).rows[0]

  // Jiangsu rejects a row of the batch and applies the other: partial, with the platform's reason;
  // a resend once fixed delivers it.
  p('JS').fail('partial-reject')
  // Shanghai answers 500: retried until it recovers.
  p('SH').fail('error-500')
  // Zhejiang applies but does not acknowledge: offered again until it does.
  p('ZJ').fail('no-ack')
  const fromAh = await p('AH').publish(urlOf(h), { kind: 'list.upsert', items: [sampleEntry('AH', '340000', 1), sampleEntry('AH', '340000', 2)] })
  t.equal(fromAh.status, 202)

  t.ok(await waitFor(async () => (await deliveryOf(fromAh.jti, 'JS'))?.status === 'partial'), 'JS: partial')
  t.match((await deliveryOf(fromAh.jti, 'JS')).last_error, /refused 1 of 2 items: items\[1\] REJECTED 主体名称/, 'JS: the rejected row and its reason')
  t.ok(await waitFor(async () => (await deliveryOf(fromAh.jti, 'SH'))?.attempts >= 2, 20_000), 'SH: retried')
  t.ok(await waitFor(async () => (await deliveryOf(fromAh.jti, 'ZJ'))?.status === 'delivering'), 'ZJ: offered, not acknowledged')

  p('SH').fail('none')
  p('ZJ').fail('none')
  p('JS').fail('none')
  const res = await h.app.inject({ method: 'POST', url: `/v1/deliveries/${(await deliveryOf(fromAh.jti, 'JS')).id}/resend`, headers: { authorization: `Bearer ${admin}` } })
  t.equal(res.statusCode, 202, 'JS resent')
  t.ok(await waitFor(async () => (await statusCounts(h, `jti = '${fromAh.jti}'`)).delivered === 3, 20_000), 'delivered everywhere')
  for (const id of ['SH', 'ZJ']) t.equal(p(id).appliedCount(fromAh.jti), 1, `${id} applied it once`)
  for (const id of ['SH', 'JS', 'ZJ']) t.ok(p(id).held('AH', 'AH-black-2'), `${id} holds the entry`)

  // Anhui answers a receipt that does not match what was sent: permanent.
  p('AH').fail('invalid-receipt')
  const fromSh = await p('SH').publish(urlOf(h), { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 3)] })
  t.ok(await waitFor(async () => (await deliveryOf(fromSh.jti, 'AH'))?.status === 'dead'), 'AH: dead')
  t.ok((await deliveryOf(fromSh.jti, 'AH')).last_error, 'with a reason')
  t.equal((await deliveryOf(fromSh.jti, 'AH')).attempts, 1, 'not retried')
})
