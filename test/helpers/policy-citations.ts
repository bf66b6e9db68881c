import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Citations of policy documents in registry text, e.g. "国发〔2016〕33号 (三)(十九)", and the seed
 * texts they point into (test/fixtures/seeds). Brackets are normalised to 〔〕 because the seeds
 * write 中办发[2016]64号 where the registries write 中办发〔2016〕64号.
 */
export interface Citation {
  /** Normalised document number, e.g. 国发〔2016〕33号. */
  document: string
  /** Paragraph numerals as written inside the brackets, e.g. ['三', '十九']; empty when none is cited. */
  paragraphs: string[]
  /** The citation as written. */
  text: string
}

const NUMERAL = '[一二三四五六七八九十]+'
// Documents that number their items 1., 2., … (法发〔2020〕25号) are cited with the number in brackets: (20).
const PARA_NUMERAL = '(?:[一二三四五六七八九十]+|\\d+)'
// An issuer (国发, 国办发, 中办发, 法释, …) right before the bracketed year; any run of ideographs is
// taken whole, so a citation glued to preceding words fails loudly instead of being misread.
const DOCUMENT = new RegExp(
  `([\\u4e00-\\u9fff]+)\\s*[〔［\\[【(（]\\s*(\\d{4})\\s*[〕］\\]】)）]\\s*(\\d+)\\s*号((?:\\s*[（(]${PARA_NUMERAL}[)）])*)`, 'gu')
const PARAGRAPH = new RegExp(`[（(](${PARA_NUMERAL})[)）]`, 'gu')

/** The document number written with 〔〕, whatever brackets the text uses. */
export function normaliseDocument (text: string): string {
  const m = new RegExp(DOCUMENT.source, 'u').exec(text)
  return m === null ? text : `${m[1] as string}〔${m[2] as string}〕${m[3] as string}号`
}

/** Every document citation in `text`, and what is left of it once they are taken out. */
export function parseCitations (text: string): { citations: Citation[], rest: string } {
  const citations: Citation[] = []
  const rest = text.replace(DOCUMENT, (whole, issuer: string, year: string, num: string, paras: string) => {
    citations.push({ document: `${issuer}〔${year}〕${num}号`, paragraphs: [...paras.matchAll(PARAGRAPH)].map((p) => p[1] as string), text: whole })
    return ' '
  })
  return { citations, rest }
}

/** Paragraph numerals left in `rest` that no document number claims (e.g. a bare "33号 (十)"). */
export function orphanParagraphs (rest: string): string[] {
  return [...rest.matchAll(PARAGRAPH)].map((p) => p[0])
}

/** Lines opening with a paragraph heading such as "（十）" or a part heading such as "三、". */
const HEADING_LINE = new RegExp(`^[\\s\\u3000]*(?:[（(]${NUMERAL}[)）]|${NUMERAL}、)`, 'u')

/** Lines opening with a numbered item such as "20." or a part heading such as "四、". */
const ITEM_LINE = new RegExp(`^[\\s\\u3000]*(?:\\d+[.．]|${NUMERAL}、)`, 'u')

/**
 * The text of paragraph `numeral` (its heading line up to the next heading), one per match: "（十）" for
 * a Chinese numeral, the item "20." for an Arabic one.
 */
export function paragraphTexts (document: string, numeral: string): string[] {
  const arabic = /^\d+$/.test(numeral)
  const heading = arabic ? new RegExp(`^[\\s\\u3000]*${numeral}[.．]`, 'u') : new RegExp(`^[\\s\\u3000]*[（(]${numeral}[)）]`, 'u')
  const next = arabic ? ITEM_LINE : HEADING_LINE
  const lines = document.split('\n')
  const found: string[] = []
  lines.forEach((line, i) => {
    if (!heading.test(line)) return
    let end = i + 1
    while (end < lines.length && !next.test(lines[end] as string)) end++
    found.push(lines.slice(i, end).join('\n'))
  })
  return found
}

function fixturesDir (): string {
  const here = dirname(fileURLToPath(import.meta.url))
  // Compiled to dist/test/helpers; the fixtures stay in the source tree.
  const candidates = [resolve(here, '..', '..', '..', 'test', 'fixtures', 'seeds'), resolve(here, '..', 'fixtures', 'seeds')]
  return candidates.find((c) => existsSync(join(c, 'documents.json'))) ?? candidates[0] as string
}

/** The seed texts in the fixtures, by normalised document number. */
export function loadSeedDocuments (): Map<string, string> {
  const dir = fixturesDir()
  const index = JSON.parse(readFileSync(join(dir, 'documents.json'), 'utf8')) as Array<{ number: string, file: string }>
  return new Map(index.map((d) => [normaliseDocument(d.number), readFileSync(join(dir, d.file), 'utf8')]))
}
