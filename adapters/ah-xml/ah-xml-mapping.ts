import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { ITEM_SCHEMAS, type EnvelopeKindV1, type ItemOf } from '../../contracts/envelope-v1.js'
import { AdapterError, unmappable } from '../types.js'
import { ID_CARD_TYPE, NO, YES } from './ah-xml-codes.js'
import { codePoints, xmlCharProblem, type AhElement, type AhValue } from './ah-xml-codec.js'
import { RECORD_FIELDS, type FieldSpec } from './ah-xml-fields.js'
import { scrubIdNumbers } from '../../src/identifiers/mask.js'
import type { NativeKind } from '../native-kinds.js'

const checks = Object.fromEntries(
  Object.entries(ITEM_SCHEMAS).map(([kind, schema]) => [kind, TypeCompiler.Compile(schema as TSchema)])
) as Record<EnvelopeKindV1, TypeCheck<TSchema>>

type Plain = Record<string, unknown>

// Messages name the field and the rule, never the value: identity numbers must not reach logs.
const refuse = (message: string): AdapterError => unmappable(message)

/** The first schema violation of `value`, as a path and a rule (TypeBox's messages carry no values). */
function schemaProblem (kind: EnvelopeKindV1, value: unknown): string | undefined {
  const first = checks[kind].Errors(value).First()
  return first === undefined ? undefined : `${first.path === '' ? '/' : first.path}: ${first.message}`
}

function writeFields (fields: readonly FieldSpec[], obj: Plain, at: string, out: AhElement): AhElement {
  for (const f of fields) {
    const value = obj[f.key]
    const path = `${at}${f.key}`
    if (value === undefined) {
      if (f.optional === true) continue
      throw refuse(`AH needs ${path} (${f.code})`)
    }
    switch (f.type) {
      case 'text':
      case 'id-number': {
        const text = String(value)
        const problem = xmlCharProblem(text)
        if (problem !== undefined) throw refuse(`AH cannot carry ${path}: it contains ${problem}`)
        const max = f.type === 'text' ? f.max : 18
        if (codePoints(text) > max) throw refuse(`AH cannot carry ${path}: longer than ${max} characters, the length of ${f.code}`)
        if (f.type === 'id-number') out.ZJLX = ID_CARD_TYPE
        out[f.code] = text
        break
      }
      case 'date': out[f.code] = String(value).replaceAll('-', ''); break
      case 'int': out[f.code] = String(value); break
      case 'bool': out[f.code] = value === true ? YES : NO; break
      case 'enum': {
        const code = f.table[String(value)]
        if (code === undefined) throw refuse(`AH has no ${f.code} code for ${path} "${scrubIdNumbers(String(value)).slice(0, 40)}"`)
        out[f.code] = code
        break
      }
      case 'group': out[f.code] = writeFields(f.fields, value as Plain, `${path}.`, {}); break
      case 'flat': writeFields(f.fields, value as Plain, `${path}.`, out); break
      case 'list': {
        const list = value as unknown[]
        out[f.code] = list.length === 0 ? '' : { [f.item]: list.map((v, i) => writeFields(f.fields, v as Plain, `${path}[${i}].`, {})) }
        break
      }
      case 'code-list': {
        const list = (value as unknown[]).map(String)
        for (const [i, c] of list.entries()) {
          if (codePoints(c) > f.max || xmlCharProblem(c) !== undefined) throw refuse(`AH cannot carry ${path}[${i}] in ${f.item}`)
        }
        out[f.code] = list.length === 0 ? '' : { [f.item]: list }
        break
      }
    }
  }
  return out
}

/**
 * A contract item as the Anhui platform's record (JL) of the message type of `kind`. The item is
 * checked against its contract schema first; a value the platform cannot store (a column it
 * exceeds, a character XML cannot carry, a value its code tables lack) is refused with a
 * permanent AdapterError naming the field, since sending it again can never succeed.
 */
export function toNative<K extends NativeKind> (kind: K, item: ItemOf<K> | unknown, index = 0): AhElement {
  const problem = schemaProblem(kind, item)
  if (problem !== undefined) throw refuse(`item ${index} is not a valid ${kind} item (${problem})`)
  try {
    return writeFields(RECORD_FIELDS[kind], item as Plain, '', {})
  } catch (err) {
    if (err instanceof AdapterError) throw refuse(`item ${index}: ${err.message}`)
    throw err
  }
}

