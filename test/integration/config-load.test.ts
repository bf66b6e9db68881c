import t from 'tap'
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig, defaultConfigDir } from '../../config/load-config.js'
import { expectConfigError } from '../helpers/config-error-expectation.js'

t.test('the committed defaults load: four provinces, sensible settings', async (t) => {
  const c = loadConfig(defaultConfigDir())
  t.same(c.platforms.map((p) => [p.id, p.regionCode]), [['AH', '340000'], ['JS', '320000'], ['SH', '310000'], ['ZJ', '330000']])
  t.equal(c.settings.clockSkewSeconds, 60)
  t.same(c.admins, [])
})

t.test('a config that does not validate names the file and the field', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gwcfg-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  mkdirSync(join(dir, 'platforms'))
  const good = { id: 'SH', name: '上海', regionCode: '310000', adapter: 'yrd-push', endpoint: 'http://127.0.0.1:1/x', jwksUrl: 'http://127.0.0.1:1/jwks' }
  const write = (file: string, value: unknown): void => { writeFileSync(join(dir, file), typeof value === 'string' ? value : JSON.stringify(value)) }
  const expectError = (field: string, fileEnd: string, what: string): void => {
    expectConfigError(t, () => loadConfig(dir), field, fileEnd, what)
  }
  write('platforms/SH.json', { ...good, regionCode: '31' })
  expectError('/regionCode', 'SH.json', 'bad region code')
  write('platforms/SH.json', { ...good, jwksUrl: undefined })
  expectError('/jwks', 'SH.json', 'no keys')
  write('platforms/SH.json', { ...good, id: 'JS' })
  expectError('/id', 'SH.json', 'id differs from the file name')
  write('platforms/SH.json', { ...good, jwksUrl: undefined, jwks: { keys: [{ kty: 'RSA', kid: 'r', n: 'x', e: 'AQAB' }] } })
  expectError('/jwks/keys/0', 'SH.json', 'RSA key')
  write('platforms/SH.json', '{ not json')
  expectError('', 'SH.json', 'not JSON')
  write('platforms/SH.json', good)
  write('gateway.json', { clockSkewSeconds: 'sixty' })
  expectError('/clockSkewSeconds', 'gateway.json', 'setting of the wrong type')
  write('gateway.json', { clockSkewSeconds: 30 })
  const key = { kty: 'EC', crv: 'P-256', kid: 'k1', x: 'x', y: 'y' }
  write('admins.json', { issuers: [{ id: 'ops:console', roles: ['admin'], jwks: { keys: [key] } }] })
  expectError('/issuers/0/id', 'admins.json', 'an admin issuer id with a colon (two issuers could name one principal)')
  t.throws(() => loadConfig(dir), /contains ':'/, 'the message says why')
  write('admins.json', { issuers: [{ id: 'ops-console', roles: ['admin'], jwks: { keys: [key] } }] })
  const c = loadConfig(dir)
  t.equal(c.settings.clockSkewSeconds, 30)
  t.equal(c.settings.bodyLimitBytes, 8 * 1024 * 1024, 'defaults fill what is not set')
  t.equal(c.platforms[0]?.enabled, true)
})
