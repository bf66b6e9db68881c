import { AhXmlSyntaxError, decodeText, type AhElement, type AhValue } from './ah-xml-codec.js'

/** The XML is well-formed so far but larger than the reader allows: too many, too deep, too long. */
export class AhXmlTooLarge extends AhXmlSyntaxError {
  constructor (message: string) {
    super(message)
    this.name = 'AhXmlTooLarge'
  }
}

/** Bounds of one scan, checked as the text is read, so a hostile document costs no more than them. */
export interface ScanLimits {
  maxElements: number
  maxDepth: number
  /** Longest text of an element as written (UTF-16 units, escapes included). */
  maxText: number
  /** Longer (or shorter) texts for some element names. */
  maxTextOf?: Readonly<Record<string, number>>
  /** Most occurrences of some element names in the whole document (e.g. `JL`: 1,000 records). */
  maxCountOf?: Readonly<Record<string, number>>
  /** Elements whose text is returned as written, not decoded (base64: the caller checks its alphabet). */
  rawTextOf?: ReadonlySet<string>
}

interface Open { name: string, el: AhElement, textStart: number, children: boolean, text: boolean }

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/
const BLANK = /^[ \t\r\n]*$/

/**
 * A strict, linear, bounded reader of the interface's data-only XML (elements and text, no
 * attributes, comments, DOCTYPE, CDATA or processing instructions; an optional UTF-8
 * declaration). Every limit is checked before the text it concerns is copied or decoded, so an
 * element bomb or a deep nest is refused after at most `maxElements` tags, in microseconds. With
 * `build`, returns the document element's content (children by name, a repeated child as a list,
 * texts decoded); without it, only checks. Throws AhXmlTooLarge for a limit, AhXmlSyntaxError for
 * anything else.
 */
export function scanXml (xml: string, root: string, limits: ScanLimits, build = true): AhElement {
  let i = 0
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>')
    if (end < 0 || end > 200) throw new AhXmlSyntaxError('not well-formed XML (the declaration does not end)')
    const encoding = /\bencoding\s*=\s*["']([^"']*)["']/.exec(xml.slice(0, end))?.[1]
    if (encoding !== undefined && encoding.toUpperCase() !== 'UTF-8') throw new AhXmlSyntaxError(`encoding ${encoding.slice(0, 20)} is not UTF-8`)
    i = end + 2
  }
  const stack: Open[] = []
  const counts = new Map<string, number>()
  let elements = 0
  let result: AhElement | undefined
  for (;;) {
    const lt = xml.indexOf('<', i)
    const top = stack[stack.length - 1]
    const textEnd = lt < 0 ? xml.length : lt
    const maxText = top === undefined ? 1024 : limits.maxTextOf?.[top.name] ?? limits.maxText
    if (textEnd - i > maxText) throw new AhXmlTooLarge(`text of <${top?.name ?? root}> longer than ${maxText} characters`)
    const blank = BLANK.test(xml.slice(i, textEnd))
    if (!blank && (top === undefined || top.children)) throw new AhXmlSyntaxError('text mixed with elements, or outside the document element')
    if (!blank && top !== undefined) top.text = true
    if (lt < 0) break
    if (xml.startsWith('</', lt)) {
      const gt = xml.indexOf('>', lt)
      if (top === undefined || gt < 0 || xml.slice(lt + 2, gt) !== top.name) throw new AhXmlSyntaxError(`not well-formed XML (a closing tag does not match <${top?.name ?? ''}>)`)
      stack.pop()
      const raw = !build || limits.rawTextOf?.has(top.name) === true
      const value: AhValue = top.children ? top.el : raw ? (build ? xml.slice(top.textStart, lt) : '') : decodeText(xml.slice(top.textStart, lt))
      const parent = stack[stack.length - 1]
      if (parent === undefined) result = typeof value === 'string' ? {} : value
      else if (build) attach(parent.el, top.name, value)
      i = gt + 1
      continue
    }
    const c = xml.charAt(lt + 1)
    if (c === '!' || c === '?') throw new AhXmlSyntaxError('comments, DOCTYPE, CDATA and processing instructions are not allowed')
    const gt = xml.indexOf('>', lt)
    if (gt < 0 || gt - lt > 80) throw new AhXmlSyntaxError('not well-formed XML (a tag does not end, or has attributes)')
    const selfClosing = xml.charAt(gt - 1) === '/'
    const name = xml.slice(lt + 1, selfClosing ? gt - 1 : gt)
    if (!NAME.test(name)) throw new AhXmlSyntaxError('not well-formed XML (a tag name is invalid, or the tag has attributes)')
    if (result !== undefined || (top === undefined && name !== root)) throw new AhXmlSyntaxError(`the document element must be <${root}> alone`)
    if (++elements > limits.maxElements) throw new AhXmlTooLarge(`more than ${limits.maxElements} elements`)
    if (stack.length + 1 > limits.maxDepth) throw new AhXmlTooLarge(`elements nested deeper than ${limits.maxDepth}`)
    const n = (counts.get(name) ?? 0) + 1
    counts.set(name, n)
    const maxCount = limits.maxCountOf?.[name]
    if (maxCount !== undefined && n > maxCount) throw new AhXmlTooLarge(`more than ${maxCount} <${name}> elements`)
    if (top?.text === true) throw new AhXmlSyntaxError('text mixed with elements')
    if (top !== undefined) top.children = true
    i = gt + 1
    if (selfClosing) {
      if (top === undefined) result = {}
      else if (build) attach(top.el, name, '')
      continue
    }
    stack.push({ name, el: {}, textStart: i, children: false, text: false })
  }
  if (stack.length > 0 || result === undefined) throw new AhXmlSyntaxError(`not well-formed XML (<${stack[stack.length - 1]?.name ?? root}> is not closed)`)
  return result
}

/** A child once is a value, twice a list (of texts or of elements, as the parser makes them). */
function attach (el: AhElement, name: string, value: AhValue): void {
  const prior = el[name]
  if (prior === undefined) { el[name] = value; return }
  if (Array.isArray(prior)) (prior as AhValue[]).push(value)
  else el[name] = [prior, value] as AhValue
}
