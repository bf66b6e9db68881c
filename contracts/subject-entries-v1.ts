import { Type, type Static } from '@sinclair/typebox'
import { ResponsibleRoleV1 } from './subject-v1.js'

/** One current entry as the subject view shows it (identity numbers masked). */
export const SubjectEntryV1 = Type.Object({
  owner: Type.String(),
  entryId: Type.String(),
  version: Type.Integer(),
  listType: Type.String(),
  listCode: Type.String(),
  domain: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('pending')], {
    description: 'suspended: under objection; pending: before its validFrom (China Standard Time), not yet in force (国发〔2016〕33号 (二十一))'
  }),
  updatedAt: Type.String(),
  entry: Type.Unknown({ description: 'The entry as its owner published it, identity numbers masked' })
}, { title: 'SubjectEntryV1' })

/**
 * How the subject asked about stands to an entry about someone else: it is named among that
 * entry's responsible persons (落实到人, 国发〔2016〕33号 (十四)), e.g. "listed through organisation X
 * as its legal representative".
 */
export const ResponsibleThroughV1 = Type.Object({
  roles: Type.Array(ResponsibleRoleV1, { description: 'The roles the subject asked about holds for the listed subject' }),
  subjectId: Type.String({ description: 'The listed subject\'s credit code (a listed person\'s identity number, masked)' }),
  subjectType: Type.String({ description: 'The listed subject\'s type (enterprise, social-organisation, …)' })
}, { title: 'ResponsibleThroughV1', additionalProperties: false })
export type ResponsibleThroughV1 = Static<typeof ResponsibleThroughV1>

/** An entry the subject view finds through a role: the entry, how, and the measures that reach the subject in that
 * role. */
export const SubjectThroughEntryV1 = Type.Composite([SubjectEntryV1, Type.Object({
  through: ResponsibleThroughV1,
  personMeasures: Type.Array(Type.String(), {
    description: 'Codes of the entry\'s measures (its list type\'s defaults when it names none) that the measures list says reach responsible persons in those roles (registry `responsiblePersons`)'
  })
})], { title: 'SubjectThroughEntryV1' })

/** What the subject view flags rather than merges (DOMAIN.md: 又红又黑, repeat listings). */
export const SubjectFlagsV1 = Type.Object({
  contradictions: Type.Array(Type.Object({
    red: Type.Array(Type.String(), { description: 'owner:entryId of each red-list entry' }),
    black: Type.Array(Type.String(), { description: 'owner:entryId of each black-list entry' }),
    acrossProvinces: Type.Boolean({ description: 'The red and black entries come from different platforms' })
  }), { description: 'The subject is on a red list and a black list at once (又红又黑): never merged, flagged' }),
  repeatListings: Type.Array(Type.Object({
    listType: Type.String(),
    domain: Type.String(),
    platforms: Type.Array(Type.String()),
    entries: Type.Array(Type.String())
  }), { description: 'The same kind of listing in the same domain by more than one platform' })
}, { title: 'SubjectFlagsV1' })
export type SubjectFlagsV1 = Static<typeof SubjectFlagsV1>

/** Answer to `GET /v1/subjects/{id}/entries`. */
export const SubjectEntriesV1 = Type.Object({
  subject: Type.Object({
    id: Type.String({ description: 'Credit code, or the masked identity number' }),
    kind: Type.Union([Type.Literal('organisation'), Type.Literal('person')])
  }),
  entries: Type.Array(SubjectEntryV1),
  asResponsiblePerson: Type.Array(SubjectThroughEntryV1, {
    description: 'Current entries about other subjects that name this one among their responsible persons (legal representative, principal, actual controller, ' +
      'directly responsible: 国发〔2016〕33号 (十四)): a person listed through the organisation it represents. Kept apart from `entries`, never merged into them'
  }),
  flags: SubjectFlagsV1,
  coverage: Type.Array(Type.Object({
    platform: Type.String(),
    lastReceivedAt: Type.Union([Type.String(), Type.Null()])
  }), { description: 'Which sources the answer covers and when each last sent data: "no entry" is not "clean" where a source has sent nothing' }),
  queryId: Type.Integer({ description: 'Id of the query-log record of this call' })
}, { $id: 'SubjectEntriesV1' })
export type SubjectEntriesV1 = Static<typeof SubjectEntriesV1>
