import { Type, type Static } from '@sinclair/typebox'
import { InstantV1 } from './common-v1.js'
import { SubjectFlagsV1 } from './subject-entries-v1.js'

/** The JWS `typ` of the gateway's check receipts. */
export const CHECK_RECEIPT_TYP = 'yrd-check-receipt+jwt'

/** What a department did after checking (fed back as 结果实时反馈; stable names). */
export const CheckOutcomeNameV1 = Type.Union([
  Type.Literal('fast-tracked'),
  Type.Literal('refused'),
  Type.Literal('handled-more-strictly'),
  Type.Literal('key-supervision'),
  Type.Literal('no-effect')
], {
  title: 'CheckOutcomeNameV1',
  description: 'fast-tracked: approved through the fast track (容缺受理、绿色通道); refused: the application or bid was refused; ' +
    'handled-more-strictly: stricter review or closer supervision; key-supervision: the subject was put under key supervision (重点监管); ' +
    'no-effect: the check changed nothing'
})
export type CheckOutcomeNameV1 = Static<typeof CheckOutcomeNameV1>
export const CHECK_OUTCOMES: readonly CheckOutcomeNameV1[] = ['fast-tracked', 'refused', 'handled-more-strictly', 'key-supervision', 'no-effect']

/** Body of `POST /v1/checks`. */
export const CheckRequestV1 = Type.Object({
  subject: Type.String({ minLength: 18, maxLength: 18, description: 'Unified social credit code or resident identity number' }),
  purpose: Type.String({ minLength: 1, maxLength: 200, description: 'Why the subject is checked (query-use registration, 国办发〔2020〕49号 (十三)), e.g. the application or tender number' }),
  decisionType: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'A decision type of the registries (e.g. administrative-approval, public-procurement)' }),
  department: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'For a platform checking on behalf of one of its departments: which one (recorded and signed in the receipt)' }))
}, { $id: 'CheckRequestV1', additionalProperties: false })
export type CheckRequestV1 = Static<typeof CheckRequestV1>

/** One current entry as a check summarises it (no facts or persons: minimisation). */
export const CheckEntryV1 = Type.Object({
  owner: Type.String(),
  entryId: Type.String(),
  version: Type.Integer(),
  listType: Type.String({ description: 'black, red or key-supervision' }),
  listCode: Type.String(),
  domain: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('pending')], {
    description: 'suspended: under objection, measures not applied meanwhile (国发〔2016〕33号 (二十二)) unless the list type says they continue; ' +
      'pending: not in force before its validFrom (China Standard Time), no measure applies yet (国发〔2016〕33号 (二十一))'
  }),
  subjectName: Type.String({ description: 'As the owner published it' }),
  authority: Type.String({ description: 'Deciding department' }),
  documentNumber: Type.String(),
  decidedOn: Type.String(),
  validFrom: Type.String(),
  validUntil: Type.Union([Type.String(), Type.Null()]),
  measures: Type.Array(Type.String(), { description: 'Measure codes the entry calls for' }),
  updatedAt: Type.String()
}, { title: 'CheckEntryV1', additionalProperties: false })
export type CheckEntryV1 = Static<typeof CheckEntryV1>

/** A measure of the measures list that bears on the decision asked about. */
export const CheckMeasureV1 = Type.Object({
  code: Type.String(),
  name: Type.Object({ zh: Type.String(), en: Type.String() }),
  kind: Type.Union([Type.Literal('mandatory'), Type.Literal('recommended')]),
  legalBasis: Type.String(),
  appliedBy: Type.String({ description: 'Kind of department that applies it' }),
  entries: Type.Array(Type.String(), { description: 'owner:entryId of each entry calling for it' }),
  applies: Type.Boolean({ description: 'False when every entry calling for it is suspended, not yet in force (pending) or information only here' }),
  notes: Type.Array(Type.String(), { description: 'Why it does not apply for some entries' })
}, { title: 'CheckMeasureV1', additionalProperties: false })
export type CheckMeasureV1 = Static<typeof CheckMeasureV1>

/** The answer a check gets, without its receipt: what the receipt's `answered.digest` covers. */
export const CheckAnswerBodyV1 = Type.Object({
  checkId: Type.String(),
  checkedAt: InstantV1,
  asker: Type.Object({
    principal: Type.String(),
    role: Type.String(),
    platform: Type.String({ description: 'The asker\'s province' }),
    department: Type.Union([Type.String(), Type.Null()])
  }, { additionalProperties: false }),
  purpose: Type.String(),
  decisionType: Type.String(),
  subject: Type.Object({
    id: Type.String({ description: 'Credit code, or the masked identity number' }),
    kind: Type.Union([Type.Literal('organisation'), Type.Literal('person')])
  }, { additionalProperties: false, description: 'No digest of the identifier: a hash next to a masked number would give the number away' }),
  summary: Type.Object({
    black: Type.Integer(),
    red: Type.Integer(),
    keySupervision: Type.Integer(),
    suspended: Type.Integer({ description: 'Entries under objection' }),
    contradictions: Type.Integer({ description: 'Red-and-black contradictions (又红又黑)' }),
    repeatListings: Type.Integer()
  }, { additionalProperties: false }),
  entries: Type.Array(CheckEntryV1),
  flags: SubjectFlagsV1,
  measures: Type.Array(CheckMeasureV1),
  coverage: Type.Array(Type.Object({
    platform: Type.String(),
    lastReceivedAt: Type.Union([Type.String(), Type.Null()])
  }, { additionalProperties: false }), { description: '"No entry" is not "clean" where a source has sent nothing' }),
  queryId: Type.Integer({ description: 'The query-log record of this check' })
}, { $id: 'CheckAnswerBodyV1', additionalProperties: false })
export type CheckAnswerBodyV1 = Static<typeof CheckAnswerBodyV1>