/** Every element code a field list may hold directly (flat objects spread into it). */
function codesOf (fields: readonly FieldSpec[]): Set<string> {
  const codes = new Set<string>()
  for (const f of fields) {
    if (f.type === 'flat') for (const c of codesOf(f.fields)) codes.add(c)
    else codes.add(f.code)
    if (f.type === 'id-number') codes.add('ZJLX')
  }
  return codes
}

function text (value: AhValue | undefined, where: string): string {
  if (typeof value !== 'string') throw refuse(`${where} must be text`)
  return value
}

function readFields (
  fields: readonly FieldSpec[], el: AhElement, at: string, out: Plain, known = codesOf(fields)
): Plain {
  for (const code of Object.keys(el)) if (!known.has(code)) throw refuse(`unknown field ${at}${code}`)
  for (const f of fields) {
    if (f.type === 'flat') {
      out[f.key] = readFields(f.fields, el, at, {}, known)
      continue
    }
    const raw = el[f.code]
    const where = `${at}${f.code}`
    if (f.type === 'id-number' && raw === undefined && el.ZJLX !== undefined) throw refuse(`${at}ZJLX without ${where}`)
    if (raw === undefined) {
      if (f.optional === true) continue
      throw refuse(`missing field ${where}`)
    }
    switch (f.type) {
      case 'text': out[f.key] = text(raw, where); break
      case 'id-number':
        if (el.ZJLX !== ID_CARD_TYPE) throw refuse(`${at}ZJLX must be ${ID_CARD_TYPE} (居民身份证)`)
        out[f.key] = text(raw, where)
        break
      case 'date': {
        const d = /^(\d{4})(\d{2})(\d{2})$/.exec(text(raw, where))
        if (d === null) throw refuse(`${where} must be a date YYYYMMDD`)
        out[f.key] = `${d[1] ?? ''}-${d[2] ?? ''}-${d[3] ?? ''}`
        break
      }
      case 'int': {
        const n = text(raw, where)
        if (!/^(0|[1-9]\d{0,9})$/.test(n)) throw refuse(`${where} must be a whole number`)
        out[f.key] = Number(n)
        break
      }
      case 'bool': {
        const b = text(raw, where)
        if (b !== YES && b !== NO) throw refuse(`${where} must be ${YES} or ${NO}`)
        out[f.key] = b === YES
        break
      }
      case 'enum': {
        const code = text(raw, where)
        const value = Object.entries(f.table).find(([, c]) => c === code)?.[0]
        if (value === undefined) throw refuse(`${where} has an unknown code`)
        out[f.key] = value
        break
      }
      case 'group':
        if (typeof raw !== 'object' || Array.isArray(raw)) throw refuse(`${where} must be an element`)
        out[f.key] = readFields(f.fields, raw, `${where}.`, {})
        break
      case 'list':
      case 'code-list': {
        const items = listItems(raw, f.item, where)
        out[f.key] = f.type === 'code-list'
          ? items.map((v, i) => text(v, `${where}.${f.item}[${i}]`))
          : items.map((v, i) => {
            if (typeof v !== 'object' || Array.isArray(v)) throw refuse(`${where}.${f.item}[${i}] must be an element`)
            return readFields(f.fields, v, `${where}.${f.item}[${i}].`, {})
          })
        break
      }
    }
  }
  return out
}

/** The items of LIST > ITEM*: an empty LIST is an empty list; nothing else may be in it. */
function listItems (raw: AhValue, item: string, where: string): Array<string | AhElement> {
  if (raw === '') return []
  if (typeof raw !== 'object' || Array.isArray(raw)) throw refuse(`${where} must hold ${item} elements`)
  const keys = Object.keys(raw)
  const items = raw[item]
  if (keys.length !== 1 || !Array.isArray(items)) throw refuse(`${where} must hold ${item} elements only`)
  return items
}

/**
 * The contract item a record (JL) of the message type of `kind` stands for: the inverse of
 * {@link toNative}. An unknown element, a missing one, a code outside its table, or a result that
 * is not a valid contract item is refused (permanent AdapterError naming the field, not its value).
 */
export function fromNative<K extends NativeKind> (kind: K, record: AhElement, index = 0): ItemOf<K> {
  let item: Plain
  try {
    item = readFields(RECORD_FIELDS[kind], record, 'JL.', {})
  } catch (err) {
    if (err instanceof AdapterError) throw refuse(`record ${index}: ${err.message}`)
    throw err
  }
  const problem = schemaProblem(kind, item)
  if (problem !== undefined) throw refuse(`record ${index} is not a valid ${kind} item (${problem})`)
  return item as ItemOf<K>
}
