import { Type, type Static } from '@sinclair/typebox'
import { InstantV1, ProofHashV1 } from './common-v1.js'
import { ResponsibleThroughV1, SubjectFlagsV1 } from './subject-entries-v1.js'
import { GATEWAY_ID } from './envelope-v1.js'

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
  department: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'For a platform checking on behalf of one of its departments: which one (recorded and signed in the receipt)' })),
  mode: Type.Optional(Type.Union([Type.Literal('full'), Type.Literal('verification')], {
    description: 'verification: ask only whether measures bearing on the decision apply (可用不可见, 国办发〔2021〕52号 (六)). The catalogue may give a verification answer to a full request, never the reverse'
  }))
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

/** How a check is answered (可用不可见, 国办发〔2021〕52号 (六)). */
export const CheckModeV1 = Type.Union([Type.Literal('full'), Type.Literal('verification')], {
  title: 'CheckModeV1',
  description: 'full: the entries are shown (summarised); verification: only whether measures bearing on the decision apply, on what basis, and which platform to contact — ' +
    'no entry content, because the catalogue keeps a field of the answer from this asker'
})
export type CheckModeV1 = Static<typeof CheckModeV1>

/** Why a measure binds the asker, or `none` (information only here). */
export const CheckBasisKindV1 = Type.Union([Type.Literal('national'), Type.Literal('own-province'), Type.Literal('memorandum'), Type.Literal('none')], {
  description: 'national: a national list type, binding everywhere; own-province: a provincial list type in its own province; ' +
    'memorandum: a regional 合作备忘录 signed by the owner and the asker\'s province names the list type and the measure; none: information only here'
})

/** The basis of one measure for one entry (or, in a verification answer, one owner). */
export const CheckMeasureBasisV1 = Type.Object({
  entry: Type.Optional(Type.String({ description: 'owner:entryId (full answers)' })),
  owner: Type.Optional(Type.String({ description: 'The owning platform (verification answers)' })),
  kind: CheckBasisKindV1,
  ref: Type.Union([Type.String(), Type.Null()], { description: 'The list type code (national, own-province) or the memorandum code; null for none' }),
  name: Type.Union([Type.String(), Type.Null()], { description: 'Its Chinese name; null for none' })
}, { title: 'CheckMeasureBasisV1', additionalProperties: false })
export type CheckMeasureBasisV1 = Static<typeof CheckMeasureBasisV1>

/** A measure as the measures list describes it: what both a full and a verification answer show of it. */
const measureOfList = {
  code: Type.String(),
  name: Type.Object({ zh: Type.String(), en: Type.String() }),
  kind: Type.Union([Type.Literal('mandatory'), Type.Literal('recommended')]),
  legalBasis: Type.String(),
  appliedBy: Type.String({ description: 'Kind of department that applies it' })
}

/** A measure of the measures list that bears on the decision asked about. */
export const CheckMeasureV1 = Type.Object({
  ...measureOfList,
  entries: Type.Array(Type.String(), { description: 'owner:entryId of each entry calling for it' }),
  applies: Type.Boolean({ description: 'False when every entry calling for it is suspended, not yet in force (pending) or information only here' }),
  notes: Type.Array(Type.String(), { description: 'Why it does not apply for some entries' }),
  bases: Type.Array(CheckMeasureBasisV1, { description: 'For each entry calling for it: why it binds the asker\'s province, or none' })
}, { title: 'CheckMeasureV1', additionalProperties: false })
export type CheckMeasureV1 = Static<typeof CheckMeasureV1>

/** An entry about another subject that names the checked one among its responsible persons (落实到人). */
export const CheckThroughEntryV1 = Type.Composite([CheckEntryV1, Type.Object({ through: ResponsibleThroughV1 })],
  { title: 'CheckThroughEntryV1', additionalProperties: false })
export type CheckThroughEntryV1 = Static<typeof CheckThroughEntryV1>

/**
 * The check's answer about the subject as a responsible person of listed subjects (国发〔2016〕33号
 * (十四): "在对失信企事业单位进行联合惩戒的同时，依照法律法规和政策规定对相关责任人员采取相应的联合惩戒措施").
 */
