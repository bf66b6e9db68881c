import t from 'tap'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defaultConfigDir } from '../../config/load-config.js'
import { loadSeedDocuments, orphanParagraphs, paragraphTexts, parseCitations, type Citation } from '../helpers/policy-citations.js'

// The measures list and list types are shown in check answers and covered by the signed receipt, so a
// wrong paragraph is a wrong statement of the law (issue 13 item 6). Every citation is checked against
// the documents' own text (test/fixtures/seeds). GW_CONFIG_DIR points the test at another config tree.

const registriesDir = join(process.env.GW_CONFIG_DIR ?? defaultConfigDir(), 'registries')
const documents = loadSeedDocuments()

interface Located { file: string, at: string, text: string }

/** Every string in a registry file, with a readable location (items named by code or field). */
function stringsOf (value: unknown, file: string, at: string, out: Located[]): Located[] {
  if (typeof value === 'string') out.push({ file, at, text: value })
  else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      const o = (typeof v === 'object' && v !== null ? v : {}) as { code?: unknown, field?: unknown }
      const name = typeof o.code === 'string' ? o.code : typeof o.field === 'string' ? o.field : String(i)
      stringsOf(v, file, `${at}[${name}]`, out)
    })
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) stringsOf(v, file, `${at}.${k}`, out)
  }
  return out
}

const registries = new Map<string, unknown>(readdirSync(registriesDir).filter((f) => f.endsWith('.json'))
  .map((f) => [f, JSON.parse(readFileSync(join(registriesDir, f), 'utf8'))]))
const strings = [...registries].flatMap(([file, json]) => stringsOf(json, file, '', []))

t.test('the citation parser reads the forms the registries and seeds use', async (t) => {
  const { citations, rest } = parseCitations('《政府采购法》；国发〔2016〕33号 (三)(十九)；中办发[2016]64号；国办发〔2020〕49号（十四）；法释〔2015〕17号)；35号 (八)')
  t.same(citations.map((c) => [c.document, c.paragraphs]), [
    ['国发〔2016〕33号', ['三', '十九']], ['中办发〔2016〕64号', []], ['国办发〔2020〕49号', ['十四']], ['法释〔2015〕17号', []]
  ])
  t.same(orphanParagraphs(rest), ['(八)'], 'a paragraph after a bare "35号" is caught')
  const ten = paragraphTexts(documents.get('国发〔2016〕33号') ?? '', '十')
  t.equal(ten.length, 1, '（十） and not （十一）…（十九）')
  t.match(ten[0], /^\u3000\u3000（十）依法依规加强对失信行为的行政性约束和惩戒。[^\n]+取消参加评先评优资格。$/u)
})

t.test('every seed fixture is the document its number names', async (t) => {
  t.ok(documents.size >= 4)
  for (const [number, text] of documents) {
    t.ok(parseCitations(text.slice(0, 300)).citations.some((c) => c.document === number), `${number} heads its own text`)
  }
})

t.test('every policy document the registries cite is in the seed fixtures, and every cited paragraph in it', async (t) => {
  let cited = 0
  for (const s of strings) {
    const { citations, rest } = parseCitations(s.text)
    t.same(orphanParagraphs(rest), [], `${s.file} ${s.at}: every paragraph number follows a document number`)
    for (const c of citations) {
      // Policy documents (…发) are all in the seed bundle; others (法释, 令) only when a paragraph is cited.
      if (c.paragraphs.length === 0 && !/发〔/.test(c.document)) continue
      const text = documents.get(c.document)
      if (text === undefined) {
        t.fail(`${s.file} ${s.at}: ${c.document} is not in test/fixtures/seeds`)
        continue
      }
      for (const p of c.paragraphs) {
        cited++
        t.equal(paragraphTexts(text, p).length, 1, `${s.file} ${s.at}: ${c.document} has exactly one paragraph （${p}）`)
      }
    }
  }
  t.ok(cited > 50, `${cited} paragraph citations checked`)
})

/** The registry item `key` (a code or field) of `section` in `file`. */
function item (file: string, section: string, key: string): Record<string, unknown> {
  const list = (registries.get(file) as Record<string, unknown> | undefined)?.[section]
  const found = Array.isArray(list)
    ? (list as Array<Record<string, unknown>>).find(
        (i) => i.code === key || i.field === key
      )
    : undefined
  if (found === undefined) throw new Error(`${file} ${section}[${key}] is missing`)
  return found
}

/**
 * What the cited paragraphs must say for the use the registry makes of them: each row names the
 * document and a phrase of the paragraph that grounds the measure, list type or field.
 */
