import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { loadConfig } from '../../config/load-config.js'
import { SM2_ALG } from '../../src/keys/jws.js'
import { generatePrivateJwk, publicPart } from '../../src/keys/signing-keys.js'
import { expectConfigError } from '../helpers/config-error-expectation.js'

// Issue 18 item 1: peer gateways in config (`<config>/peers/<ID>.json`), each with its keys, the
// origins it may relay (with theirs) and its share policy; no id may name two parties.

t.test('peer gateways load from config/peers, and a bad one names the file and the field', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gwpeers-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  mkdirSync(join(dir, 'platforms'))
  mkdirSync(join(dir, 'peers'))
  const write = (file: string, value: unknown): void => { writeFileSync(join(dir, file), JSON.stringify(value)) }
  write('platforms/SH.json', { id: 'SH', name: '上海', regionCode: '310000', adapter: 'yrd-push', endpoint: 'http://127.0.0.1:1/x', jwksUrl: 'http://127.0.0.1:1/jwks' })
  t.equal(loadConfig(dir).peers, undefined, 'an empty peers folder: no peers')

  const cn = {
    id: 'CN',
    name: '全国信用信息共享平台',
    endpoint: 'https://cn.example/v1/relay',
    jwks: { keys: [publicPart(await generatePrivateJwk(SM2_ALG, 'cn-1'))] },
    origins: { FY: { regionCode: '000000', name: '最高人民法院', jwksUrl: 'https://cn.example/origins/FY/jwks.json' } },
    share: {
      down: [{ kinds: ['list.upsert', 'list.remove'], listCodes: ['court-dishonest-debtor'] }],
      up: [{ kinds: ['list.upsert', 'list.remove'], domains: ['ecology', 'tourism', 'food-drug', 'product-quality'] }]
    }
  }
  write('peers/CN.json', cn)
  const loaded = loadConfig(dir).peers ?? []
  t.same(loaded.map((p) => [p.id, p.enabled, p.paused, Object.keys(p.origins)]), [['CN', true, false, ['FY']]], 'defaults: enabled, not paused')

  const expectError = (field: string, what: string): void => { expectConfigError(t, () => loadConfig(dir), field, 'CN.json', what) }
  write('peers/CN.json', { ...cn, id: 'JJJ' })
  expectError('/id', 'the id is the file name')
  write('peers/CN.json', { ...cn, origins: { SH: cn.origins.FY } })
  expectError('/origins/SH', 'an origin that names a platform of this gateway')
  write('peers/CN.json', { ...cn, origins: { FY: { regionCode: '000000' } } })
  expectError('/origins/FY/jwks', 'an origin without keys')
  write('peers/CN.json', { ...cn, jwks: undefined })
  expectError('/jwks', 'a peer without keys')
  write('peers/CN.json', { ...cn, share: { down: [{ kinds: ['list.delete'] }], up: [] } })
  expectError('/share/down/0/kinds/0', 'a kind that does not exist')
  write('peers/CN.json', cn)
  write('platforms/CN.json', { id: 'CN', name: 'CN', regionCode: '000000', adapter: 'yrd-push', endpoint: 'http://127.0.0.1:1/x', jwksUrl: 'http://127.0.0.1:1/jwks' })
  expectError('/id', 'a peer id that names a platform')
  rmSync(join(dir, 'platforms/CN.json'))
  write('peers/JJJ.json', { ...cn, id: 'JJJ' })
  expectConfigError(t, () => loadConfig(dir), '/origins/FY', 'JJJ.json', 'two peers cannot both relay one origin: an owner id names one publisher')
})