export const CheckAsResponsiblePersonV1 = Type.Object({
  entries: Type.Array(CheckThroughEntryV1, { description: 'Current entries naming the subject as legal representative, principal, actual controller or directly responsible person' }),
  measures: Type.Array(CheckMeasureV1, {
    description: 'The measures of those entries that bear on the decision asked about AND, by the measures list (registry `responsiblePersons`), reach a responsible person ' +
      'in the role the subject holds; `entries` names the entries calling for each'
  })
}, { title: 'CheckAsResponsiblePersonV1', additionalProperties: false })
export type CheckAsResponsiblePersonV1 = Static<typeof CheckAsResponsiblePersonV1>

const CheckSubjectV1 = Type.Object({
  id: Type.String({ description: 'Credit code, or the masked identity number' }),
  kind: Type.Union([Type.Literal('organisation'), Type.Literal('person')])
}, { additionalProperties: false, description: 'No digest of the identifier: a hash next to a masked number would give the number away' })

const CheckAskerV1 = Type.Object({
  principal: Type.String(),
  role: Type.String(),
  platform: Type.String({ description: 'The asker\'s province' }),
  department: Type.Union([Type.String(), Type.Null()])
}, { additionalProperties: false })

const CheckCoverageV1 = Type.Array(Type.Object({
  platform: Type.String(),
  lastReceivedAt: Type.Union([Type.String(), Type.Null()])
}, { additionalProperties: false }), { description: '"No entry" is not "clean" where a source has sent nothing' })

/** Who checked whom, when and why: how both a full and a verification answer begin. */
const answerHead = {
  checkId: Type.String(),
  checkedAt: InstantV1,
  asker: CheckAskerV1,
  purpose: Type.String(),
  decisionType: Type.String(),
  subject: CheckSubjectV1
}

/** The answer a check gets, without its receipt: what the receipt's `answered.digest` covers. */
export const CheckAnswerBodyV1 = Type.Object({
  ...answerHead,
  mode: Type.Literal('full'),
  summary: Type.Object({
    black: Type.Integer(),
    red: Type.Integer(),
    keySupervision: Type.Integer(),
    suspended: Type.Integer({ description: 'Entries under objection' }),
    contradictions: Type.Integer({ description: 'Red-and-black contradictions (又红又黑)' }),
    repeatListings: Type.Integer()
  }, { additionalProperties: false }),
  entries: Type.Array(CheckEntryV1),
  asResponsiblePerson: CheckAsResponsiblePersonV1,
  flags: SubjectFlagsV1,
  measures: Type.Array(CheckMeasureV1),
  coverage: CheckCoverageV1,
  queryId: Type.Integer({ description: 'The query-log record of this check' })
}, { $id: 'CheckAnswerBodyV1', additionalProperties: false })
export type CheckAnswerBodyV1 = Static<typeof CheckAnswerBodyV1>

/** A measure as a verification answer gives it: no entry, only the owners to contact. */
export const CheckVerifiedMeasureV1 = Type.Object({
  ...measureOfList,
  applies: Type.Boolean(),
  owners: Type.Array(Type.String(), { description: 'Platforms whose entries call for it: whom to contact for the record (with the subject\'s authorisation)' }),
  bases: Type.Array(CheckMeasureBasisV1, { description: 'Per owner: why it binds the asker\'s province, or none' }),
  notes: Type.Array(Type.String(), { description: 'Why it does not apply for some owners (no entry ids)' })
}, { title: 'CheckVerifiedMeasureV1', additionalProperties: false })
export type CheckVerifiedMeasureV1 = Static<typeof CheckVerifiedMeasureV1>

/**
 * A verification answer (可用不可见, 国办发〔2021〕52号 (六): information not to be disclosed to the
 * asker is offered as 核验 instead of 原始明细数据): which measures bearing on the decision apply, on
 * what basis, and whom to contact — no entry, no count of entries, no flag. An empty `measures` means
 * no measure bears on this decision, not that the subject is on no list.
 */
export const CheckVerificationBodyV1 = Type.Object({
  ...answerHead,
  mode: Type.Literal('verification'),
  verification: Type.Object({
    requested: Type.Boolean({ description: 'The asker asked for verification itself' }),
    withheldFields: Type.Array(Type.String(), { description: 'Catalogue fields of a full answer this asker may not receive (its share scopes); empty when only requested' })
  }, { additionalProperties: false }),
  measures: Type.Array(CheckVerifiedMeasureV1),
  asResponsiblePerson: Type.Object({
    measures: Type.Array(CheckVerifiedMeasureV1, {
      description: 'The measures reaching the subject as legal representative, principal, actual controller or directly responsible person of listed subjects ' +
        '(落实到人, 国发〔2016〕33号 (十四)), verified as above: owners to contact, no entry'
    })
  }, { additionalProperties: false }),
  coverage: CheckCoverageV1,
  queryId: Type.Integer({ description: 'The query-log record of this check' })
}, { $id: 'CheckVerificationBodyV1', additionalProperties: false })
export type CheckVerificationBodyV1 = Static<typeof CheckVerificationBodyV1>

