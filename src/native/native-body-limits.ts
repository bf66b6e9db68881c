/**
 * Bounded checks of a native body's shape, run before its full parse: one pass over the bytes, no
 * allocation, so a body within the route's size limit but built to make a parser (or what follows
 * it) slow — nesting a million levels deep, a million tiny values, one enormous field, a hundred
 * thousand rows — is refused in time proportional to its size, and small. Generic over the native
 * protocols that carry JSON or CSV (Shanghai's REST, Jiangsu's batch upload); each route chooses
 * its limits from its protocol's own maxima.
 *
 * The scans look only at ASCII structural bytes (`{ [ ] } , " \` for JSON; `" , CR LF` for CSV),
 * which mean only themselves in UTF-8 and in GB18030 alike: no byte of a multi-byte character in
 * either encoding is below 0x40 except GB18030's four-byte digits 0x30–0x39, which are not
 * structural.
 */

import type { CsvShapeLimits, JsonShapeLimits } from '../../adapters/types.js'

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const CR = 0x0d
const LF = 0x0a

/** Why `bytes` (JSON) exceeds `limits`, or undefined. Malformed JSON is left to the parser. */
export function jsonShapeProblem (bytes: Uint8Array, limits: JsonShapeLimits): string | undefined {
  let depth = 0
  let values = 0
  let inString = false
  let stringStart = 0
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number
    if (inString) {
      if (b === BACKSLASH) i++
      else if (b === QUOTE) {
        inString = false
        if (i - stringStart + 1 > limits.maxStringBytes) return `a string of more than ${limits.maxStringBytes} bytes`
      }
      continue
    }
    if (b === QUOTE) {
      inString = true
      stringStart = i
    } else if (b === 0x5b || b === 0x7b) {
      if (++depth > limits.maxDepth) return `nested more than ${limits.maxDepth} levels deep`
      if (++values > limits.maxValues) return `more than ${limits.maxValues} values`
    } else if (b === 0x5d || b === 0x7d) {
      depth--
    } else if (b === COMMA) {
      if (++values > limits.maxValues) return `more than ${limits.maxValues} values`
    }
  }
  if (inString && bytes.length - stringStart > limits.maxStringBytes) return `a string of more than ${limits.maxStringBytes} bytes`
  return undefined
}

/** Why `bytes` (CSV) exceeds `limits`, or undefined. Malformed CSV is left to the parser. */
export function csvShapeProblem (bytes: Uint8Array, limits: CsvShapeLimits): string | undefined {
  let records = 0
  let field = 0
  let fieldBytes = 0
  let inQuotes = false
  const tooLong = (): string | undefined => fieldBytes > limits.maxFieldBytes(field)
    ? `record ${records + 1}: field ${field + 1} holds more than ${limits.maxFieldBytes(field)} bytes`
    : undefined
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number
    if (b === QUOTE) {
      // A doubled quote inside a quoted field toggles twice: the state comes out right without lookahead.
      inQuotes = !inQuotes
      fieldBytes++
    } else if (inQuotes || (b !== COMMA && b !== LF && b !== CR)) {
      fieldBytes++
    } else if (b === COMMA) {
      const problem = tooLong()
      if (problem !== undefined) return problem
      fieldBytes = 0
      if (++field >= limits.maxFields) return `record ${records + 1}: more than ${limits.maxFields} fields`
      continue
    } else if (b === LF) {
      const problem = tooLong()
      if (problem !== undefined) return problem
      fieldBytes = 0
      field = 0
      if (++records > limits.maxRecords) return `more than ${limits.maxRecords} records`
      continue
    }
    const problem = tooLong()
    if (problem !== undefined) return problem
  }
  // A last record without its line end.
  if ((field > 0 || fieldBytes > 0) && records + 1 > limits.maxRecords) return `more than ${limits.maxRecords} records`
  return undefined
}

/**
 * Asks Node to close the connection after a refusal sent before the request's body was read: left
 * open, the server would read and discard all of it (up to the size limit and beyond) to keep the
 * connection alive for the next request — work an unauthenticated sender should not get.
 */
export function closeIfBodyUnread (
  request: { body?: unknown, headers: Record<string, string | string[] | undefined> },
  reply: { header: (name: string, value: string) => unknown }
): void {
  const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0
  if (request.body === undefined && hasBody) reply.header('connection', 'close')
}
