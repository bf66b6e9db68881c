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

/** Answer to `GET /v1/subjects/{id}/entries`. */
export const SubjectEntriesV1 = Type.Object({
  subject: Type.Object({
    id: Type.String({ description: 'Credit code, or the masked identity number' }),
    kind: Type.Union([Type.Literal('organisation'), Type.Literal('person')])
  }),
  entries: Type.Array(SubjectEntryV1),
  coverage: Type.Array(Type.Object({
    platform: Type.String(),
    lastReceivedAt: Type.Union([Type.String(), Type.Null()])
  }), { description: 'Which sources the answer covers and when each last sent data: "no entry" is not "clean" where a source has sent nothing' }),
  queryId: Type.Integer({ description: 'Id of the query-log record of this call' })
}, { $id: 'SubjectEntriesV1' })
export type SubjectEntriesV1 = Static<typeof SubjectEntriesV1>
