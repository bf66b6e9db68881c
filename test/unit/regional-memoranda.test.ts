import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadRegistries } from '../../config/load-registries.js'
import { defaultConfigDir } from '../../config/load-config.js'
import { bindingBasis } from '../../src/checks/binding-basis.js'
import { loadSeedDocuments, paragraphTexts, parseCitations } from '../helpers/policy-citations.js'

// Issue 13 item 2: the basis on which a provincial list binds elsewhere is modelled, not assumed.
// 浙政办发〔2021〕29号 (五) 第26项 names the four key domains of 信用长三角; 《信用浙江》2020年第3期 (seed 001,
// the report of the 31st meeting of the regional credit working group) names the lead of each and
// their cooperation memoranda (合作备忘录).

const registries = loadRegistries(process.env.GW_CONFIG_DIR ?? defaultConfigDir())
const documents = loadSeedDocuments()
const magazine = readFileSync(join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'seeds', 'xinyong-zhejiang-2020-3.txt'), 'utf8')
const LEADS: Array<[lead: string, domain: string, listCode: string]> = [
  ['ZJ', 'ecology', 'zj-ecology-serious-violation'],
  ['SH', 'tourism', 'sh-tourism-serious-violation'],
  ['JS', 'food-drug', 'food-drug-serious-violation'],
  ['AH', 'product-quality', 'ah-product-quality-serious-violation']
]

t.test('浙政办发〔2021〕29号 (五) 第26项, 《信用浙江》2020年第3期: each lead domain has its memorandum, by its lead, signed by SH, JS, ZJ and AH, quoting the seed verbatim', async (t) => {
  const twentyNine = documents.get('浙政办发〔2021〕29号') ?? ''
  for (const [lead, domain, listCode] of LEADS) {
    const memo = registries.memoranda.find((m) => m.domains.includes(domain))
    if (memo === undefined) {
      t.fail(`no memorandum for ${domain}`)
      continue
    }
    t.equal(memo.definedIn, lead, `${domain}: led by ${lead}`)
    t.same([...memo.signatories].sort(), ['AH', 'JS', 'SH', 'ZJ'], `${domain}: 一市三省 sign`)
    t.ok(memo.listCodes.includes(listCode), `${domain}: names ${listCode}`)
    t.ok(memo.evidence !== undefined && magazine.includes(memo.evidence.quote), `${domain}: its quote is in 《信用浙江》2020年第3期 verbatim`)
    t.match(memo.evidence?.quote, new RegExp(`${domain === 'ecology' ? '生态环境' : domain === 'tourism' ? '旅游' : domain === 'food-drug' ? '食品药品' : '产品质量'}领域区域信用联合奖惩牵头工作`))
    const cited = parseCitations(memo.legalBasis).citations.find((c) => c.document === '浙政办发〔2021〕29号')
    t.same(cited?.paragraphs, ['五'], `${domain}: cites 浙政办发〔2021〕29号 (五)`)
    t.match(paragraphTexts(twentyNine, '五')[0], /26\. 实施信用长三角一体化工程。[^\n]*以生态环境、旅游、食品药品、产品质量等领域为重点/, `${domain}: (五) 第26项 names the four domains`)
  }
})

t.test('浙政办发〔2021〕29号 (五) 第26项: the basis of a measure — national, own province, memorandum, or none', async (t) => {
  t.same(bindingBasis(registries, 'sh-tourism-serious-violation', 'SH', 'ZJ', 'sh-restrict-tourism-grading'),
    { kind: 'memorandum', ref: 'yrd-tourism-memorandum', name: '长三角旅游领域信用联合奖惩合作备忘录' }, 'a Shanghai tourism entry binds Zhejiang under the tourism memorandum')
  t.same(bindingBasis(registries, 'zj-ecology-serious-violation', 'ZJ', 'AH', 'zj-restrict-green-credit')?.ref, 'yrd-ecology-memorandum')
  t.same(bindingBasis(registries, 'ah-product-quality-serious-violation', 'AH', 'JS', 'ah-restrict-certification')?.ref, 'yrd-product-quality-memorandum')
  t.equal(bindingBasis(registries, 'sh-tourism-serious-violation', 'SH', 'ZJ', 'strict-supervision'), undefined, 'a measure the memorandum does not name: information only')
  t.equal(bindingBasis(registries, 'js-food-drug-key-supervision', 'JS', 'ZJ', 'js-increase-sampling'), undefined, 'a provincial list no memorandum names: information only')
  t.equal(bindingBasis(registries, 'zj-ecology-key-supervision', 'ZJ', 'SH', 'strict-supervision'), undefined)
  t.equal(bindingBasis(registries, 'sh-tourism-serious-violation', 'SH', 'XX', 'sh-restrict-tourism-grading'), undefined, 'a platform that did not sign')
  t.same(bindingBasis(registries, 'sh-tourism-serious-violation', 'SH', 'SH', 'strict-supervision')?.kind, 'own-province')
  t.same(bindingBasis(registries, 'food-drug-serious-violation', 'JS', 'ZJ', 'restrict-honours'), { kind: 'national', ref: 'food-drug-serious-violation', name: '食品药品领域严重失信主体名单' },
    'a national list binds everywhere by itself')
})
