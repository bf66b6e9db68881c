import { createHash } from 'node:crypto'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { unmappable } from '../types.js'
import { JS_HEADER, JS_MAX_ROWS, type JsRow } from './js-batch-columns.js'
import { decodeGb18030, gb18030 } from './gb18030-text.js'
import { scrubIdNumbers } from '../../src/identifiers/mask.js'

/** Why a batch file was refused, in the platform's error vocabulary. */
export type JsBatchFileProblem = 'ENCODING_INVALID' | 'HEADER_INVALID' | 'FILE_INVALID'

/** A batch file the platform cannot read; `code` is what it answers with. */
export class JsBatchFileError extends Error {
  constructor (readonly code: JsBatchFileProblem, message: string) {
    super(message)
    this.name = 'JsBatchFileError'
  }
}

/** A batch file as read: its id, the sending province, and its rows in 记录序号 order. */
export interface JsBatchFile {
  batchId: string
  origin: string
  rows: JsRow[]
}

const PRINTABLE_ASCII = /^[\x21-\x7e]{1,128}$/

/** SM3 (GB/T 32905-2016) of the file's bytes, hex: the `X-JS-Content-SM3` header. */
export function batchSm3 (bytes: Buffer): string {
  return createHash('sm3').update(bytes).digest('hex')
}

/**
 * Writes a batch file: RFC 4180 CSV (CRLF line ends, double quotes where a cell needs them), the
 * Chinese header row first, one row per item with 批次号 = `batchId` (`nativeMessageId(origin, jti)`),
 * 记录序号 from 1 and 数据来源省份 = `origin`, encoded in GB18030 without a BOM. The bytes depend
 * only on the arguments, so a retried delivery uploads the same file.
 */
export function encodeBatchFile (batchId: string, origin: string, rows: readonly JsRow[]): Buffer {
  if (!PRINTABLE_ASCII.test(batchId)) throw unmappable('批次号 must be 1 to 128 printable ASCII characters')
  if (!PRINTABLE_ASCII.test(origin) || origin.length > 16) throw unmappable('数据来源省份 (origin) must be a platform id')
  if (rows.length === 0 || rows.length > JS_MAX_ROWS) throw unmappable(`a batch carries 1 to ${JS_MAX_ROWS} rows, not ${rows.length}`)
  const records = rows.map((row, i) => {
    const full: JsRow = { ...row, 批次号: batchId, 记录序号: String(i + 1), 数据来源省份: origin }
    return JS_HEADER.map((column) => full[column] ?? '')
  })
  return gb18030(stringify([[...JS_HEADER], ...records], { record_delimiter: '\r\n', quoted_match: /^\s|\s$|\r/ }))
}

/**
 * Reads a batch file the way the platform does: GB18030 that encodes back to the same bytes, the
 * exact header row, and rows that all carry the same 批次号 and number 记录序号 1, 2, 3…
 * @throws JsBatchFileError naming the first problem.
 */
export function decodeBatchFile (bytes: Buffer): JsBatchFile {
  const text = decodeGb18030(bytes)
  if (text === undefined) throw new JsBatchFileError('ENCODING_INVALID', '文件不是有效的GB18030编码')
  let records: string[][]
  try {
    records = parse(
      text, { bom: false, relax_quotes: false, relax_column_count: false, skip_empty_lines: false }
    ) as string[][]
  } catch (err) {
    throw new JsBatchFileError('FILE_INVALID', `CSV格式错误: ${scrubIdNumbers((err as Error).message).slice(0, 120)}`)
  }
  const [header, ...data] = records
  if (header === undefined || header.length !== JS_HEADER.length || header.some((name, i) => name !== JS_HEADER[i])) {
    throw new JsBatchFileError('HEADER_INVALID', '表头与接口规范不一致')
  }
  if (data.length === 0 || data.length > JS_MAX_ROWS) throw new JsBatchFileError('FILE_INVALID', `记录数须为1至${JS_MAX_ROWS}条`)
  const rows = data.map((cells) => Object.fromEntries(JS_HEADER.map((column, i) => [column, cells[i] ?? ''])) as JsRow)
  const batchId = rows[0]?.批次号 ?? ''
  const origin = rows[0]?.数据来源省份 ?? ''
  rows.forEach((row, i) => {
    if (row.批次号 !== batchId || row.数据来源省份 !== origin) throw new JsBatchFileError('FILE_INVALID', `第${i + 1}条记录的批次号或数据来源省份与首条不一致`)
    if (row.记录序号 !== String(i + 1)) throw new JsBatchFileError('FILE_INVALID', `第${i + 1}条记录的记录序号应为${i + 1}`)
  })
  if (!PRINTABLE_ASCII.test(batchId)) throw new JsBatchFileError('FILE_INVALID', '批次号格式错误')
  return { batchId, origin, rows }
}
