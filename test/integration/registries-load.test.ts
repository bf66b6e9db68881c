import t from 'tap'
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { TypeGuard, type TSchema } from '@sinclair/typebox'
import { loadRegistries } from '../../config/load-registries.js'
import { defaultConfigDir, ConfigError } from '../../config/load-config.js'
import { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { expectConfigError } from '../helpers/config-error-expectation.js'
import { registryFolder, validBlackListType, validMeasure } from '../helpers/registry-folder.js'

/** Field paths of a contract, dot-separated, arrays transparent. */
function fieldsOf (schema: TSchema, prefix = ''): string[] {
  if (TypeGuard.IsArray(schema) && TypeGuard.IsObject(schema.items)) return fieldsOf(schema.items, prefix)
  if (!TypeGuard.IsObject(schema)) return [prefix]
  return Object.entries(schema.properties).flatMap(([k, s]) => fieldsOf(s, prefix === '' ? k : `${prefix}.${k}`))
}

t.test('the committed registries load, national first, read-only', async (t) => {
  const reg = loadRegistries(defaultConfigDir())
  t.same(reg.versions.map((v) => v.id), ['national', 'AH', 'JS', 'SH', 'ZJ'])
  t.ok(reg.versions.every((v) => /^\d+\.\d+\.\d+$/.test(v.version)))
  const court = reg.listType('court-dishonest-debtor')
  t.equal(court?.severeCategory, 'legal-obligation')
  t.equal(court?.objection.measuresContinueDuringObjection, true, '中办发〔2016〕64号: measures continue')
  t.equal(court?.informationOnlyOutsideOwner, false, 'national list types bind everywhere')
  t.equal(reg.listType('zj-ecology-serious-violation')?.informationOnlyOutsideOwner, true, 'provincial default')
  t.equal(reg.listType('zj-ecology-serious-violation')?.definedIn, 'ZJ')
  const domains = new Set(reg.listTypes.map((l) => l.domain))
  for (const d of ['court', 'ecology', 'tourism', 'food-drug', 'product-quality']) t.ok(domains.has(d), `domain ${d}`)
  t.equal(reg.catalogueItem('subject.idNumber')?.publish, 'masked', '脱敏公开, 国办发〔2020〕49号 (四)')
  t.equal(reg.catalogueItem('subject.name')?.publishForPersons, 'masked')
  t.equal(reg.listType('nope'), undefined)
  t.ok(Object.isFrozen(reg) && Object.isFrozen(reg.listTypes) && Object.isFrozen(court?.exit))
  t.throws(() => { (reg.listTypes as unknown[]).push(1) })
})

t.test('every field of a list entry is in the catalogue', async (t) => {
  const reg = loadRegistries(defaultConfigDir())
  const fields = fieldsOf(ListUpsertItemV1)
  t.ok(fields.includes('subject.responsiblePersons.idNumber'))
  for (const f of fields) t.ok(reg.catalogueItem(f), `catalogue item ${f}`)
})

t.test('every code the sample entries use resolves', async (t) => {
  const reg = loadRegistries(defaultConfigDir())
  for (const listType of ['black', 'red', 'key-supervision'] as const) {
    const e = sampleEntry('SH', '310000', 1, { listType })
    const lt = reg.listType(e.listCode)
    t.ok(lt, `list code ${e.listCode}`)
    t.equal(lt?.listType, listType)
    t.ok(lt?.domain === '*' || lt?.domain === e.domain, `domain of ${e.listCode}`)
    t.equal(lt?.severeCategory, e.severeCategory)
    for (const m of e.measures) {
      t.ok(reg.measure(m.code), `measure ${m.code}`)
      t.equal(reg.measure(m.code)?.kind, m.mandatory ? 'mandatory' : 'recommended', `kind of ${m.code}`)
    }
  }
})

t.test('a registry that does not validate names the file and the field', async (t) => {
  const { dir, folder, write, reset } = registryFolder(t, 'gwreg-')
  t.throws(() => loadRegistries(dir), ConfigError, 'folder missing')
  mkdirSync(folder)
  const measure = validMeasure
  const black = validBlackListType('food-drug', 'health-safety')
  const item = { field: 'subject.name', name: { zh: '主体名称', en: 'Subject name' }, legalBasis: '国办发〔2020〕49号 (三)', share: 'all-platforms', publish: 'public' }
  const national = { id: 'national', version: '1.0.0', effectiveFrom: '2026-01-01', source: 'test', catalogue: [item], listTypes: [black], measures: [measure] }
  const sh = { id: 'SH', version: '1.0.0', effectiveFrom: '2026-01-01', source: 'test', listTypes: [{ ...black, code: 'sh1' }], measures: [{ ...measure, code: 'sh-m' }] }
  const expectError = (field: string, fileEnd: string, what: string): void => {
    expectConfigError(t, () => loadRegistries(dir), field, fileEnd, what)
  }
  expectError('', 'national.json', 'no national base')
  const cases: Array<[string, unknown, unknown, string, string]> = [
    ['not JSON', '{ nope', sh, '', 'national.json'],
    ['unknown measure in a list type', { ...national, listTypes: [{ ...black, defaultMeasures: ['m1', 'nope'] }] }, sh, '/listTypes/0/defaultMeasures/1', 'national.json'],
    ['a black list without severeCategory', { ...national, listTypes: [{ ...black, severeCategory: undefined }] }, sh, '/listTypes/0/severeCategory', 'national.json'],
    ['a red list with severeCategory', { ...national, listTypes: [{ ...black, listType: 'red' }] }, sh, '/listTypes/0/severeCategory', 'national.json'],
    ['a province redefining a national list type', national, { ...sh, listTypes: [black] }, '/listTypes/0/code', 'SH.json'],
    ['a province redefining a national measure', national, { ...sh, measures: [measure] }, '/measures/0/code', 'SH.json'],
    ['a duplicate list type code', { ...national, listTypes: [black, black] }, sh, '/listTypes/1/code', 'national.json'],
    ['a duplicate catalogue field', { ...national, catalogue: [item, item] }, sh, '/catalogue/1/field', 'national.json'],
    ['a wrong share scope', { ...national, catalogue: [{ ...item, share: 'everyone' }] }, sh, '/catalogue/0/share', 'national.json'],
    ['a wrong publish scope', national, { ...sh, catalogue: [{ ...item, field: 'facts', publish: 'open' }] }, '/catalogue/0/publish', 'SH.json'],
    ['exit minimum above maximum', { ...national, listTypes: [{ ...black, exit: { minimumMonths: 40, maximumMonths: 36, conditions: 'x' } }] }, sh, '/listTypes/0/exit/minimumMonths', 'national.json'],
    ['id differs from the file name', national, { ...sh, id: 'JS' }, '/id', 'SH.json'],
    // 过惩相当 (国办发〔2020〕49号 (十)): every measure states its effect, and list types' defaults fit it.
    ['a measure without its effect', national, { ...sh, measures: [{ ...measure, code: 'sh-m', effect: undefined }] }, '/measures/0/effect', 'SH.json'],
    ['a punitive default measure on a red list', { ...national, listTypes: [{ ...black, listType: 'red', severeCategory: undefined }] }, sh, '/listTypes/0/defaultMeasures/0', 'national.json'],
    ['a punitive default measure on a key-supervision list', { ...national, listTypes: [{ ...black, listType: 'key-supervision', severeCategory: undefined }] }, sh, '/listTypes/0/defaultMeasures/0', 'national.json'],
    ['unknown field', national, { ...sh, extra: 1 }, '/extra', 'SH.json']
  ]
  for (const [what, nat, prov, field, fileEnd] of cases) {
    reset()
    write('national.json', nat)
    write('SH.json', prov)
    expectError(field, fileEnd, what)
  }
  reset()
  write('national.json', national)
  write('SH.json', sh)
  write('ZJ.json', { ...sh, id: 'ZJ', listTypes: [{ ...black, code: 'zj1', defaultMeasures: ['sh-m'] }], measures: [] })
  expectError('/listTypes/0/defaultMeasures/0', 'ZJ.json', "another province's measure")
  write('ZJ.json', { ...sh, id: 'ZJ', listTypes: [], measures: [{ ...measure, code: 'sh-m' }] })
  expectError('/measures/0/code', 'ZJ.json', "redefining another province's code")
  rmSync(join(folder, 'ZJ.json'))
  const reg = loadRegistries(dir)
  t.same(reg.versions.map((v) => v.id), ['national', 'SH'])
  t.equal(reg.listType('sh1')?.informationOnlyOutsideOwner, true)
  t.equal(reg.listType('b1')?.informationOnlyOutsideOwner, false)
  t.equal(reg.measure('sh-m')?.definedIn, 'SH')
})