/** Answer to `POST /v1/checks`. */
export const CheckAnswerV1 = Type.Composite([CheckAnswerBodyV1, Type.Object({
  receipt: Type.String({ description: 'Compact JWS (typ yrd-check-receipt+jwt) signed by the gateway over CheckReceiptClaimsV1; verify with /.well-known/jwks.json' })
})], { $id: 'CheckAnswerV1', additionalProperties: false })
export type CheckAnswerV1 = Static<typeof CheckAnswerV1>

/** Answer to `POST /v1/checks` in verification mode. */
export const CheckVerificationAnswerV1 = Type.Composite([CheckVerificationBodyV1, Type.Object({
  receipt: Type.String({ description: 'Compact JWS (typ yrd-check-receipt+jwt) over CheckReceiptClaimsV1, `mode` verification: it names no entry' })
})], { $id: 'CheckVerificationAnswerV1', additionalProperties: false })
export type CheckVerificationAnswerV1 = Static<typeof CheckVerificationAnswerV1>

/** The check as its receipt signs it (and a stored check shows it): who checked whom, when, why and how. */
const checkSigned = {
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
  mode: Type.Optional(CheckModeV1)
}

/**
 * The payload of a check receipt: the gateway's signed statement that this principal checked this
 * subject, for this purpose and decision, at this time, and was answered exactly this. `answered.digest`
 * is the SHA-256 (base64url), or the hash `answered.digestAlg` names (SM3 where the deployment's
 * proofHash is), of the canonical JSON (keys sorted, no whitespace) of the answer without its
 * `receipt`; the caller recomputes it from the answer it kept.
 */
export const CheckReceiptClaimsV1 = Type.Object({
  iss: Type.Literal(GATEWAY_ID),
  iat: Type.Integer(),
  ...checkSigned,
  answered: Type.Object({
    entries: Type.Optional(Type.Array(Type.Object(
      {
        owner: Type.String(),
        entryId: Type.String(),
        version: Type.Integer(),
        status: Type.String(),
        listType: Type.String()
      }
    ), {
      description: 'Full mode only: a verification receipt names no entry'
    })),
    measures: Type.Array(Type.Object({ code: Type.String(), applies: Type.Boolean() }), { description: 'Each measure\'s basis is in the answer, covered by `digest`' }),
    owners: Type.Optional(Type.Array(Type.String(), { description: 'Verification mode: the platforms named to contact' })),
    contradictions: Type.Optional(Type.Integer({ description: 'Full mode only' })),
    asResponsiblePerson: Type.Optional(Type.Object({
      entries: Type.Optional(Type.Array(Type.Object({
        owner: Type.String(),
        entryId: Type.String(),
        version: Type.Integer(),
        status: Type.String(),
        listType: Type.String(),
        roles: Type.Array(Type.String())
      }), { description: 'Full mode only: a verification receipt names no entry' })),
      measures: Type.Array(Type.Object({ code: Type.String(), applies: Type.Boolean() }))
    }, { description: 'Entries found through a role of the subject (落实到人) and the measures reaching it in that role; absent only in receipts made before the gateway answered them' })),
    digest: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }),
    digestAlg: Type.Optional(Type.Union(ProofHashV1.anyOf, {
      title: 'ProofHashV1', description: 'The hash of `digest`; present (SM3) only where the deployment\'s proofHash is SM3, absent: SHA-256'
    }))
  }),
  queryId: Type.Integer()
}, { $id: 'CheckReceiptClaimsV1', description: '`mode` (full or verification) is signed since issue 13; older receipts have none and are full' })
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
  withEntries: Type.Integer({ description: 'Checks whose answer held at least one entry (of the subject, or found through a role it holds: asResponsiblePerson)' }),
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
  ...checkSigned,
  answered: Type.Unknown({ description: 'As signed in the receipt: entries (owner, entryId, version, status, listType), measures, contradictions, asResponsiblePerson (entries found through a role, with the roles, and their measures), digest' }),
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