/** Answer to `POST /v1/checks`. */
export const CheckAnswerV1 = Type.Composite([CheckAnswerBodyV1, Type.Object({
  receipt: Type.String({ description: 'Compact JWS (typ yrd-check-receipt+jwt) signed by the gateway over CheckReceiptClaimsV1; verify with /.well-known/jwks.json' })
})], { $id: 'CheckAnswerV1', additionalProperties: false })
export type CheckAnswerV1 = Static<typeof CheckAnswerV1>

/**
 * The payload of a check receipt: the gateway's signed statement that this principal checked this
 * subject, for this purpose and decision, at this time, and was answered exactly this. `answered.digest`
 * is the SHA-256 (base64url) of the canonical JSON (keys sorted, no whitespace) of the answer
 * without its `receipt`; the caller recomputes it from the answer it kept.
 */
export const CheckReceiptClaimsV1 = Type.Object({
  iss: Type.Literal('YRD'),
  iat: Type.Integer(),
  checkId: Type.String(),
  checkedAt: InstantV1,
  asker: Type.Object({
    principal: Type.String(),
    role: Type.String(),
    platform: Type.String(),
    department: Type.Union([Type.String(), Type.Null()])
  }),
  purpose: Type.String(),
  decisionType: Type.String(),
  subject: Type.Object({ masked: Type.String(), kind: Type.String() }),
  answered: Type.Object({
    entries: Type.Array(Type.Object({ owner: Type.String(), entryId: Type.String(), version: Type.Integer(), status: Type.String(), listType: Type.String() })),
    measures: Type.Array(Type.Object({ code: Type.String(), applies: Type.Boolean() })),
    contradictions: Type.Integer(),
    digest: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' })
  }),
  queryId: Type.Integer()
}, { $id: 'CheckReceiptClaimsV1' })
export type CheckReceiptClaimsV1 = Static<typeof CheckReceiptClaimsV1>

/** Body of `POST /v1/checks/{id}/outcome`. */
export const CheckOutcomeRequestV1 = Type.Object({
  outcome: CheckOutcomeNameV1,
  note: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Free text (identity numbers in it are masked before it is stored or sent)' }))
}, { $id: 'CheckOutcomeRequestV1', additionalProperties: false })
export type CheckOutcomeRequestV1 = Static<typeof CheckOutcomeRequestV1>

/** Answer to `POST /v1/checks/{id}/outcome`. */
export const CheckOutcomeV1 = Type.Object({
  checkId: Type.String(),
  outcome: CheckOutcomeNameV1,
  reportedAt: InstantV1,
  notices: Type.Array(Type.Object({ platform: Type.String(), jti: Type.String() }), { description: 'The gateway notice (check.outcome) sent to each platform owning an entry of the answer' })
}, { $id: 'CheckOutcomeV1', additionalProperties: false })
export type CheckOutcomeV1 = Static<typeof CheckOutcomeV1>

/** Answer to `GET /v1/checks/stats`. */
export const CheckStatsV1 = Type.Object({
  from: Type.Union([Type.String(), Type.Null()]),
  to: Type.Union([Type.String(), Type.Null()]),
  checks: Type.Integer(),
  withEntries: Type.Integer({ description: 'Checks whose answer held at least one entry' }),
  withOutcome: Type.Integer(),
  byOutcome: Type.Record(Type.String(), Type.Integer(), { description: 'Every outcome name, 0 when none' }),
  byPlatform: Type.Array(Type.Object({
    platform: Type.String({ description: 'The asker\'s province' }),
    checks: Type.Integer(),
    byOutcome: Type.Record(Type.String(), Type.Integer())
  })),
  byDecisionType: Type.Array(Type.Object({
    decisionType: Type.String(),
    checks: Type.Integer(),
    byOutcome: Type.Record(Type.String(), Type.Integer())
  }))
}, { $id: 'CheckStatsV1' })
export type CheckStatsV1 = Static<typeof CheckStatsV1>

/** Answer to `GET /v1/checks/{id}`: a stored check, as evidence (no entry content). */
export const CheckRecordV1 = Type.Object({
  checkId: Type.String(),
  checkedAt: InstantV1,
  asker: Type.Object({
    principal: Type.String(),
    role: Type.String(),
    platform: Type.String(),
    department: Type.Union([Type.String(), Type.Null()])
  }),
  purpose: Type.String(),
  decisionType: Type.String(),
  subject: Type.Object({ masked: Type.String(), kind: Type.String() }),
  answered: Type.Unknown({ description: 'As signed in the receipt: entries (owner, entryId, version, status, listType), measures, contradictions, digest' }),
  receipt: Type.Union([Type.String(), Type.Null()], {
    description: 'The signed receipt. null for a check stored before identifier digests were keyed, read by anyone but the principal that checked: ' +
      'its receipt carries an unkeyed SHA-256 of the identifier beside the masked one, which would give an identity number away'
  }),
  outcome: Type.Union([Type.Null(), Type.Object({
    outcome: CheckOutcomeNameV1,
    reportedAt: InstantV1,
    note: Type.Union([Type.String(), Type.Null()]),
    notices: Type.Array(Type.Object({ platform: Type.String(), jti: Type.String() }))
  })])
}, { $id: 'CheckRecordV1' })
export type CheckRecordV1 = Static<typeof CheckRecordV1>
