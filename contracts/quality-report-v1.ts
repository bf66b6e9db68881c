import { Type, type Static } from '@sinclair/typebox'

const Count = Type.Integer({ minimum: 0 })
const Rate = Type.Union([Type.Number(), Type.Null()], { description: 'A fraction (0.0001 = 0.01%); null when there is nothing to divide by' })

/** How many items had a field filled in, of those that should have it. */
export const FieldCompletenessV1 = Type.Object({
  field: Type.String({ description: 'Field path in list entries (catalogue field)' }),
  present: Count,
  of: Count,
  rate: Rate
}, { title: 'FieldCompletenessV1', additionalProperties: false })

/** The quality figures of one source platform for one month. */
export const QualityRowV1 = Type.Object({
  source: Type.String({ description: 'A platform id, or `unattributed` for refusals that claimed no configured platform' }),
  month: Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'Calendar month in China Standard Time (UTC+8)' }),
  envelopes: Type.Object({
    received: Count,
    accepted: Count,
    refused: Count,
    rejectionRate: Rate,
    acceptedByKind: Type.Record(Type.String(), Count),
    refusedByReason: Type.Record(Type.String(), Count, { description: 'Error code of each refusal (security log); a refusal before the signature was checked counts under the claimed issuer' })
  }, { additionalProperties: false }),
  items: Type.Object({
    accepted: Count,
    upserts: Count,
    removals: Count
  }, { additionalProperties: false }),
  completeness: Type.Array(FieldCompletenessV1, { description: 'Over the list.upsert items accepted; blank text and placeholders (-, /, 无, 暂无, N/A, null …) count as missing' }),
  creditCodes: Type.Object({
    items: Type.Integer({ minimum: 0, description: 'Accepted list.upsert items carrying a credit code' }),
    duplicates: Type.Integer({ minimum: 0, description: 'Of these, items whose code the source also uses on another current entry for a subject of another name (一码多主)' }),
    duplicateRate: Rate,
    refusedInvalid: Type.Integer({ minimum: 0, description: 'Envelopes refused for an invalid credit code (USCC_INVALID); their items are not kept, so each counts as one wrong code' }),
    errorRate: Type.Union([Type.Number(), Type.Null()], { description: '(duplicates + refusedInvalid) / (items + refusedInvalid): the wrong-or-duplicate code rate, a lower bound' }),
    indicator: Type.Number({ description: 'The plan\'s indicator: at most 0.0001 (0.01%, 浙政办发〔2021〕29号)' }),
    meetsIndicator: Type.Union([Type.Boolean(), Type.Null()])
  }, { additionalProperties: false }),
  freshness: Type.Object({
    entries: Type.Integer({ minimum: 0, description: 'Entries first received this month' }),
    medianDays: Type.Union([Type.Integer(), Type.Null()]),
    p90Days: Type.Union([Type.Integer(), Type.Null()]),
    maxDays: Type.Union([Type.Integer(), Type.Null()])
  }, { additionalProperties: false, description: 'Days from the decision date (decision.decidedOn) to the first arrival of each entry' }),
  contradictions: Type.Object({
    entries: Type.Integer({ minimum: 0, description: 'Current red or black entries of the source, last changed this month, whose subject is also on a list of the other colour (又红又黑)' }),
    acrossProvinces: Type.Integer({ minimum: 0, description: 'Of these, where the other list is another province\'s' })
  }, { additionalProperties: false })
}, { title: 'QualityRowV1', additionalProperties: false })
export type QualityRowV1 = Static<typeof QualityRowV1>

/** Answer to `GET /v1/quality`. */
export const QualityReportV1 = Type.Object({
  generatedAt: Type.String(),
  from: Type.String(),
  to: Type.String(),
  timeZone: Type.String(),
  rows: Type.Array(QualityRowV1)
}, { $id: 'QualityReportV1', additionalProperties: false })
export type QualityReportV1 = Static<typeof QualityReportV1>
