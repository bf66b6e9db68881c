import { stringify } from 'csv-stringify/sync'
import { scrubIdNumbers } from '../identifiers/mask.js'

/** A cell the gateway writes: text, a number, a flag, or nothing. */
export type CsvCell = string | number | boolean | null | undefined

/**
 * What a spreadsheet reads as the start of a formula (CSV injection, CWE-1236): `=`, `+`, `-`, `@`
 * (also after leading spaces, and their full-width forms, which some spreadsheet tools fold),
 * and a leading tab or carriage return.
 */
const FORMULA_START = /^(?:[\t\r]|[ ]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/

/**
 * One cell made safe: identity numbers masked, and text a spreadsheet would run as a formula
 * prefixed with `'`, which makes it plain text. Numbers and flags are written as they are.
 */
export function csvCell (value: CsvCell): string {
  if (value === null || value === undefined) return ''
  if (typeof value !== 'string') return String(value)
  const text = scrubIdNumbers(value)
  return FORMULA_START.test(text) ? `'${text}` : text
}

/**
 * The one CSV writer of the gateway (RFC 4180): every cell through {@link csvCell}, an optional
 * header, and optionally a byte-order mark so spreadsheet tools read the Chinese text as UTF-8.
 */
export function writeCsv (
  rows: ReadonlyArray<readonly CsvCell[]>, opts: { header?: readonly string[], bom?: boolean } = {}
): string {
  const body = stringify([...(opts.header === undefined ? [] : [opts.header]), ...rows].map((r) => r.map(csvCell)))
  return (opts.bom === true ? '\ufeff' : '') + body
}
