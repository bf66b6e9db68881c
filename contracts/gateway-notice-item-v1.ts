import { Type, type Static } from '@sinclair/typebox'
import { DateV1, LocalIdV1, MeasureCodeV1, PlatformIdV1, TextV1 } from './common-v1.js'

/** What a gateway notice is about. */
export const GatewayNoticeTypeV1 = Type.Union([
  Type.Literal('reminder'),
  Type.Literal('remediation'),
  Type.Literal('check.outcome')
], { title: 'GatewayNoticeTypeV1' })
export type GatewayNoticeTypeV1 = Static<typeof GatewayNoticeTypeV1>

/**
 * `gateway.notice` item: a message the gateway itself issues (iss `YRD`); platforms never send one.
 * - `reminder`: a response or feedback of a joint punishment case is overdue (催办);
 * - `remediation`: an entry was revoked as wrongful after an objection, and the platform applied
 *   some of its measures: it must remedy them (纠错, 国发〔2016〕33号 (二十二));
 * - `check.outcome`: a department checked a subject before deciding and reports what the owner's
 *   entries led to (应查必查 feedback).
 * Flat on purpose, so that every native format can carry it as one record.
 */
export const GatewayNoticeItemV1 = Type.Object({
  noticeId: LocalIdV1,
  noticeType: GatewayNoticeTypeV1,
  caseId: Type.Optional(LocalIdV1),
  initiator: Type.Optional(PlatformIdV1),
  entryId: Type.Optional(LocalIdV1),
  owner: Type.Optional(PlatformIdV1),
  objectionId: Type.Optional(LocalIdV1),
  checkId: Type.Optional(LocalIdV1),
  outcome: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z][a-z-]*$', description: 'check.outcome: the decision outcome' })),
  measures: Type.Optional(Type.Array(MeasureCodeV1, { maxItems: 100, uniqueItems: true })),
  dueOn: Type.Optional(DateV1),
  text: TextV1(2000, 'What the platform is asked to do, in words')
}, { $id: 'GatewayNoticeItemV1', additionalProperties: false })
export type GatewayNoticeItemV1 = Static<typeof GatewayNoticeItemV1>
