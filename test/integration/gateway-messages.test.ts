import t from 'tap'
import { compactVerify, createLocalJWKSet } from 'jose'
import { sampleEntry } from '../../sim/sample-entries.js'
import { emitGatewayMessage } from '../../src/ledger/gateway-messages.js'
import { inTransaction } from '../../src/ledger/pool.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'

t.test('a message the gateway issues is signed by the gateway, kept as evidence and delivered like any other', async (t) => {
  const { h, sim } = await startDeliverySetup(t)
  // The owner publishes v1; the gateway later re-sends the owner's entry to one replica (as a heal does).
  const { jws } = await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 1)] })
  t.equal((await h.post(jws)).status, 202)
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 3))
  const v2 = { ...sampleEntry('SH', '310000', 1), version: 2 }
  const jti = await inTransaction(h.app.pg, async (c) => await emitGatewayMessage(c, h.gatewayKeys, { kind: 'list.upsert', items: [v2], destinations: ['JS'] }))
  t.match(jti, /^YRD-/)
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 4), 'delivered through the ordinary pipeline')
  t.equal(sim('JS').held.get('SH:SH-black-1')?.version, 2, 'the replica holds the owner\'s entry at v2')
  t.equal(sim('ZJ').held.get('SH:SH-black-1')?.version, 1, 'nothing sent elsewhere')
  const rv = await h.db.query("SELECT owner, version FROM replica_versions WHERE destination = 'JS'")
  t.same(rv.rows, [{ owner: 'SH', version: 2 }], 'the replica version is recorded under the entry\'s owner, not the gateway')
  const env = await h.db.query<{ iss: string, jws: string }>('SELECT iss, jws FROM envelopes WHERE jti = $1', [jti])
  t.equal(env.rows[0]?.iss, 'YRD')
  const verified = await compactVerify(env.rows[0]?.jws ?? '', createLocalJWKSet(h.gatewayKeys.jwks))
  t.equal(verified.protectedHeader.kid, h.gatewayKeys.kid, 'signed with the gateway key')
  const status = (await h.app.inject({ url: `/v1/messages/${jti}`, headers: { authorization: `Bearer ${await h.adminToken('operator')}` } })).json()
  t.equal(status.destinations.length, 1)
  t.equal(status.destinations[0].status, 'delivered')
})
