import t from 'tap'
import { createServer } from 'node:http'
import { startHarness } from '../helpers/harness.js'
import { generatePrivateJwk, publicPart, type PublicJwk } from '../../src/keys/signing-keys.js'
import { platformSigner, signEnvelope } from '../../src/envelopes/sign-envelope.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { ConfigError } from '../../config/config-error.js'
import { startupError } from '../helpers/startup-error.js'

t.test('a platform with jwksUrl: keys fetched, cached, refetched when a new kid appears (rotation)', async (t) => {
  let served: { keys: PublicJwk[] } = { keys: [] }
  let fetches = 0
  const server = createServer((_req, res) => {
    fetches++
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(served))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.close() })
  const port = (server.address() as { port: number }).port

  const k1 = await generatePrivateJwk('ES256', 'zj-remote-1')
  served = { keys: [publicPart(k1)] }
  const h = await startHarness(t, {
    settings: { jwksHttpHosts: ['127.0.0.1'] },
    platformOverrides: (p) => (p.id === 'ZJ' ? { ...p, jwks: undefined, jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json` } : p)
  })
  const post = async (jwk: typeof k1, n: number): Promise<{ status: number, body: Record<string, unknown> }> =>
    await h.post((await signEnvelope(await platformSigner('ZJ', jwk), { kind: 'list.upsert', items: [sampleEntry('ZJ', '330000', n)] })).jws)

  t.equal((await post(k1, 1)).status, 202)
  t.equal((await post(k1, 2)).status, 202)
  t.equal(fetches, 1, 'the key set is cached')

  const k2 = await generatePrivateJwk('EdDSA', 'zj-remote-2')
  served = { keys: [publicPart(k1), publicPart(k2)] }
  t.equal((await post(k2, 3)).status, 202, 'a rotated-in key is found by refetching')
  t.equal(fetches, 2)

  const stranger = await generatePrivateJwk('ES256', 'zj-not-published')
  const refused = await post(stranger, 4)
  t.same([refused.status, refused.body.code], [401, 'KEY_UNKNOWN'])
  t.equal(await h.count('entries'), 3)
})

t.test('a platform whose key set cannot be fetched: 503 UNAVAILABLE, retryable, nothing stored', async (t) => {
  const h = await startHarness(t, {
    settings: { jwksHttpHosts: ['127.0.0.1'] },
    platformOverrides: (p) => (p.id === 'AH' ? { ...p, jwks: undefined, jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json' } : p)
  })
  const jwk = await generatePrivateJwk('ES256', 'ah-1')
  const res = await h.post((await signEnvelope(await platformSigner('AH', jwk), { kind: 'list.upsert', items: [sampleEntry('AH', '340000', 1)] })).jws)
  t.same([res.status, res.body.code], [503, 'UNAVAILABLE'])
  t.equal(await h.count('envelopes'), 0)
})

t.test('a plain-http jwksUrl is refused at start-up unless its host is allow-listed, and always in production', async (t) => {
  const expectRefused = (err: unknown, file: string, field: string, reason: RegExp, what: string): void => {
    t.ok(err instanceof ConfigError, `${what}: ConfigError`)
    t.equal((err as ConfigError).file, file, `${what}: names the file`)
    t.equal((err as ConfigError).field, field, `${what}: names the field`)
    t.match((err as Error).message, reason, `${what}: says why`)
  }
  const http = { jwks: undefined, jwksUrl: 'http://keys.zj.example/.well-known/jwks.json' }
  expectRefused(await startupError({ platform: http }), '/etc/gw/platforms/ZJ.json', '/jwksUrl', /must be https.*jwksHttpHosts/, 'a platform, no allow-list')
  expectRefused(await startupError({ platform: http, settings: { jwksHttpHosts: ['127.0.0.1'] } }), '/etc/gw/platforms/ZJ.json', '/jwksUrl', /keys\.zj\.example is not/, 'a host not on the list')
  expectRefused(await startupError({ platform: { jwks: undefined, jwksUrl: 'http://127.0.0.1:1/jwks' }, settings: { jwksHttpHosts: ['127.0.0.1'] }, runtime: { production: true } }),
    '/etc/gw/platforms/ZJ.json', '/jwksUrl', /in production/, 'production ignores the allow-list')
  expectRefused(await startupError({ admins: [{ id: 'console', roles: ['admin'], jwksUrl: 'http://idp.example/jwks' }] }), '/etc/gw/admins.json', '/issuers/0/jwksUrl', /must be https/, 'an admin issuer')
  expectRefused(await startupError({ checkers: [{ id: 'hz-amr', name: 'x', platform: 'ZJ', departmentKind: 'market-regulation', jwksUrl: 'http://hz.example/jwks' }] }),
    '/etc/gw/checkers.json', '/issuers/0/jwksUrl', /must be https/, 'a department system')
  expectRefused(await startupError({ platform: { jwks: undefined, jwksUrl: 'ftp://keys.zj.example/jwks' } }), '/etc/gw/platforms/ZJ.json', '/jwksUrl', /https/, 'another scheme')
})

t.test('an https jwksUrl is taken (fetched only when a token or envelope needs it)', async (t) => {
  const h = await startHarness(t, {
    platformOverrides: (p) => (p.id === 'ZJ' ? { ...p, jwks: undefined, jwksUrl: 'https://127.0.0.1:9/.well-known/jwks.json' } : p)
  })
  t.equal((await h.app.inject({ url: '/healthz' })).statusCode, 200)
})
