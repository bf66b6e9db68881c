import t from 'tap'
import { mkdirSync } from 'node:fs'
import { loadRegistries } from '../../config/load-registries.js'
import { expectConfigError } from '../helpers/config-error-expectation.js'
import { registryFolder, validBlackListType, validMeasure } from '../helpers/registry-folder.js'

t.test('浙政办发〔2021〕29号 (五) 第26项: a memorandum that does not hold together stops start-up, naming the file and the field', async (t) => {
  const { dir, folder, write, reset } = registryFolder(t, 'gwmemo-')
  mkdirSync(folder)
  const measure = validMeasure
  const black = validBlackListType('tourism', 'market-order')
  const memo = { code: 'memo1', name: { zh: '备忘录', en: 'Memorandum' }, domains: ['tourism'], signatories: ['SH', 'ZJ'], listCodes: ['sh1'], measures: ['sh-m'], legalBasis: '浙政办发〔2021〕29号 (五)' }
  const national = { id: 'national', version: '1.0.0', effectiveFrom: '2026-01-01', source: 'test', listTypes: [black], measures: [measure] }
  const sh = { id: 'SH', version: '1.0.0', effectiveFrom: '2026-01-01', source: 'test', listTypes: [{ ...black, code: 'sh1', defaultMeasures: ['sh-m'] }], measures: [{ ...measure, code: 'sh-m' }], memoranda: [memo] }
  const zj = { id: 'ZJ', version: '1.0.0', effectiveFrom: '2026-01-01', source: 'test', listTypes: [{ ...black, code: 'zj1', domain: 'ecology', defaultMeasures: ['zj-m'] }], measures: [{ ...measure, code: 'zj-m' }] }

  write('national.json', national)
  write('SH.json', sh)
  write('ZJ.json', zj)
  const reg = loadRegistries(dir)
  t.same(reg.memorandaFor('sh1').map((m) => [m.code, m.definedIn]), [['memo1', 'SH']], 'a memorandum is the lead\'s')
  t.same(reg.memorandaFor('zj1'), [])

  const cases: Array<[string, unknown, unknown, string, string]> = [
    ['a memorandum in the national base', { ...national, memoranda: [{ ...memo, code: 'memo0', listCodes: ['b1'], measures: ['m1'] }] }, sh, '/memoranda/0', 'national.json'],
    ['a lead that does not sign', national, { ...sh, memoranda: [{ ...memo, signatories: ['JS', 'ZJ'] }] }, '/memoranda/0/signatories', 'SH.json'],
    ['an unknown list type', national, { ...sh, memoranda: [{ ...memo, listCodes: ['nope'] }] }, '/memoranda/0/listCodes/0', 'SH.json'],
    ['a list type of another domain', national, { ...sh, memoranda: [{ ...memo, listCodes: ['sh1', 'zj1'], signatories: ['SH', 'ZJ'], domains: ['tourism'] }] }, '/memoranda/0/listCodes/1', 'SH.json'],
    ['a list type of a province that did not sign', national, { ...sh, memoranda: [{ ...memo, listCodes: ['zj1'], domains: ['ecology'], signatories: ['SH', 'JS'] }] }, '/memoranda/0/listCodes/0', 'SH.json'],
    ['an unknown measure', national, { ...sh, memoranda: [{ ...memo, measures: ['nope'] }] }, '/memoranda/0/measures/0', 'SH.json'],
    ['one signatory', national, { ...sh, memoranda: [{ ...memo, signatories: ['SH'] }] }, '/memoranda/0/signatories', 'SH.json'],
    ['a provincial list binding everywhere without a memorandum', national, { ...sh, listTypes: [{ ...sh.listTypes[0], informationOnlyOutsideOwner: false }] }, '/listTypes/0/informationOnlyOutsideOwner', 'SH.json']
  ]
  for (const [what, nat, prov, field, fileEnd] of cases) {
    reset()
    write('national.json', nat)
    write('SH.json', prov)
    write('ZJ.json', zj)
    expectConfigError(t, () => loadRegistries(dir), field, fileEnd, what)
  }
})
