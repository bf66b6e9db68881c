import { Type, type Static } from '@sinclair/typebox'
import { DateV1, LocalIdV1, MeasureCodeV1, PlatformIdV1, TextV1 } from './common-v1.js'
import { DepartmentV1 } from './punishment-notice-item-v1.js'

/**
 * `punishment.feedback` item: an implementing platform's response (响应) to a case, or its feedback
 * (执行反馈) on one measure: applied with a date, declined with a reason, or not applicable.
 */
export const PunishmentFeedbackItemV1 = Type.Object({
  caseId: LocalIdV1,
  initiator: PlatformIdV1,
  department: DepartmentV1,
  outcome: Type.Union([
    Type.Literal('acknowledged'),
    Type.Literal('applied'),
    Type.Literal('declined'),
    Type.Literal('not-applicable')
  ]),
  measure: Type.Optional(MeasureCodeV1),
  appliedOn: Type.Optional(DateV1),
  reason: Type.Optional(TextV1(2000, 'Why a measure was declined or does not apply'))
}, { $id: 'PunishmentFeedbackItemV1', additionalProperties: false })
export type PunishmentFeedbackItemV1 = Static<typeof PunishmentFeedbackItemV1>
