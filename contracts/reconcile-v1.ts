import { Type, type Static } from '@sinclair/typebox'
import { GATEWAY_ID } from './envelope-v1.js'

/**
 * The range reconciliation protocol of the reference `yrd-push` protocol (adapters/README.md,
 * "Reconciliation"). The gateway POSTs a compact JWS it signs (`typ` `yrd-reconcile+jwt`) to the
 * platform's reconciliation endpoint; the platform answers plain JSON.
 */
export const RECONCILE_TYP = 'yrd-reconcile+jwt'

/** An element on the wire: entry id, version, status, content hash (SHA-256 hex of the jsonb text). */
export const WireElementV1 = Type.Tuple([
  Type.String(), Type.Integer({ minimum: 1 }),
  Type.Union([Type.Literal('active'), Type.Literal('suspended')]),
  Type.String({ pattern: '^[0-9a-f]{64}$' })
], { title: 'WireElementV1' })
export type WireElementV1 = Static<typeof WireElementV1>

/** A range (a hex prefix of the key hash) and the gateway's fingerprint of it. */
export const WireRangeV1 = Type.Tuple([Type.String({ pattern: '^[0-9a-f]{0,32}$' }), Type.String()], { title: 'WireRangeV1' })

/** Claims of a `reconcile.query`: compare these ranges of one list. */
export const ReconcileQueryV1 = Type.Object({
  iss: Type.Literal(GATEWAY_ID),
  aud: Type.String(),
  jti: Type.String(),
  iat: Type.Integer(),
  exp: Type.Integer(),
  kind: Type.Literal('reconcile.query'),
  owner: Type.String(),
  listCode: Type.String(),
  /** Answer with elements instead of children when the platform holds at most this many. */
  maxElements: Type.Integer({ minimum: 1, maximum: 1000 }),
  ranges: Type.Array(WireRangeV1, { maxItems: 65536 })
}, { $id: 'ReconcileQueryV1', additionalProperties: false })
export type ReconcileQueryV1 = Static<typeof ReconcileQueryV1>

/**
 * The platform's answer, per range asked: equal (`match`), its elements in the range (when it
 * holds at most `maxElements` there), or the 16 sub-ranges' `[count, fingerprint]` in hex order.
 */
export const ReconcileAnswerV1 = Type.Object({
  match: Type.Array(Type.String()),
  elements: Type.Record(Type.String(), Type.Array(WireElementV1)),
  children: Type.Record(Type.String(), Type.Array(Type.Tuple([Type.Integer({ minimum: 0 }), Type.String()])))
}, { $id: 'ReconcileAnswerV1' })
export type ReconcileAnswerV1 = Static<typeof ReconcileAnswerV1>

/**
 * Claims of a `reconcile.export`: one page of the list's elements after the cursor `after`. The
 * cursor is the platform's, opaque to the gateway (adapters/README.md, "Reconciliation").
 */
export const ReconcileExportQueryV1 = Type.Object({
  iss: Type.Literal(GATEWAY_ID),
  aud: Type.String(),
  jti: Type.String(),
  iat: Type.Integer(),
  exp: Type.Integer(),
  kind: Type.Literal('reconcile.export'),
  owner: Type.String(),
  listCode: Type.String(),
  after: Type.String({
    description: 'The previous page\'s next, exactly as the platform gave it (opaque: a key or snapshot cursor, ' +
      'never read by the gateway); empty for the first page'
  }),
  limit: Type.Integer({ minimum: 1, maximum: 100000 })
}, { $id: 'ReconcileExportQueryV1', additionalProperties: false })
export type ReconcileExportQueryV1 = Static<typeof ReconcileExportQueryV1>

/**
 * One page of a `reconcile.export`. `next` is the platform's cursor for the following page (null
 * after the last): key- or snapshot-based, so that an entry held for the whole export is on
 * exactly one page while the list changes (issue 17 item 4).
 */
export const ReconcileExportPageV1 = Type.Object({
  elements: Type.Array(WireElementV1),
  next: Type.Union([Type.String(), Type.Null()], {
    description: 'The after of the next page (opaque, key- or snapshot-based), null after the last'
  })
}, { $id: 'ReconcileExportPageV1' })
export type ReconcileExportPageV1 = Static<typeof ReconcileExportPageV1>

// ---- Reports (GET /v1/reconciliation/runs) ----

export const FINDING_KINDS = ['extra-removed', 'extra-unknown', 'missing', 'stale', 'content-mismatch', 'suspension-mismatch'] as const
export const FindingKindV1 = Type.Union(FINDING_KINDS.map((k) => Type.Literal(k)), {
  title: 'FindingKindV1',
  description: 'extra-removed: removed or repaired at the owner but still held by the replica (the most harmful); extra-unknown: held by the replica, never published by the owner; missing: published, not held; stale: an older version held; content-mismatch: same version, other content (or a version the owner never published); suspension-mismatch: same version and content, other suspension state'
})
export type FindingKindV1 = Static<typeof FindingKindV1>

export const FINDING_CAUSES = ['delivery-dead', 'delivery-pending', 'never-delivered', 'delivered-then-lost', 'edited-at-replica', 'unknown'] as const
export const FindingCauseV1 = Type.Union(FINDING_CAUSES.map((k) => Type.Literal(k)), { title: 'FindingCauseV1' })
export type FindingCauseV1 = Static<typeof FindingCauseV1>

const NullableInt = Type.Union([Type.Integer(), Type.Null()])
const NullableStr = Type.Union([Type.String(), Type.Null()])

export const FindingV1 = Type.Object({
  kind: FindingKindV1,
  entryId: Type.String(),
  ownerVersion: NullableInt,
  ownerStatus: NullableStr,
  replicaVersion: NullableInt,
  replicaStatus: NullableStr,
  cause: FindingCauseV1,
  detail: NullableStr,
  subject: Type.Union([Type.String({ description: 'The subject, identity numbers masked' }), Type.Null()])
}, { $id: 'ReconciliationFindingV1' })
export type FindingV1 = Static<typeof FindingV1>

export const RunSummaryV1 = Type.Object({
  id: Type.String(),
  owner: Type.String(),
  listCode: Type.String(),
  platform: Type.String(),
  trigger: Type.String(),
  requestedBy: Type.String(),
  method: NullableStr,
  status: Type.Union([Type.Literal('running'), Type.Literal('done'), Type.Literal('failed'), Type.Literal('unsupported')]),
  startedAt: Type.String(),
  finishedAt: NullableStr,
  counts: Type.Record(Type.String(), Type.Integer()),
  stats: Type.Record(Type.String(), Type.Number()),
  error: NullableStr,
  healedAt: NullableStr,
  healJtis: Type.Union([Type.Array(Type.String()), Type.Null()])
}, { $id: 'ReconciliationRunV1' })
export type RunSummaryV1 = Static<typeof RunSummaryV1>

export const RunDetailV1 = Type.Object({
  run: RunSummaryV1,
  findings: Type.Array(FindingV1),
  findingsTotal: Type.Integer()
}, { $id: 'ReconciliationRunDetailV1' })
export type RunDetailV1 = Static<typeof RunDetailV1>
