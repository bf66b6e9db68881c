import { AdapterError, unmappable } from '../types.js'
import type { CodeTable } from './js-batch-codes.js'
import { JS_COLUMN_BYTES, type JsColumn, type JsRow } from './js-batch-columns.js'
import { assertGb18030, gb18030 } from './gb18030-text.js'

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const MAX_INT = 2147483647

/** Separators inside a nested cell (责任人, 惩戒措施), and the escape character. */
export const RECORD_SEPARATOR = '|'
export const PART_SEPARATOR = ';'
export const ESCAPE = '\\'
/** The 责任人 cell of a subject with an empty list of responsible persons (an empty cell is none at all). */
export const NONE_MARKER = '无'

const escapePart = (part: string): string => part.replace(/[\\;|]/g, (c) => ESCAPE + c)

/** Joins records of parts into one nested cell: `a;b|c;d`, with `\`, `;` and `|` escaped by `\`. */
export function joinNested (records: ReadonlyArray<readonly string[]>): string {
  return records.map((parts) => parts.map(escapePart).join(PART_SEPARATOR)).join(RECORD_SEPARATOR)
}

const refuse = (message: string): AdapterError => unmappable(message)

/**
 * Builds one native row from a contract item, refusing (permanently) every value the batch
 * format cannot represent: a character GB18030 cannot carry, a cell longer than its column, an
 * empty string (an empty cell means "absent"), a malformed date or number. Messages name the
 * column and the contract field, never the value.
 */
export class JsRowWriter {
  readonly row: JsRow = {}

  private put (column: JsColumn, field: string, cell: string): void {
    const max = JS_COLUMN_BYTES.get(column) ?? 0
    const bytes = gb18030(cell).length
    if (bytes > max) throw refuse(`${column} (${field}) takes at most ${max} GB18030 bytes, this value needs ${bytes}`)
    this.row[column] = cell
  }

  private present (field: string, value: unknown, optional: boolean): boolean {
    if (value !== undefined) return true
    if (!optional) throw refuse(`${field} is missing`)
    return false
  }

  /** A free-text part (of a cell or nested cell), checked for GB18030 and non-emptiness. */
  part (field: string, value: unknown): string {
    if (typeof value !== 'string') throw refuse(`${field} must be a string`)
    if (value === '') throw refuse(`${field} is empty, which the batch format cannot tell from absent`)
    assertGb18030(value, field)
    return value
  }

  text (column: JsColumn, field: string, value: unknown, optional = false): void {
    if (this.present(field, value, optional)) this.put(column, field, this.part(field, value))
  }

  /** `YYYY-MM-DD` becomes the platform's `YYYYMMDD`. */
  date (column: JsColumn, field: string, value: unknown, optional = false): void {
    if (!this.present(field, value, optional)) return
    const m = typeof value === 'string' ? DATE.exec(value) : null
    if (m === null) throw refuse(`${field} must be a date YYYY-MM-DD`)
    this.put(column, field, `${m[1] ?? ''}${m[2] ?? ''}${m[3] ?? ''}`)
  }

  int (column: JsColumn, field: string, value: unknown, optional = false): void {
    if (!this.present(field, value, optional)) return
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_INT) throw refuse(`${field} must be an integer from 1 to ${MAX_INT}`)
    this.put(column, field, String(value))
  }

  /** The label of `value` in `table`. */
  label<T extends string> (table: CodeTable<T>, field: string, value: unknown): string {
    const label = table.toLabel.get(String(value) as T)
    if (label === undefined || (typeof value !== 'string' && typeof value !== 'boolean')) throw refuse(`${field} has no ${table.what} code`)
    return label
  }

  code<T extends string> (
    column: JsColumn, table: CodeTable<T>, field: string, value: unknown, optional = false
  ): void {
    if (this.present(field, value, optional)) this.put(column, field, this.label(table, field, value))
  }

  nested (column: JsColumn, field: string, records: ReadonlyArray<readonly string[]>, empty = ''): void {
    this.put(column, field, records.length === 0 ? empty : joinNested(records))
  }

  /** A list from the item, checked to be an array before its elements are mapped. */
  list (field: string, value: unknown, optional = false): unknown[] | undefined {
    if (!this.present(field, value, optional)) return undefined
    if (!Array.isArray(value)) throw refuse(`${field} must be an array`)
    return value as unknown[]
  }
}
