import { Type, type Static } from '@sinclair/typebox'
import { DateV1, EntryRefV1, LocalIdV1, TextV1 } from './common-v1.js'

/**
 * `objection.open` item: a subject disputes an entry (异议). Any platform may forward it; measures are
 * suspended everywhere while the owner verifies (国发〔2016〕33号 (二十二)).
 */
export const ObjectionOpenItemV1 = Type.Object({
  objectionId: LocalIdV1,
  ...EntryRefV1,
  lodgedOn: DateV1,
  grounds: TextV1(4000, 'What the subject disputes and why')
}, { $id: 'ObjectionOpenItemV1', additionalProperties: false })
export type ObjectionOpenItemV1 = Static<typeof ObjectionOpenItemV1>

/** `objection.resolve` item: the owner's outcome — upheld, corrected (a new version) or revoked. */
export const ObjectionResolveItemV1 = Type.Object({
  objectionId: LocalIdV1,
  ...EntryRefV1,
  outcome: Type.Union([Type.Literal('upheld'), Type.Literal('corrected'), Type.Literal('revoked')]),
  resolvedOn: DateV1,
  explanation: TextV1(4000, 'Reasons for the outcome'),
  correctedVersion: Type.Optional(Type.Integer({ minimum: 2, maximum: 2147483647 }))
}, { $id: 'ObjectionResolveItemV1', additionalProperties: false })
export type ObjectionResolveItemV1 = Static<typeof ObjectionResolveItemV1>
