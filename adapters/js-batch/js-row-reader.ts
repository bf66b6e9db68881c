import { AdapterError, unmappable } from '../types.js'
import type { CodeTable } from './js-batch-codes.js'
import { JS_HEADER, type JsColumn, type JsRow } from './js-batch-columns.js'
import { ESCAPE, PART_SEPARATOR, RECORD_SEPARATOR } from './js-row-writer.js'

const NATIVE_DATE = /^(\d{4})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/
const INT = /^[1-9]\d{0,9}$/

/** Columns every row fills whatever its kind: the batch's, not the item's. */
export const ENVELOPE_COLUMNS: ReadonlySet<JsColumn> = new Set(['批次号', '记录序号', '数据类型', '数据来源省份'])

const refuse = (message: string): AdapterError => unmappable(message)

/** Splits a nested cell into records of parts, undoing the `\` escapes of {@link joinNested}. */
export function splitNested (cell: string): string[][] {
  if (cell === '') return []
  const records: string[][] = []
  let parts: string[] = []
  let part = ''
  for (let i = 0; i < cell.length; i++) {
    const c = cell.charAt(i)
    if (c === ESCAPE) {
      if (i + 1 >= cell.length) throw refuse('nested cell ends with a lone escape character')
      part += cell.charAt(++i)
    } else if (c === PART_SEPARATOR) {
      parts.push(part)
      part = ''
    } else if (c === RECORD_SEPARATOR) {
      parts.push(part)
      records.push(parts)
      parts = []
      part = ''
    } else {
      part += c
    }
  }
  parts.push(part)
  records.push(parts)
  return records
}

/**
 * Reads one native row back into contract values, strictly: a required cell that is empty, a
 * label outside its code table, a malformed date or number, or a filled cell the row's 数据类型
 * does not use is an error, so that what the platform stores always maps back to a valid item.
 */
export class JsRowReader {
  private readonly used = new Set<JsColumn>(ENVELOPE_COLUMNS)

  constructor (readonly row: JsRow) {}

  optText (column: JsColumn): string | undefined {
    this.used.add(column)
    const cell = this.row[column] ?? ''
    return cell === '' ? undefined : cell
  }

  text (column: JsColumn): string {
    const cell = this.optText(column)
    if (cell === undefined) throw refuse(`${column} is empty`)
    return cell
  }

  optDate (column: JsColumn): string | undefined {
    const cell = this.optText(column)
    if (cell === undefined) return undefined
    const m = NATIVE_DATE.exec(cell)
    if (m === null) throw refuse(`${column} must be a date YYYYMMDD`)
    return `${m[1] ?? ''}-${m[2] ?? ''}-${m[3] ?? ''}`
  }

  date (column: JsColumn): string {
    const value = this.optDate(column)
    if (value === undefined) throw refuse(`${column} is empty`)
    return value
  }

  optInt (column: JsColumn): number | undefined {
    const cell = this.optText(column)
    if (cell === undefined) return undefined
    const n = Number(cell)
    if (!INT.test(cell) || n > 2147483647) throw refuse(`${column} must be a positive integer`)
    return n
  }

  int (column: JsColumn): number {
    const value = this.optInt(column)
    if (value === undefined) throw refuse(`${column} is empty`)
    return value
  }

  /** The contract code of `label` in `table`. */
  static code<T extends string> (table: CodeTable<T>, label: string): T {
    const code = table.fromLabel.get(label)
    if (code === undefined) throw refuse(`${table.what} holds a value outside its code table`)
    return code
  }

  optCode<T extends string> (column: JsColumn, table: CodeTable<T>): T | undefined {
    const cell = this.optText(column)
    return cell === undefined ? undefined : JsRowReader.code(table, cell)
  }

  code<T extends string> (column: JsColumn, table: CodeTable<T>): T {
    return JsRowReader.code(table, this.text(column))
  }

  /** A 是/否 or 强制/推荐 flag. */
  flag (column: JsColumn, table: CodeTable<'true' | 'false'>): boolean {
    return this.code(column, table) === 'true'
  }

  nested (column: JsColumn): string[][] {
    return splitNested(this.optText(column) ?? '')
  }

  /** Refuses a filled cell this row's kind does not use. */
  done (): void {
    for (const column of JS_HEADER) {
      if (!this.used.has(column) && (this.row[column] ?? '') !== '') throw refuse(`${column} is not used by this 数据类型 but is filled`)
    }
  }
}
