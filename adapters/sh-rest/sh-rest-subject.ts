import type { SubjectV1 } from '../../contracts/subject-v1.js'
import { unmappable } from '../types.js'
import { decodeCode, encodeCode, SH_CERT_TYPE_ID_CARD } from './sh-rest-codes.js'
import { nativeText, ShRecordReader } from './sh-rest-fields.js'
import type { ShDutyPerson, ShSubjectFields } from './sh-rest-native.js'

/**
 * The contract's subject → Shanghai's flattened subject fields. A person's identity number goes
 * to `certNo` with `certType` "01" (居民身份证); an organisation's code to `unifiedCode`.
 */
export function subjectToNative (s: SubjectV1, at: string): ShSubjectFields {
  const out: ShSubjectFields = {
    creditSubjectType: encodeCode('subjectType', s.type, `${at}.type`),
    creditSubjectName: nativeText(s.name, 'creditSubjectName', `${at}.name`)
  }
  if (s.creditCode !== undefined) out.unifiedCode = s.creditCode
  if (s.idNumber !== undefined) {
    out.certType = SH_CERT_TYPE_ID_CARD
    out.certNo = s.idNumber
  }
  if (s.responsiblePersons !== undefined) {
    out.dutyPersons = s.responsiblePersons.map((p, i) => {
      const person: ShDutyPerson = {
        dutyRole: encodeCode('dutyRole', p.role, `${at}.responsiblePersons[${i}].role`),
        dutyName: nativeText(p.name, 'dutyName', `${at}.responsiblePersons[${i}].name`)
      }
      if (p.idNumber !== undefined) person.dutyCertNo = p.idNumber
      if (p.creditCode !== undefined) person.dutyUnifiedCode = p.creditCode
      return person
    })
  }
  return out
}

/** Shanghai's flattened subject fields of a record → the contract's subject. */
export function subjectFromNative (r: ShRecordReader): SubjectV1 {
  const subject: SubjectV1 = {
    type: decodeCode('subjectType', r.str('creditSubjectType'), `${r.at}.creditSubjectType`),
    name: nativeText(r.str('creditSubjectName'), 'creditSubjectName', `${r.at}.creditSubjectName`)
  }
  const unifiedCode = r.optStr('unifiedCode')
  if (unifiedCode !== undefined) subject.creditCode = unifiedCode
  const certType = r.optStr('certType')
  const certNo = r.optStr('certNo')
  if ((certType === undefined) !== (certNo === undefined)) {
    throw unmappable(`${r.at}: certType and certNo go together`)
  }
  if (certNo !== undefined) {
    if (certType !== SH_CERT_TYPE_ID_CARD) throw unmappable(`${r.at}.certType: only "01" (居民身份证) is exchanged`)
    subject.idNumber = certNo
  }
  const duty = r.optArray('dutyPersons')
  if (duty !== undefined) {
    subject.responsiblePersons = duty.map((value, i) => {
      const p = new ShRecordReader(value, `${r.at}.dutyPersons[${i}]`)
      const person: NonNullable<SubjectV1['responsiblePersons']>[number] = {
        role: decodeCode('dutyRole', p.str('dutyRole'), `${p.at}.dutyRole`),
        name: nativeText(p.str('dutyName'), 'dutyName', `${p.at}.dutyName`)
      }
      const certNo = p.optStr('dutyCertNo')
      if (certNo !== undefined) person.idNumber = certNo
      const unifiedCode = p.optStr('dutyUnifiedCode')
      if (unifiedCode !== undefined) person.creditCode = unifiedCode
      return person
    })
  }
  return subject
}