const GROUNDS: Array<[
  file: string, section: string, key: string, property: string, document: string, phrase: string
]> = [
  ['national.json', 'measures', 'restrict-public-procurement', 'legalBasis', '国发〔2016〕33号', '限制参与有关公共资源交易活动'],
  ['national.json', 'measures', 'restrict-government-funding', 'legalBasis', '国发〔2016〕33号', '严格限制申请财政性资金项目'],
  ['national.json', 'measures', 'restrict-bond-issuance', 'legalBasis', '国发〔2016〕33号', '发行债券'],
  ['national.json', 'measures', 'restrict-honours', 'legalBasis', '国发〔2016〕33号', '取消参加评先评优资格'],
  ['national.json', 'measures', 'strict-supervision', 'legalBasis', '国发〔2016〕33号', '列为重点监管对象'],
  ['national.json', 'measures', 'strict-supervision', 'legalBasis', '国办发〔2019〕35号', '适当提高抽查比例和频次'],
  ['national.json', 'measures', 'fast-track-approval', 'legalBasis', '国发〔2016〕33号', '绿色通道'],
  ['national.json', 'measures', 'reduce-inspection-frequency', 'legalBasis', '国发〔2016〕33号', '优化检查频次'],
  ['national.json', 'measures', 'reduce-inspection-frequency', 'legalBasis', '国办发〔2019〕35号', '合理降低抽查比例和频次'],
  ['AH.json', 'measures', 'ah-restrict-certification', 'legalBasis', '国发〔2016〕33号', '从严控制生产许可证发放'],
  ['ZJ.json', 'measures', 'zj-restrict-green-credit', 'legalBasis', '国发〔2016〕33号', '限制向其提供贷款'],
  ['national.json', 'listTypes', 'red-list', 'legalBasis', '国发〔2016〕33号', '树立为诚信典型'],
  ['national.json', 'listTypes', 'red-list', 'legalBasis', '国发〔2016〕33号', '诚信典型“红名单”制度'],
  ['national.json', 'listTypes', 'key-supervision-list', 'legalBasis', '国发〔2016〕33号', '列为重点监管对象'],
  ['national.json', 'listTypes', 'key-supervision-list', 'legalBasis', '国办发〔2019〕35号', '重点关注对象名单制度'],
  ['national.json', 'listTypes', 'food-drug-serious-violation', 'legalBasis', '国发〔2016〕33号', '食品药品'],
  ['ZJ.json', 'listTypes', 'zj-ecology-serious-violation', 'legalBasis', '国发〔2016〕33号', '生态环境'],
  ['AH.json', 'listTypes', 'ah-product-quality-serious-violation', 'legalBasis', '国发〔2016〕33号', '强制性产品认证'],
  ['national.json', 'decisionTypes', 'administrative-approval', 'note', '国发〔2016〕33号', '应查必查'],
  ['national.json', 'decisionTypes', 'administrative-approval', 'note', '国发〔2016〕33号', '绿色通道'],
  ['national.json', 'catalogue', 'domain', 'legalBasis', '国办发〔2020〕49号', '设列严重失信主体名单的领域'],
  ['national.json', 'catalogue', 'severeCategory', 'legalBasis', '国发〔2016〕33号', '严重危害人民群众身体健康和生命安全'],
  ['national.json', 'catalogue', 'subject.creditCode', 'legalBasis', '国发〔2016〕33号', '以统一社会信用代码为索引'],
  ['national.json', 'catalogue', 'subject.name', 'legalBasis', '国办发〔2020〕49号', '脱敏'],
  ['national.json', 'catalogue', 'subject.idNumber', 'legalBasis', '国办发〔2020〕49号', '脱敏'],
  ['national.json', 'catalogue', 'subject.responsiblePersons.role', 'legalBasis', '国发〔2016〕33号', '法定代表人、主要负责人'],
  ['national.json', 'catalogue', 'facts', 'legalBasis', '国办发〔2020〕49号', '载明事由'],
  ['national.json', 'catalogue', 'measures.code', 'legalBasis', '国发〔2016〕33号', '措施清单'],
  ['national.json', 'catalogue', 'measures.mandatory', 'legalBasis', '国发〔2016〕33号', '强制性措施'],
  ['national.json', 'catalogue', 'remedies', 'legalBasis', '国办发〔2020〕49号', '救济措施'],
  ['national.json', 'catalogue', 'repairable', 'legalBasis', '国办发〔2020〕49号', '不可修复']
]

t.test('each cited paragraph says what the registry uses it for', async (t) => {
  for (const [file, section, key, property, document, phrase] of GROUNDS) {
    const value = item(file, section, key)[property]
    const cited: Citation[] = parseCitations(typeof value === 'string' ? value : '').citations.filter((c) => c.document === document)
    const text = documents.get(document) ?? ''
    const saying = cited.flatMap((c) => c.paragraphs).filter(
      (p) => paragraphTexts(text, p).some((para) => para.includes(phrase))
    )
    t.not(saying.length, 0, `${file} ${section}[${key}]: a cited paragraph of ${document} says “${phrase}” ` +
      `(cited: ${cited.map((c) => c.paragraphs.map((p) => `（${p}）`).join('')).join(' ') || 'none'}; ` +
      `it is in ${findParagraphs(text, phrase).join(' ') || 'no paragraph'})`)
  }
})

/** Where a phrase actually is, for the failure message. */
function findParagraphs (text: string, phrase: string): string[] {
  return [...text.matchAll(/^[\s\u3000]*([（(][一二三四五六七八九十]+[)）])/gmu)]
    .map((m) => m[1] as string)
    .filter((h) => paragraphTexts(text, h.slice(1, -1)).some((p) => p.includes(phrase)))
}

/** The TypeScript sources (src, adapters, contracts, config), from the repository root. */
function sources (): string[] {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : []
  })
  return ['src', 'adapters', 'contracts', 'config'].flatMap((d) => walk(join(root, d)))
}

t.test('every paragraph the code cites (comments, descriptions) of a document in the seed fixtures is in it', async (t) => {
  const files = sources()
  t.ok(files.length > 100, `${files.length} source files read`)
  let cited = 0
  for (const file of files) {
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      for (const c of parseCitations(line).citations) {
        const text = documents.get(c.document)
        if (text === undefined) continue
        for (const p of c.paragraphs) {
          cited++
          if (paragraphTexts(text, p).length !== 1) t.fail(`${file}:${i + 1}: ${c.document} has no single paragraph （${p}）`)
        }
      }
    })
  }
  t.ok(cited > 50, `${cited} paragraph citations in the code checked`)
})
