import { Type, type Static } from '@sinclair/typebox'
import { DateV1, LocalIdV1, MeasureCodeV1, PlatformIdV1, TextV1 } from './common-v1.js'
import { SubjectV1 } from './subject-v1.js'

/** Red list (诚信典型), black list (严重失信主体名单) or key-supervision list (重点监管名单). */
export const ListTypeV1 = Type.Union([
  Type.Literal('black'),
  Type.Literal('red'),
  Type.Literal('key-supervision')
], { title: 'ListTypeV1' })
export type ListTypeV1 = Static<typeof ListTypeV1>

/** The four severe categories of 国发〔2016〕33号 (九); a black-list entry must name one. */
export const SevereCategoryV1 = Type.Union([
  Type.Literal('health-safety'),
  Type.Literal('market-order'),
  Type.Literal('legal-obligation'),
  Type.Literal('national-defence')
], { title: 'SevereCategoryV1' })

/** The legally effective document an entry rests on (国办发〔2020〕49号 (二)). */
export const DecisionV1 = Type.Object({
  authority: TextV1(200, 'Deciding department, county level or above (认定部门)'),
  authorityCode: Type.Optional(Type.String({ minLength: 18, maxLength: 18, description: 'Unified social credit code of the deciding department' })),
  documentType: Type.Union([
    Type.Literal('judgment'),
    Type.Literal('arbitral-award'),
    Type.Literal('penalty-decision'),
    Type.Literal('administrative-decision'),
    Type.Literal('other'),
    Type.Literal('court-decision')
  ], { description: 'Kind of legally effective document; court-decision: a court\'s 决定书, e.g. the one listing a 失信被执行人' }),
  documentName: TextV1(200, 'Name of the decision document (文书名称)'),
  documentNumber: TextV1(100, 'Number of the decision document (文书号)'),
  decidedOn: DateV1
}, { title: 'DecisionV1', additionalProperties: false })

/**
 * How the subject was told before the listing decision (告知, 国办发〔2020〕49号 (八): the facts, the
 * basis and the subject's rights, before the decision). Required for black-list entries.
 */
export const NotificationV1 = Type.Object({
  notifiedOn: DateV1,
  channel: Type.Union([
    Type.Literal('in-person'),
    Type.Literal('post'),
    Type.Literal('electronic'),
    Type.Literal('public-announcement'),
    Type.Literal('other')
  ], { description: 'in-person: served directly (直接送达); post: by mail (邮寄送达); electronic: by electronic service (电子送达); public-announcement: by announcement (公告送达); other' })
}, { title: 'NotificationV1', additionalProperties: false })

/** A measure the entry calls for, from the measures list (措施清单). */
export const EntryMeasureV1 = Type.Object({
  code: MeasureCodeV1,
  mandatory: Type.Boolean({ description: 'Mandatory (强制性) or recommended (推荐性)' }),
  description: Type.Optional(TextV1(500, 'What the measure restricts or grants'))
}, { title: 'EntryMeasureV1', additionalProperties: false })

/**
 * `list.upsert` item: a list entry in full, as 国办发〔2020〕49号 (八) requires it to be stated —
 * facts (事由), legal basis (依据), measures (失信惩戒措施提示), exit conditions (移出条件和程序) and
 * remedies (救济措施) — with the deciding authority and document, validity period, version and owner,
 * and (required on black lists) how the subject was told before the decision (告知).
 * Only the owner (the platform that created the entry) may change it, and each change carries a
 * higher `version` than the one it replaces.
 */
export const ListUpsertItemV1 = Type.Object({
  entryId: LocalIdV1,
  owner: PlatformIdV1,
  version: Type.Integer({ minimum: 1, maximum: 2147483647, description: 'Monotonic version of this entry at its owner' }),
  listType: ListTypeV1,
  listCode: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'Code of the list (list type registry)' }),
  domain: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z][a-z0-9-]*$', description: 'Domain, e.g. food-drug, ecology, tourism, product-quality, court' }),
  severeCategory: Type.Optional(SevereCategoryV1),
  subject: SubjectV1,
  facts: TextV1(4000, 'Facts of the listing (事由)'),
  legalBasis: TextV1(2000, 'Legal basis (依据)'),
  decision: DecisionV1,
  measures: Type.Array(EntryMeasureV1, { maxItems: 100 }),
  exitConditions: TextV1(2000, 'Exit conditions and procedure (移出条件和程序)'),
  remedies: TextV1(2000, 'Remedies open to the subject (救济措施)'),
  validFrom: DateV1,
  validUntil: Type.Optional(DateV1),
  notification: Type.Optional(NotificationV1),
  repairable: Type.Boolean({ description: 'False where the list type rules out credit repair' })
}, { $id: 'ListUpsertItemV1', additionalProperties: false })
export type ListUpsertItemV1 = Static<typeof ListUpsertItemV1>
