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
    duplicates: Type.Integer({ minimum: 0, description: 'Of these, items whose code the source also uses on another current entry for a subject of another name (一码多主); full-/half-width variants of one name (（） and ()) are one name, and a rename the source has sent (one entry under both names) is no duplicate' }),
    duplicateRate: Rate,
    refusedItems: Type.Integer({ minimum: 0, description: 'Items carrying a credit code in refused envelopes (counted at refusal; their content is not kept)' }),
    refusedInvalid: Type.Integer({ minimum: 0, description: 'Of these, credit codes that fail GB 32100, every one counted' }),
    errorRate: Type.Union([Type.Number(), Type.Null()], { description: '(duplicates + refusedInvalid) / (items + refusedItems): the wrong-or-duplicate code rate over every code received' }),
    indicator: Type.Number({ description: 'The plan\'s indicator: 统一社会信用代码重错码率 at most 0.0001 (0.01%, 浙政办发〔2021〕29号 indicator table)' }),
    meetsIndicator: Type.Union([Type.Boolean(), Type.Null()])
  }, { additionalProperties: false }),
  freshness: Type.Object({
    entries: Type.Integer({ minimum: 0, description: 'Entries first received this month' }),
    medianDays: Type.Union([Type.Integer(), Type.Null()], { description: 'Calendar days' }),
    p90Days: Type.Union([Type.Integer(), Type.Null()], { description: 'Calendar days' }),
    maxDays: Type.Union([Type.Integer(), Type.Null()], { description: 'Calendar days' }),
    medianWorkingDays: Type.Union([Type.Integer(), Type.Null()], { description: 'Working days (holiday calendar, config/calendars): the measure of timeliness' }),
    p90WorkingDays: Type.Union([Type.Integer(), Type.Null()]),
    maxWorkingDays: Type.Union([Type.Integer(), Type.Null()])
  }, { additionalProperties: false, description: 'From the decision date (decision.decidedOn) to the first arrival of each entry (China Standard Time); timeliness is judged in working days' }),
  compliance: Type.Object({
    entries: Type.Integer({ minimum: 0, description: 'Entries first received this month' }),
    complete: Type.Integer({ minimum: 0, description: 'Of these, entries with every required field filled in (placeholders count as missing)' }),
    timely: Type.Integer({ minimum: 0, description: 'Of these, entries that arrived within `workingDays` working days of the decision date' }),
    compliant: Type.Integer({ minimum: 0, description: 'Entries both complete and timely' }),
    rate: Rate,
    workingDays: Type.Integer({ minimum: 0, description: 'The time limit: 7 working days from the decision (国发〔2016〕33号 (十七))' }),
    target: Type.Number({ description: 'The binding target: at least 0.98 (公共信用信息数据归集合规率, 浙政办发〔2021〕29号 indicator table, 约束性)' }),
    meetsTarget: Type.Union([Type.Boolean(), Type.Null()])
  }, { additionalProperties: false, description: '归集合规率: the share of entries first received this month that arrived complete and on time' }),
  domains: Type.Record(Type.String(), Type.Object(
    { upserts: Count, removals: Count }, { additionalProperties: false }
  ), {
    description: 'List items accepted this month per domain (coverage per domain: a domain a source sent nothing for is absent)'
  }),
  contradictions: Type.Object({
    entries: Type.Integer({ minimum: 0, description: 'Current red or black entries of the source, last changed this month, whose subject is also on a list of the other colour (又红又黑)' }),
    acrossProvinces: Type.Integer({ minimum: 0, description: 'Of these, where the other list is another province\'s' })
  }, { additionalProperties: false })
}, { title: 'QualityRowV1', additionalProperties: false })
export type QualityRowV1 = Static<typeof QualityRowV1>

/** What one source holds in one domain now: no entry is not the same as clean where a source has sent nothing. */
export const DomainCoverageV1 = Type.Object({
  platform: Type.String(),
  domain: Type.String(),
  entries: Type.Integer({ minimum: 0, description: 'Current (not removed) entries of this source in this domain' }),
  lastChangedAt: Type.Union([Type.String(), Type.Null()], { description: 'When the source last changed an entry of this domain; null if it never sent one' })
}, { title: 'DomainCoverageV1', additionalProperties: false })

/** Answer to `GET /v1/quality`. */
export const QualityReportV1 = Type.Object({
  generatedAt: Type.String(),
  from: Type.String(),
  to: Type.String(),
  timeZone: Type.String(),
  rows: Type.Array(QualityRowV1),
  coverage: Type.Array(DomainCoverageV1, { description: 'Every configured source × every domain of the registries (and any other domain a source used), as the ledger stands now' })
}, { $id: 'QualityReportV1', additionalProperties: false })
export type QualityReportV1 = Static<typeof QualityReportV1>
