import type { SubjectV1 } from '../../contracts/subject-v1.js'
import { unmappable } from '../types.js'
import { PERSON_ROLES, SUBJECT_TYPES } from './js-batch-codes.js'
import { JsRowReader } from './js-row-reader.js'
import { type JsRowWriter, NONE_MARKER } from './js-row-writer.js'

/**
 * The fields of a contract object, refusing anything that is not an object or carries a field the
 * batch format has no column for (it would be lost silently otherwise).
 */
export function fieldsOf (field: string, value: unknown, known: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw unmappable(`${field} must be an object`)
  const fields = value as Record<string, unknown>
  const extra = Object.keys(fields).find((k) => !known.includes(k) && fields[k] !== undefined)
  if (extra !== undefined) throw unmappable(`${field}.${extra.slice(0, 64)} has no column in the batch format`)
  return fields
}

/**
 * Writes a subject into 主体类型, 主体名称, 统一社会信用代码, 身份证号码 and 责任人. Responsible
 * persons go into the one 责任人 cell as `角色;姓名[;身份证号码]` records joined by `|` (a
 * responsible organisation as `角色;名称;;统一社会信用代码`); an empty list is written `无`, so that
 * it stays distinct from no list at all (an empty cell).
 */
export function subjectToNative (w: JsRowWriter, value: unknown): void {
  const s = fieldsOf('subject', value, ['type', 'name', 'creditCode', 'idNumber', 'responsiblePersons'])
  w.code('主体类型', SUBJECT_TYPES, 'subject.type', s.type)
  w.text('主体名称', 'subject.name', s.name)
  w.text('统一社会信用代码', 'subject.creditCode', s.creditCode, true)
  w.text('身份证号码', 'subject.idNumber', s.idNumber, true)
  const persons = w.list('subject.responsiblePersons', s.responsiblePersons, true)
  if (persons === undefined) return
  w.nested('责任人', 'subject.responsiblePersons', persons.map((person, i) => {
    const field = `subject.responsiblePersons[${i}]`
    const p = fieldsOf(field, person, ['role', 'name', 'idNumber', 'creditCode'])
    const parts = [w.label(PERSON_ROLES, `${field}.role`, p.role), w.part(`${field}.name`, p.name)]
    if (p.idNumber !== undefined) parts.push(w.part(`${field}.idNumber`, p.idNumber))
    if (p.creditCode !== undefined) parts.push(...(p.idNumber === undefined ? [''] : []), w.part(`${field}.creditCode`, p.creditCode))
    return parts
  }), NONE_MARKER)
}

/** Reads a subject back from its columns; see {@link subjectToNative}. */
export function subjectFromNative (r: JsRowReader): SubjectV1 {
  const subject: SubjectV1 = { type: r.code('主体类型', SUBJECT_TYPES), name: r.text('主体名称') }
  const creditCode = r.optText('统一社会信用代码')
  if (creditCode !== undefined) subject.creditCode = creditCode
  const idNumber = r.optText('身份证号码')
  if (idNumber !== undefined) subject.idNumber = idNumber
  const cell = r.optText('责任人')
  if (cell === NONE_MARKER) {
    subject.responsiblePersons = []
  } else if (cell !== undefined) {
    subject.responsiblePersons = r.nested('责任人').map((parts) => {
      const [role, name, id, code, ...rest] = parts
      if (role === undefined || name === undefined || name === '' || (id === '' && (code === undefined || code === '')) || code === '' || rest.length > 0) {
        throw unmappable('责任人 holds a record that is not 角色;姓名[;身份证号码] or 角色;名称;;统一社会信用代码')
      }
      const person: NonNullable<SubjectV1['responsiblePersons']>[number] = { role: JsRowReader.code(PERSON_ROLES, role), name }
      if (id !== undefined && id !== '') person.idNumber = id
      if (code !== undefined) person.creditCode = code
      return person
    })
  }
  return subject
}
