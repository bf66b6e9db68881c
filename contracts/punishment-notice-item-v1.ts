import { Type, type Static } from '@sinclair/typebox'
import { DateV1, LocalIdV1, MeasureCodeV1, PlatformIdV1, TextV1 } from './common-v1.js'
import { SubjectV1 } from './subject-v1.js'

/** A department: the initiating or the implementing one. */
export const DepartmentV1 = Type.Object({
  name: TextV1(200, 'Department name'),
  code: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Department code or credit code' }))
}, { title: 'DepartmentV1', additionalProperties: false })

/**
 * `punishment.notice` item: opens a joint punishment (or reward) case (发起, 国发〔2016〕33号 (十五)),
 * naming the entry it rests on, the measures and the deadlines for response and feedback.
 */
export const PunishmentNoticeItemV1 = Type.Object({
  caseId: LocalIdV1,
  mode: Type.Union([Type.Literal('punishment'), Type.Literal('reward')]),
  entryId: LocalIdV1,
  owner: PlatformIdV1,
  initiatingDepartment: DepartmentV1,
  subject: SubjectV1,
  measures: Type.Array(MeasureCodeV1, { minItems: 1, maxItems: 100, uniqueItems: true }),
  respondBy: DateV1,
  feedbackBy: DateV1,
  note: Type.Optional(TextV1(2000, 'Free note to implementing departments'))
}, { $id: 'PunishmentNoticeItemV1', additionalProperties: false })
export type PunishmentNoticeItemV1 = Static<typeof PunishmentNoticeItemV1>
