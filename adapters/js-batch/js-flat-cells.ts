import type { ItemOf } from '../../contracts/envelope-v1.js'
import type { NativeKind } from '../native-kinds.js'
import { OBJECTION_OUTCOMES, REMOVAL_REASONS, REPAIR_OUTCOMES, type CodeTable } from './js-batch-codes.js'
import type { JsColumn } from './js-batch-columns.js'
import type { JsRowReader } from './js-row-reader.js'
import type { JsRowWriter } from './js-row-writer.js'
import { fieldsOf } from './js-subject-mapping.js'

/** The kinds whose items are flat: one cell per field, no subject, no nested cell. */
export type FlatKind = 'list.remove' | 'objection.open' | 'objection.resolve' | 'repair.request' | 'repair.decision'

interface Named<K extends string> { column: JsColumn, key: K }

/** One field of a flat item: its column, how the cell is written and read, and whether it may be empty. */
export type FlatCell<K extends string = string> = Named<K> & { optional?: true } &
  ({ type: 'text' | 'date' | 'int' } | { type: 'code', table: CodeTable<string> })

type CellsOf<T> = ReadonlyArray<FlatCell<keyof T & string>>

const ENTRY_REF: CellsOf<{ entryId: string, owner: string }> = [
  { column: '名单编号', key: 'entryId', type: 'text' },
  { column: '名单归属平台', key: 'owner', type: 'text' }
]

/**
 * An application about an entry, forwarded to its owner (异议, 信用修复): its number, the entry,
 * when it was lodged and on what grounds. Each kind names these in its own words (columns).
 */
function applicationCells<T extends { entryId: string, owner: string }> (
  id: Named<keyof T & string>, lodgedOn: Named<keyof T & string>, grounds: Named<keyof T & string>
): CellsOf<T> {
  return [{ ...id, type: 'text' }, ...ENTRY_REF, { ...lodgedOn, type: 'date' }, { ...grounds, type: 'text' }]
}

/** The owner's answer to such an application: its number, the entry, the outcome, when, and why. */
function answerCells<T extends { entryId: string, owner: string }> (
  id: Named<keyof T & string>, outcome: Named<keyof T & string> & { table: CodeTable<string> },
  decidedOn: Named<keyof T & string>, reason: Named<keyof T & string>
): CellsOf<T> {
  return [
    { ...id, type: 'text' }, ...ENTRY_REF,
    { ...outcome, type: 'code' }, { ...decidedOn, type: 'date' }, { ...reason, type: 'text' }
  ]
}

const OBJECTION_ID = { column: '异议编号', key: 'objectionId' } as const
const REPAIR_ID = { column: '修复编号', key: 'repairId' } as const

/** The cells of each flat kind, in column order: read by both directions of the mapping. */
export const FLAT_CELLS: { readonly [K in FlatKind]: CellsOf<ItemOf<K>> } = {
  'list.remove': [
    ...ENTRY_REF,
    { column: '版本号', key: 'version', type: 'int' },
    { column: '移出原因', key: 'reason', type: 'code', table: REMOVAL_REASONS },
    { column: '移出依据', key: 'basis', type: 'text' },
    { column: '移出日期', key: 'effectiveOn', type: 'date' }
  ],
  'objection.open': applicationCells<ItemOf<'objection.open'>>(OBJECTION_ID,
    { column: '异议提出日期', key: 'lodgedOn' }, { column: '异议理由', key: 'grounds' }),
  'objection.resolve': [
    ...answerCells<ItemOf<'objection.resolve'>>(OBJECTION_ID,
      { column: '处理结果', key: 'outcome', table: OBJECTION_OUTCOMES },
      { column: '处理日期', key: 'resolvedOn' }, { column: '处理说明', key: 'explanation' }),
    { column: '更正版本号', key: 'correctedVersion', type: 'int', optional: true }
  ],
  'repair.request': applicationCells<ItemOf<'repair.request'>>(REPAIR_ID,
    { column: '修复申请日期', key: 'requestedOn' }, { column: '修复理由', key: 'grounds' }),
  'repair.decision': answerCells<ItemOf<'repair.decision'>>(REPAIR_ID,
    { column: '修复结果', key: 'outcome', table: REPAIR_OUTCOMES },
    { column: '修复决定日期', key: 'decidedOn' }, { column: '修复决定说明', key: 'reason' })
}

export const isFlat = (kind: NativeKind): kind is FlatKind => Object.hasOwn(FLAT_CELLS, kind)

/** Writes a flat item's cells, refusing a field it has no column for. */
export function writeFlat (w: JsRowWriter, cells: readonly FlatCell[], value: unknown): void {
  const item = fieldsOf('item', value, cells.map((c) => c.key))
  for (const c of cells) {
    const optional = c.optional === true
    if (c.type === 'code') w.code(c.column, c.table, c.key, item[c.key], optional)
    else w[c.type](c.column, c.key, item[c.key], optional)
  }
}

function readCell (r: JsRowReader, c: FlatCell): unknown {
  const optional = c.optional === true
  switch (c.type) {
    case 'text': return optional ? r.optText(c.column) : r.text(c.column)
    case 'date': return optional ? r.optDate(c.column) : r.date(c.column)
    case 'int': return optional ? r.optInt(c.column) : r.int(c.column)
    case 'code': return optional ? r.optCode(c.column, c.table) : r.code(c.column, c.table)
  }
}

/** Reads a flat item back; an empty optional cell leaves its field absent. */
export function readFlat<K extends FlatKind> (r: JsRowReader, kind: K): ItemOf<K> {
  const item: Record<string, unknown> = {}
  for (const c of FLAT_CELLS[kind] as readonly FlatCell[]) {
    const value = readCell(r, c)
    if (value !== undefined) item[c.key] = value
  }
  // Every field of the kind has a cell above, each read (or refused) by its type.
  return item as ItemOf<K>
}
