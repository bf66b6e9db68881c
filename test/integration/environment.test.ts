import t from 'tap'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runtimeFromEnv } from '../../src/runtime/runtime-options.js'
import { platformSecrets } from '../../src/runtime/platform-secrets.js'
import { GatewayEnv, SECRET_VARIABLES } from '../../src/runtime/gateway-env.js'
import { loadGatewayKeys, generatePrivateJwk } from '../../src/keys/signing-keys.js'

const dir = mkdtempSync(join(tmpdir(), 'gw-env-'))
t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
const file = (name: string, content: string): string => {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}
const errorOf = (f: () => unknown): string => { try { f(); return '' } catch (err) { return (err as Error).message } }

t.test('PORT= (empty) is not port 0: an empty variable counts as not set, so the default holds', async (t) => {
  t.equal(runtimeFromEnv({ PORT: '' }).port, 8080)
  t.equal(runtimeFromEnv({ PORT: '0' }).port, 0, 'port 0 only when asked for')
  t.equal(runtimeFromEnv({ PORT: '9090' }).port, 9090)
})

t.test('a variable that does not hold stops start-up with a message naming it', async (t) => {
  t.match(errorOf(() => runtimeFromEnv({ PORT: 'http' })), /^environment: PORT must be integer \(got "http"\)$/)
  t.match(errorOf(() => runtimeFromEnv({ PORT: '70000' })), /PORT must be <= 65535/)
  t.match(errorOf(() => runtimeFromEnv({ GW_DB_POOL_SIZE: '0' })), /GW_DB_POOL_SIZE must be >= 1/)
  t.match(errorOf(() => runtimeFromEnv({ LOG_LEVEL: 'loud' })), /LOG_LEVEL must be equal to one of the allowed values/)
  const both = errorOf(() => runtimeFromEnv({ PORT: 'x', GW_DB_POOL_SIZE: '-1' }))
  t.match(both, /PORT/, 'every problem at once')
  t.match(both, /GW_DB_POOL_SIZE/)
  const short = errorOf(() => runtimeFromEnv({ GW_SESSION_SECRET: 'too-short-secret' }))
  t.match(short, /GW_SESSION_SECRET must NOT have fewer than 32 characters/)
  t.notMatch(short, /too-short-secret/, 'a secret is never shown')
})

t.test('defaults come from the schema', async (t) => {
  const rt = runtimeFromEnv({})
  t.match(rt, { host: '127.0.0.1', port: 8080, redisUrl: 'redis://127.0.0.1:6379', dbSchema: 'yrd_gateway', redisPrefix: 'yrd', dbPoolSize: 20, production: false, logLevel: 'info' })
  t.equal(rt.sessionSecret, undefined)
  t.equal(runtimeFromEnv({ NODE_ENV: 'production' }).production, true)
})

t.test('every secret may come from <NAME>_FILE, its trailing newline trimmed; both forms at once are refused', async (t) => {
  const secret = 's'.repeat(40)
  const env = {
    GW_SESSION_SECRET_FILE: file('session', `${secret}\n`),
    GW_ID_HASH_KEY_FILE: file('idhash', `k1:${secret}\r\n`),
    GW_METRICS_TOKEN_FILE: file('metrics', 'scrape-token\n'),
    DATABASE_URL_FILE: file('db', 'postgres://gw:pw@db:5432/gw\n'),
    REDIS_URL_FILE: file('redis', 'redis://:pw@redis:6379\n')
  }
  t.match(runtimeFromEnv(env), {
    sessionSecret: secret, idHashKeys: `k1:${secret}`, metricsToken: 'scrape-token', databaseUrl: 'postgres://gw:pw@db:5432/gw', redisUrl: 'redis://:pw@redis:6379'
  })
  const bothForms = { GW_SESSION_SECRET: secret, GW_SESSION_SECRET_FILE: env.GW_SESSION_SECRET_FILE }
  t.equal(errorOf(() => runtimeFromEnv(bothForms)),
    'GW_SESSION_SECRET and GW_SESSION_SECRET_FILE are both set: give one of them')
  t.match(errorOf(() => runtimeFromEnv({ REDIS_URL_FILE: join(dir, 'absent') })), /^REDIS_URL_FILE .*absent: ENOENT$/)
  const emptyInline = { GW_SESSION_SECRET: '', GW_SESSION_SECRET_FILE: env.GW_SESSION_SECRET_FILE }
  t.equal(runtimeFromEnv(emptyInline).sessionSecret, secret, 'an empty form is not given')
})

t.test('the signing key as GW_SIGNING_KEY_FILE or GW_SIGNING_KEY', async (t) => {
  const jwk = await generatePrivateJwk('ES256', 'gw-env-1')
  const path = file('key.json', JSON.stringify(jwk) + '\n')
  const fromFile = runtimeFromEnv({ GW_SIGNING_KEY_FILE: path })
  t.equal(fromFile.signingKeyFile, path)
  const keys = await loadGatewayKeys(
    { file: fromFile.signingKeyFile, key: fromFile.signingKey, production: true, warn: () => undefined })
  t.equal(keys.kid, 'gw-env-1')
  const inline = runtimeFromEnv({ GW_SIGNING_KEY: JSON.stringify({ keys: [jwk] }) })
  t.equal((await loadGatewayKeys({ file: inline.signingKeyFile, key: inline.signingKey, production: true, warn: () => undefined })).kid, 'gw-env-1')
  t.match(errorOf(() => runtimeFromEnv({ GW_SIGNING_KEY: '{}', GW_SIGNING_KEY_FILE: path })), /GW_SIGNING_KEY and GW_SIGNING_KEY_FILE are both set/)
  await t.rejects(loadGatewayKeys({ production: true, warn: () => undefined }),
    /GW_SIGNING_KEY_FILE \(or GW_SIGNING_KEY\) is required in production/)
  await t.rejects(loadGatewayKeys({ key: 'not json', production: true, warn: () => undefined }), /^GW_SIGNING_KEY: /)
})

t.test('adapter secrets: GW_<ID>_<NAME> or GW_<ID>_<NAME>_FILE, never both', async (t) => {
  const env = {
    GW_AH_SM4_KEY_IN_FILE: file('sm4in', 'ab'.repeat(16) + '\n'), GW_AH_MAC_KEY_OUT: 'cd', GW_SH_APP_KEY: 'k'
  }
  t.same(platformSecrets('AH', env), { SM4_KEY_IN: 'ab'.repeat(16), MAC_KEY_OUT: 'cd' })
  t.throws(() => platformSecrets('AH', { ...env, GW_AH_SM4_KEY_IN: 'x' }), /GW_AH_SM4_KEY_IN and GW_AH_SM4_KEY_IN_FILE are both set/)
})

t.test('the README\'s table and .env.example list every variable of the schema', async (t) => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const example = readFileSync(join(root, '.env.example'), 'utf8')
  for (const name of Object.keys(GatewayEnv.properties)) {
    t.match(readme, new RegExp(`^\\| \`${name}\` \\|${SECRET_VARIABLES.includes(name as never) ? ' yes ' : ' '}\\|`, 'm'),
      `README: ${name}`)
    t.match(example, new RegExp(`^${name}(_FILE)?=`, 'm'), `.env.example: ${name}`)
  }
})
