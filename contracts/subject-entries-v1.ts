import { Type, type Static } from '@sinclair/typebox'

/** One current entry as the subject view shows it (identity numbers masked). */
export const SubjectEntryV1 = Type.Object({
  owner: Type.String(),
  entryId: Type.String(),
  version: Type.Integer(),
  listType: Type.String(),
  listCode: Type.String(),
  domain: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('suspended')]),
  updatedAt: Type.String(),
  entry: Type.Unknown({ description: 'The entry as its owner published it, identity numbers masked' })
}, { title: 'SubjectEntryV1' })

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
  flags: SubjectFlagsV1,
  coverage: Type.Array(Type.Object({
    platform: Type.String(),
    lastReceivedAt: Type.Union([Type.String(), Type.Null()])
  }), { description: 'Which sources the answer covers and when each last sent data: "no entry" is not "clean" where a source has sent nothing' }),
  queryId: Type.Integer({ description: 'Id of the query-log record of this call' })
}, { $id: 'SubjectEntriesV1' })
export type SubjectEntriesV1 = Static<typeof SubjectEntriesV1>
