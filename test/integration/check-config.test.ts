import t from 'tap'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defaultConfigDir, loadConfig } from '../../config/load-config.js'
import { loadRegistries } from '../../config/load-registries.js'
import { expectConfigError } from '../helpers/config-error-expectation.js'

/** A copy of the committed config folder to spoil one file of. */
function copyConfig (t: { teardown: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'check-config-'))
  cpSync(defaultConfigDir(), dir, { recursive: true })
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

const checker = { id: 'hz-amr', name: '杭州市市场监督管理局 行政许可系统', platform: 'ZJ', departmentKind: 'market-regulation', jwks: { keys: [{ kty: 'EC', crv: 'P-256', kid: 'k1', x: 'x', y: 'y' }] } }

t.test('checkers.json: none by default; each names a platform, has keys, and an id of its own', async (t) => {
  t.same(loadConfig(defaultConfigDir()).checkers, [], 'no department system is authorised by default')
  const dir = copyConfig(t)
  const file = join(dir, 'checkers.json')
  writeFileSync(file, JSON.stringify({ issuers: [checker] }))
  t.same(loadConfig(dir).checkers?.map((c) => [c.id, c.platform, c.departmentKind]), [['hz-amr', 'ZJ', 'market-regulation']])
  const refuse = (issuers: unknown[], field: string, what: string): void => {
    writeFileSync(file, JSON.stringify({ issuers }))
    expectConfigError(t, () => loadConfig(dir), field, 'checkers.json', what)
  }
  refuse([{ ...checker, platform: 'XX' }], '/issuers/0/platform', 'unknown platform')
  refuse([{ ...checker, id: 'SH' }], '/issuers/0/id', 'a platform\'s id')
  refuse([{ ...checker, jwks: undefined }], '/issuers/0/jwks', 'no keys')
  refuse([checker, checker], '/issuers/1/id', 'twice')
  refuse([{ ...checker, departmentKind: 'astrology' }], '/issuers/0/departmentKind', 'unknown department kind')
  // hz:amr with sub x and hz with sub amr:x would both be the principal hz:amr:x.
  refuse([{ ...checker, id: 'hz:amr' }], '/issuers/0/id', 'a colon in the id')
  refuse([{ ...checker, id: 'local' }], '/issuers/0/id', 'the dashboard accounts\' prefix')
  writeFileSync(file, JSON.stringify({ issuers: [{ ...checker, id: 'hz:amr' }] }))
  t.throws(() => loadConfig(dir), /contains ':'.*two issuers could then name one principal/, 'the message says why')
})

t.test('decision types: every committed measure bears on a declared one; unknown references are refused naming file and field', async (t) => {
  const reg = loadRegistries(defaultConfigDir())
  t.ok(reg.decisionTypes.length >= 10)
  for (const m of reg.measures) {
    t.ok((m.decisionTypes ?? []).length > 0, `${m.code} bears on some decision`)
    for (const d of m.decisionTypes ?? []) t.ok(reg.decisionType(d) !== undefined, `${m.code} → ${d} exists`)
  }
  t.same(reg.measures.filter((m) => m.decisionTypes?.includes('public-procurement') === true).map((m) => m.code), ['restrict-public-procurement'])
  const dir = copyConfig(t)
  const zj = join(dir, 'registries', 'ZJ.json')
  const reg0 = JSON.parse(readFileSync(zj, 'utf8')) as { measures: Array<{ decisionTypes?: string[] }>, decisionTypes?: unknown[] }
  const original = JSON.stringify(reg0)
  ;(reg0.measures[0] as { decisionTypes?: string[] }).decisionTypes = ['lottery']
  writeFileSync(zj, JSON.stringify(reg0))
  expectConfigError(t, () => loadRegistries(dir), '/measures/0/decisionTypes/0', 'ZJ.json', 'unknown decision type')
  const again = JSON.parse(original) as { decisionTypes?: unknown[] }
  again.decisionTypes = [{ code: 'public-procurement', name: { zh: '政府采购', en: 'Procurement' } }]
  writeFileSync(zj, JSON.stringify(again))
  expectConfigError(t, () => loadRegistries(dir), '/decisionTypes/0/code', 'ZJ.json', 'redefining a national decision type')
})
