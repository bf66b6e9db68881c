import type { ItemOf } from '../../contracts/envelope-v1.js'
import type { NativeKind } from '../native-kinds.js'
import { decodeCode, encodeCode, type ShCodeTable } from './sh-rest-codes.js'
import { nativeText, toShDate, type ShRecordReader, type ShTextField } from './sh-rest-fields.js'
import type { ShRecord, ShRecordType } from './sh-rest-native.js'

/** The kinds whose items are flat: one native field per contract field, no subject, no list. */
export type ShFlatKind = 'list.remove' | 'objection.open' | 'objection.resolve' | 'repair.request' | 'repair.decision'

interface Named<K extends string, N extends string = string> { native: N, key: K }

/**
 * One field of a flat item: the native field, how its value is carried (`str` as it is, `text`
 * checked against the native field's limits, `code` through its code table, `date` as yyyyMMdd)
 * and whether it may be absent.
 */
export type ShFlatField<K extends string = string> = { key: K, optional?: true } & (
  | { type: 'str' | 'int' | 'date', native: string }
  | { type: 'text', native: ShTextField }
  | { type: 'code', native: ShCodeTable })

type FieldsOf<T> = ReadonlyArray<ShFlatField<keyof T & string>>
type Key<T> = keyof T & string

const ENTRY_REF: FieldsOf<{ entryId: string, owner: string }> = [
  { native: 'recordId', key: 'entryId', type: 'str' },
  { native: 'ownerProvince', key: 'owner', type: 'str' }
]

/**
 * An application about an entry, forwarded to its owner (异议, 信用修复): its number, the entry,
 * when it was lodged and on what grounds. Each record type names these in its own words.
 */
function applicationFields<T extends { entryId: string, owner: string }> (
  id: Named<Key<T>>, lodgedOn: Named<Key<T>>, grounds: Named<Key<T>, ShTextField>
): FieldsOf<T> {
  return [{ ...id, type: 'str' }, ...ENTRY_REF, { ...lodgedOn, type: 'date' }, { ...grounds, type: 'text' }]
}

/** The owner's answer to such an application: its number, the entry, the outcome, when, and why. */
function answerFields<T extends { entryId: string, owner: string }> (
  id: Named<Key<T>>, outcome: Named<Key<T>, ShCodeTable>, decidedOn: Named<Key<T>>, reason: Named<Key<T>, ShTextField>
): FieldsOf<T> {
  return [
    { ...id, type: 'str' }, ...ENTRY_REF,
    { ...outcome, type: 'code' }, { ...decidedOn, type: 'date' }, { ...reason, type: 'text' }
  ]
}

const OBJECTION_NO = { native: 'objectionNo', key: 'objectionId' } as const
const REPAIR_NO = { native: 'repairNo', key: 'repairId' } as const

/** The fields of each flat kind, in the record's order: read by both directions of the mapping. */
export const SH_FLAT_FIELDS: { readonly [K in ShFlatKind]: FieldsOf<ItemOf<K>> } = {
  'list.remove': [
    ...ENTRY_REF,
    { native: 'recordVersion', key: 'version', type: 'int' },
    { native: 'removeReason', key: 'reason', type: 'code' },
    { native: 'removeBasis', key: 'basis', type: 'text' },
    { native: 'removeDate', key: 'effectiveOn', type: 'date' }
  ],
  'objection.open': applicationFields<ItemOf<'objection.open'>>(OBJECTION_NO,
    { native: 'applyDate', key: 'lodgedOn' }, { native: 'objectionReason', key: 'grounds' }),
  'objection.resolve': [
    ...answerFields<ItemOf<'objection.resolve'>>(OBJECTION_NO, { native: 'handleResult', key: 'outcome' },
      { native: 'handleDate', key: 'resolvedOn' }, { native: 'handleOpinion', key: 'explanation' }),
    { native: 'newRecordVersion', key: 'correctedVersion', type: 'int', optional: true }
  ],
  'repair.request': applicationFields<ItemOf<'repair.request'>>(REPAIR_NO,
    { native: 'applyDate', key: 'requestedOn' }, { native: 'repairReason', key: 'grounds' }),
  'repair.decision': answerFields<ItemOf<'repair.decision'>>(REPAIR_NO, { native: 'repairResult', key: 'outcome' },
    { native: 'handleDate', key: 'decidedOn' }, { native: 'repairOpinion', key: 'reason' })
}

export const isShFlat = (kind: NativeKind): kind is ShFlatKind => Object.hasOwn(SH_FLAT_FIELDS, kind)

function nativeValue (f: ShFlatField, value: unknown, at: string): unknown {
  switch (f.type) {
    case 'str': case 'int': return value
    case 'date': return toShDate(String(value))
    case 'text': return nativeText(String(value), f.native, at)
    // The item was checked against its contract schema: the value is one of the table's.
    case 'code': return encodeCode(f.native, String(value) as never, at)
  }
}

/** A flat contract item (already checked against its schema) → its native record. */
export function flatToNative (
  recordType: ShRecordType, fields: readonly ShFlatField[], item: object, at: string
): ShRecord {
  const values: Readonly<Record<string, unknown>> = { ...item }
  const out: Record<string, unknown> = { recordType }
  for (const f of fields) {
    const value = values[f.key]
    if (value !== undefined) out[f.native] = nativeValue(f, value, `${at}.${f.key}`)
  }
  // The table names every field of the record type, in its order.
  return out as unknown as ShRecord
}

function readField (r: ShRecordReader, f: ShFlatField): unknown {
  const optional = f.optional === true
  const at = `${r.at}.${f.native}`
  switch (f.type) {
    case 'int': return optional ? r.optInt(f.native) : r.int(f.native)
    case 'date': return optional ? r.optDate(f.native) : r.date(f.native)
    case 'str': return optional ? r.optStr(f.native) : r.str(f.native)
    case 'text': {
      const value = optional ? r.optStr(f.native) : r.str(f.native)
      return value === undefined ? undefined : nativeText(value, f.native, at)
    }
    case 'code': {
      const value = optional ? r.optStr(f.native) : r.str(f.native)
      return value === undefined ? undefined : decodeCode(f.native, value, at)
    }
  }
}

/** A native record of a flat kind → its contract item; an absent optional field stays absent. */
export function flatFromNative<K extends ShFlatKind> (r: ShRecordReader, kind: K): ItemOf<K> {
  const item: Record<string, unknown> = {}
  for (const f of SH_FLAT_FIELDS[kind] as readonly ShFlatField[]) {
    const value = readField(r, f)
    if (value !== undefined) item[f.key] = value
  }
  // Every field of the kind has an entry above; the caller checks the item against its schema.
  return item as ItemOf<K>
}
