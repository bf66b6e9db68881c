import { createServer } from 'node:http'
import { createLocalJWKSet } from 'jose'
import t from 'tap'
import { createYrdPushAdapter } from '../../adapters/yrd-push/yrd-push-adapter.js'
import { AdapterError, type Delivery, type PlatformAdapter } from '../../adapters/types.js'
import { DEFAULT_DELIVERY } from '../../config/config-schema.js'
import { gatewayKeysFrom, generatePrivateJwk } from '../../src/keys/signing-keys.js'
import { startSimulatedPlatform } from '../../sim/platform-simulator.js'
import { sampleEntry } from '../../sim/sample-entries.js'

const keys = await gatewayKeysFrom([await generatePrivateJwk('ES256', 'gw-batch')])

function adapterFor (endpoint: string, platformJwks: Parameters<typeof createLocalJWKSet>[0]): PlatformAdapter {
  return createYrdPushAdapter({
    platform: { id: 'JS', name: 'JS', regionCode: '320000', adapter: 'yrd-push', endpoint, enabled: true, delivery: DEFAULT_DELIVERY },
    policy: { ...DEFAULT_DELIVERY, timeoutMs: 5000 },
    sign: keys.sign,
    secrets: {},
    // The simulator signs its receipts: they are verified against its published keys.
    platformKeys: createLocalJWKSet(platformJwks)
  })
}

const delivery = (n: number): Delivery => ({
  deliveryId: String(n),
  jti: `SH-batch-${n}`,
  kind: 'list.upsert',
  origin: 'SH',
  originDigest: 'x',
  destination: 'JS',
  items: [sampleEntry('SH', '310000', n)],
  receivedAt: new Date(0).toISOString(),
  resends: 0
})

t.test('the batch form: one push, applied in order, one outcome per message', async (t) => {
  const sim = await startSimulatedPlatform({ id: 'JS' })
  sim.trustGateway(keys.jwks)
  const adapter = adapterFor(`${sim.url}/yrd/v1/deliveries`, sim.jwks)
  t.teardown(async () => { await adapter.close(); await sim.close() })
  t.equal(adapter.capabilities.batch, true, 'yrd-push declares the batch capability')
  sim.refuse.add('SH-batch-2')
  const outcomes = await adapter.deliverBatch?.([delivery(1), delivery(2), delivery(3)]) ?? []
  t.same(sim.pushes.map((p) => p.messages), [3], 'one push of three messages')
  t.same(sim.messagesApplied, ['SH-batch-1', 'SH-batch-3'], 'applied in order, the refused one left out')
  t.equal(outcomes.length, 3)
  t.equal((outcomes[0] as { evidence: { jti: string } }).evidence.jti, 'SH-batch-1', 'the first message\'s own receipt')
  t.ok(outcomes[1] instanceof AdapterError, 'the refused message has its error')
  t.equal((outcomes[1] as AdapterError).code, 'ADAPTER_REFUSED')
  t.equal((outcomes[1] as AdapterError).retryable, false)
  t.equal((outcomes[2] as { evidence: { jti: string } }).evidence.jti, 'SH-batch-3')

  sim.failure = 'error-500'
  const whole = await adapter.deliverBatch?.([delivery(4), delivery(5)]).catch((err: unknown) => err)
  t.ok(whole instanceof AdapterError && whole.retryable && whole.code === 'ADAPTER_UNAVAILABLE', 'a 500 fails the push as a whole')
  sim.failure = 'wrong-receipt'
  const wrong = await adapter.deliverBatch?.([delivery(6), delivery(7)]) ?? []
  t.ok(wrong.every((o) => o instanceof AdapterError && o.code === 'ADAPTER_INVALID_RECEIPT'), 'each receipt is checked')
})

t.test('a platform that answers 415 to the batch form gets the messages one by one, in order', async (t) => {
  const sim = await startSimulatedPlatform({ id: 'JS' })
  sim.trustGateway(keys.jwks)
  // A platform serving only the single form: refuses application/json, passes the JWS on to the simulator.
  const proxy = createServer((req, res) => {
    if (req.headers['content-type'] === 'application/json') { res.writeHead(415).end(); req.resume(); return }
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      fetch(`${sim.url}/yrd/v1/deliveries`, { method: 'POST', headers: { 'content-type': 'application/jose' }, body: Buffer.concat(chunks) })
        .then(async (r) => { res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text()) })
        .catch(() => { res.writeHead(502).end() })
    })
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  const port = (proxy.address() as { port: number }).port
  const adapter = adapterFor(`http://127.0.0.1:${port}/yrd/v1/deliveries`, sim.jwks)
  t.teardown(async () => { await adapter.close(); proxy.close(); await sim.close() })
  const outcomes = await adapter.deliverBatch?.([delivery(1), delivery(2)]) ?? []
  t.same(outcomes.map((o) => o instanceof AdapterError ? o.code : (o.evidence as { jti: string }).jti), ['SH-batch-1', 'SH-batch-2'])
  t.same(sim.messagesApplied, ['SH-batch-1', 'SH-batch-2'], 'sent singly, in order')
  t.equal(sim.pushes.length, 0, 'no batch reached the platform')
})
