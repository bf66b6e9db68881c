import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser'
import { scrubIdNumbers } from '../../src/identifiers/mask.js'
import { RESULT_CODES, type AhResultCode } from './ah-xml-codes.js'

/** An element of the Anhui interface: named children, each text, an element, or repeated. */
export interface AhElement { [code: string]: AhValue }
/** A child's content: text, a nested element, or a repeated element (repeated text or elements). */
export type AhValue = string | AhElement | string[] | AhElement[]

/**
 * The XML itself is unusable: not well-formed, a forbidden construct, a character XML cannot carry.
 * Its code is the one the platform answers such a message with (E100, 报文格式错误).
 */
export class AhXmlSyntaxError extends Error {
  readonly code: AhResultCode = RESULT_CODES.MALFORMED

  constructor (message: string) {
    super(message)
    this.name = 'AhXmlSyntaxError'
  }
}

/** Every document the interface exchanges is UTF-8 and says so. */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'

/**
 * The first character XML 1.0 cannot carry (C0 controls other than tab, LF and CR, unpaired
 * surrogates, U+FFFE and U+FFFF), described without the surrounding text; undefined if none.
 * UTF-8 itself carries every other code point, emoji and CJK extension B (𠮷) included.
 */
export function xmlCharProblem (s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) { i++; continue }
      return 'an unpaired surrogate'
    }
    if (c >= 0xdc00 && c <= 0xdfff) return 'an unpaired surrogate'
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffe || c === 0xffff) {
      return `the character U+${c.toString(16).toUpperCase().padStart(4, '0')}, which XML 1.0 cannot carry`
    }
  }
  return undefined
}

/** Length in Unicode code points, which is how the platform's columns count (VARCHAR2 … CHAR). */
export const codePoints = (s: string): number => [...s].length

// CR is escaped because an XML parser turns a literal CR (and CRLF) into LF on reading.
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' }
const escapeText = (s: string): string => s.replace(/[&<>\r]/g, (c) => ESCAPES[c] ?? c)

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
/** Decodes the five XML entities and character references in one pass; anything else is refused. */
export function decodeText (raw: string): string {
  const text = raw.replace(/&([^;&\s]*);?/g, (m, ref: string) => {
    if (!m.endsWith(';')) throw new AhXmlSyntaxError('a bare "&" in text')
    const named = NAMED[ref]
    if (named !== undefined) return named
    const num = /^#x([0-9a-fA-F]{1,6})$/.exec(ref)?.[1] ?? /^#([0-9]{1,7})$/.exec(ref)?.[1]
    if (num === undefined) throw new AhXmlSyntaxError(`an undefined entity &${ref.slice(0, 16)};`)
    const cp = Number.parseInt(num, ref.startsWith('#x') ? 16 : 10)
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new AhXmlSyntaxError('a character reference out of range')
    return String.fromCodePoint(cp)
  })
  const problem = xmlCharProblem(text)
  if (problem !== undefined) throw new AhXmlSyntaxError(`text contains ${problem}`)
  return text
}

const builder = new XMLBuilder({
  format: false,
  processEntities: false,
  suppressEmptyNode: false,
  tagValueProcessor: (_name: string, value: unknown) => escapeText(String(value))
})

/** Serialises `content` as the document element `root`, UTF-8, with the declaration. */
export function buildXml (root: string, content: AhElement): string {
  return XML_DECLARATION + builder.build({ [root]: content })
}

/**
 * Parses a document whose element is `root`. Every text stays a string exactly as sent (no type
 * guessing, no trimming); `arrays` lists the paths (`ROOT.CHILD.…`) of repeatable elements so one
 * occurrence still reads as a list. DOCTYPE (entity expansion) and CDATA are refused outright.
 */
export function parseXml (xml: string, root: string, arrays: ReadonlySet<string>): AhElement {
  if (/<!DOCTYPE/i.test(xml)) throw new AhXmlSyntaxError('DOCTYPE is not allowed')
  if (xml.includes('<![CDATA[')) throw new AhXmlSyntaxError('CDATA sections are not allowed')
  const encoding = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']*)["']/.exec(xml)?.[1]
  if (encoding !== undefined && encoding.toUpperCase() !== 'UTF-8') throw new AhXmlSyntaxError(`encoding ${encoding.slice(0, 20)} is not UTF-8`)
  const valid = XMLValidator.validate(xml)
  if (valid !== true) throw new AhXmlSyntaxError(`not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`)
  const parser = new XMLParser({
    ignoreAttributes: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    parseTagValue: false,
    trimValues: false,
    processEntities: false,
    tagValueProcessor: (_name: string, value: string) => decodeText(value),
    isArray: (_name: string, jpath: unknown) => typeof jpath === 'string' && arrays.has(jpath)
  })
  let doc: unknown
  try {
    doc = parser.parse(xml)
  } catch (err) {
    if (err instanceof AhXmlSyntaxError) throw err
    throw new AhXmlSyntaxError(`not well-formed XML (${scrubIdNumbers((err as Error).message).slice(0, 100)})`)
  }
  const top = clean(doc)
  const keys = typeof top === 'object' && !Array.isArray(top) ? Object.keys(top) : []
  const content = typeof top === 'object' && !Array.isArray(top) ? top[root] : undefined
  if (keys.length !== 1 || content === undefined) throw new AhXmlSyntaxError(`the document element must be <${root}> alone`)
  if (Array.isArray(content)) throw new AhXmlSyntaxError(`the document element must be <${root}> alone`)
  return typeof content === 'string' ? {} : content
}

/** Drops the whitespace between elements; other text mixed with elements is an error. */
function clean (node: unknown): AhValue {
  if (typeof node === 'string') return node
  if (Array.isArray(node)) {
    const items = node.map(clean)
    return items.every((i) => typeof i === 'string') ? items as string[] : items.map((i) => typeof i === 'string' ? {} : i) as AhElement[]
  }
  if (typeof node !== 'object' || node === null) return ''
  const out: AhElement = {}
  for (const [key, value] of Object.entries(node)) {
    if (key === '#text') {
      if (typeof value === 'string' && value.trim() === '') continue
      throw new AhXmlSyntaxError('text mixed with elements')
    }
    out[key] = clean(value)
  }
  return out
}
