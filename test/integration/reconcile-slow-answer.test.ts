import { createServer } from 'node:http'
import t from 'tap'
import { createYrdPushAdapter } from '../../adapters/yrd-push/yrd-push-adapter.js'
import { DEFAULT_DELIVERY, type PlatformConfig } from '../../config/config-schema.js'
import { gatewayKeysFrom, generatePrivateJwk } from '../../src/keys/signing-keys.js'

// A reconciliation round may take a platform longer to answer than a delivery: the exchange waits
// up to 60 s for it, not the platform's delivery timeout (which the connection pool applies to
// every request unless told otherwise). At 10,000,000 entries a round of 10,000 differences took
// the reference replica longer than the default delivery timeout.

t.test('a reconciliation answer slower than the delivery timeout is still read', async (t) => {
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ match: [''], elements: {}, children: {} }))
      }, 1500)
    })
  })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  t.teardown(() => { server.close() })
  const address = server.address()
  if (address === null || typeof address !== 'object') throw new Error('no port')
  const policy = { ...DEFAULT_DELIVERY, timeoutMs: 500 }
  const platform = { id: 'JS', name: 'JS', regionCode: '320000', adapter: 'yrd-push', endpoint: `http://127.0.0.1:${address.port}/yrd/v1/deliveries`, enabled: true, jwks: { keys: [] }, delivery: policy } as unknown as PlatformConfig
  const keys = await gatewayKeysFrom([await generatePrivateJwk('ES256', 'slow-gw')])
  const adapter = createYrdPushAdapter({ platform, policy, sign: keys.sign, secrets: {} })
  t.teardown(async () => { await adapter.close() })
  const reconcile = adapter.reconcile
  if (reconcile === undefined) throw new Error('yrd-push speaks range reconciliation')
  const started = Date.now()
  const { answer } = await reconcile({ owner: 'SH', listCode: 'l' }, [['', 'x']], 32)
  t.same(answer.match, [''], 'the answer, after 1.5 s, with a delivery timeout of 0.5 s')
  t.ok(Date.now() - started >= 1400, 'it did wait')
})
