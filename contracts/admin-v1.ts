import { Type, type Static } from '@sinclair/typebox'
import { DestinationStatusV1 } from './message-status-v1.js'

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()])
const AdminRoleV1 = Type.Union([Type.Literal('admin'), Type.Literal('operator'), Type.Literal('auditor'), Type.Literal('platform'), Type.Literal('checker')])

/** `POST /v1/admin/session`: a local admin account's login. */
export const LoginV1 = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 256 })
}, { $id: 'LoginV1', additionalProperties: false })
export type LoginV1 = Static<typeof LoginV1>

/** Who is logged in; `csrfToken` goes back in `X-CSRF-Token` on every state change made with the cookie. */
export const SessionV1 = Type.Object({
  principal: Type.String(),
  roles: Type.Array(AdminRoleV1),
  via: Type.Union([Type.Literal('session'), Type.Literal('bearer')]),
  csrfToken: Nullable(Type.String()),
  expiresAt: Nullable(Type.String())
}, { $id: 'SessionV1' })
export type SessionV1 = Static<typeof SessionV1>

/**
 * Why a platform's delivery queue is paused: its health check failed (`down`, resumes by itself),
 * it refused the gateway's credentials (`credentials`: an admin or operator resumes it, or the
 * adapter's credentials check does), or its circuit breaker is open (`breaker`, until `until`).
 */
export const PlatformPauseV1 = Type.Object({
  reason: Type.Union([Type.Literal('down'), Type.Literal('credentials'), Type.Literal('breaker')]),
  since: Type.String({ format: 'date-time' }),
  detail: Nullable(Type.String()),
  until: Nullable(Type.String({ format: 'date-time', description: 'When an open breaker lets deliveries try again' }))
}, { title: 'PlatformPauseV1' })
export type PlatformPauseV1 = Static<typeof PlatformPauseV1>

/** `POST /v1/admin/platforms/{id}/resume`: what was paused (null: nothing was), now resumed. */
export const PlatformResumedV1 = Type.Object({
  platform: Type.String(),
  resumed: Type.Boolean({ description: 'False when the queue was not paused' }),
  pause: Type.Union([PlatformPauseV1, Type.Null()])
}, { $id: 'PlatformResumedV1' })
export type PlatformResumedV1 = Static<typeof PlatformResumedV1>

/** One platform on the overview: health, queue, deliveries by status, lag. */
export const PlatformOverviewV1 = Type.Object({
  id: Type.String(),
  name: Type.String(),
  adapter: Type.String(),
  health: Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('paused'), Type.Literal('unknown')]),
  healthDetail: Nullable(Type.String()),
  pause: Type.Union([PlatformPauseV1, Type.Null()], { description: 'Why the delivery queue is paused (null: it runs)' }),
  pull: Type.Boolean({ description: 'The platform pulls its feed (no push queue)' }),
  queue: Type.Record(Type.String(), Type.Integer(), { description: 'BullMQ job counts: wait, active, delayed, paused, failed' }),
  deliveries: Type.Record(Type.String(), Type.Integer(), { description: 'Deliveries in the ledger by status' }),
  dead: Type.Integer(),
  partial: Type.Integer({ description: 'Deliveries the platform took in part (some items refused)' }),
  refusedItems: Type.Integer({ description: 'Items the platform refused that no resend has had applied yet' }),
  oldestPendingSeconds: Type.Union([Type.Number(), Type.Null()], { description: 'Age of the oldest delivery not yet delivered' })
}, { title: 'PlatformOverviewV1' })

/** Delivery lag per platform over time: one point per bucket where something was delivered. */
export const LagSeriesV1 = Type.Object({
  bucketSeconds: Type.Integer(),
  since: Type.String(),
  points: Type.Array(Type.Object({
    t: Type.Integer({ description: 'Bucket start, Unix seconds' }),
    platform: Type.String(),
    delivered: Type.Integer(),
    avgSeconds: Type.Number(),
    maxSeconds: Type.Number()
  }))
}, { title: 'LagSeriesV1' })

/** A peer gateway paused by an admin or operator (`POST /v1/admin/peers/{id}/pause`): until resumed. */
export const PeerAdminPauseV1 = Type.Object({
  since: Type.String({ format: 'date-time' }),
  principal: Type.String({ description: 'Who paused it' }),
  reason: Type.String()
}, { title: 'PeerAdminPauseV1' })

/**
 * One peer gateway on the overview (issue 18, docs/federation.md): whether relays go to it, its pauses
 * (in its config, by an admin: either stops relays both ways) and, where it is a destination, its queue
 * and its deliveries by status.
 */
export const PeerOverviewV1 = Type.Object({
  id: Type.String(),
  name: Type.String(),
  enabled: Type.Boolean(),
  endpoint: Nullable(Type.String({ description: 'Its base URL; null: nothing is relayed to it' })),
  relayed: Type.Boolean({ description: 'A delivery destination: enabled, with an endpoint and a share.up' }),
  paused: Type.Boolean({ description: 'Paused now, in its config or by an admin' }),
  configPaused: Type.Boolean({ description: '`paused: true` in its config file: only a change of config lifts it' }),
  pause: Type.Union([PeerAdminPauseV1, Type.Null()], { description: 'The admin pause in force (null: none)' }),
  queue: Type.Union([Type.Record(Type.String(), Type.Integer()), Type.Null()], {
    description: 'BullMQ job counts of its relay queue: wait, active, delayed, paused, failed (null: not a destination)'
  }),
  deliveries: Type.Union([Type.Record(Type.String(), Type.Integer()), Type.Null()], {
    description: 'Relays to it in the ledger by status (null: not a destination, and none in the ledger)'
  }),
  origins: Type.Array(Type.String(), { description: 'The platforms behind it whose envelopes it may relay here' })
}, { title: 'PeerOverviewV1' })

export const OverviewV1 = Type.Object({
  generatedAt: Type.String(),
  platforms: Type.Array(PlatformOverviewV1),
  peers: Type.Array(PeerOverviewV1, { description: 'The configured peer gateways (empty: none)' }),
  lag: LagSeriesV1
}, { $id: 'OverviewV1' })
export type OverviewV1 = Static<typeof OverviewV1>

/** One message in a search: its envelope and its deliveries counted by status. */
export const MessageSummaryV1 = Type.Object({
  jti: Type.String(),
  iss: Type.String(),
  kind: Type.String(),
  items: Type.Integer(),
  receivedAt: Type.String(),
  statuses: Type.Record(Type.String(), Type.Integer())
}, { title: 'MessageSummaryV1' })

export const MessageSearchV1 = Type.Object({
  messages: Type.Array(MessageSummaryV1),
  nextBefore: Nullable(Type.String({ description: 'Pass as `before` for the next page (receivedAt of the last message)' }))
}, { $id: 'MessageSearchV1' })
export type MessageSearchV1 = Static<typeof MessageSearchV1>

export const AttemptV1 = Type.Object({
  attempt: Type.Integer(),
  startedAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  outcome: Nullable(Type.String()),
  error: Nullable(Type.String()),
  receipt: Type.Union([Type.Unknown(), Type.Null()])
}, { title: 'AttemptV1' })

/** A message's detail for the dashboard: per destination its status, resends and every attempt. */
export const MessageDetailV1 = Type.Object({
  jti: Type.String(),
  iss: Type.String(),
  kind: Type.String(),
  digest: Type.String(),
  receivedAt: Type.String(),
  items: Type.Integer(),
  destinations: Type.Array(
    Type.Intersect([DestinationStatusV1, Type.Object({ resends: Type.Integer(), attemptLog: Type.Array(AttemptV1) })])
  )
}, { $id: 'MessageDetailV1' })
export type MessageDetailV1 = Static<typeof MessageDetailV1>

/** One query-log record (国办发〔2020〕49号 (十三)); the subject only masked. */
export const QueryLogRowV1 = Type.Object({
  seq: Type.String(),
  at: Type.String(),
  principal: Type.String(),
  role: Type.String(),
  route: Type.String(),
  subjectMasked: Type.String(),
  purpose: Type.String(),
  resultCount: Type.Integer()
}, { title: 'QueryLogRowV1' })

export const QueryLogPageV1 = Type.Object({
  rows: Type.Array(QueryLogRowV1),
  nextBefore: Nullable(Type.String({ description: 'Pass as `before` for the next page (a seq)' }))
}, { $id: 'QueryLogPageV1' })
export type QueryLogPageV1 = Static<typeof QueryLogPageV1>

export const AdminActionRowV1 = Type.Object({
  seq: Type.String(),
  at: Type.String(),
  principal: Type.String(),
  action: Type.String(),
  target: Type.String(),
  detail: Type.Union([Type.Unknown(), Type.Null()])
}, { title: 'AdminActionRowV1' })

export const AdminActionPageV1 = Type.Object({
  rows: Type.Array(AdminActionRowV1),
  nextBefore: Nullable(Type.String())
}, { $id: 'AdminActionPageV1' })
export type AdminActionPageV1 = Static<typeof AdminActionPageV1>

/** The result of walking one audit chain. */
export const ChainReportV1 = Type.Object({
  table: Type.String(),
  rows: Type.Integer(),
  ok: Type.Boolean(),
  head: Type.Union([Type.Object({ seq: Type.String(), hash: Type.String() }), Type.Null()]),
  firstBroken: Type.Union([Type.Object({ seq: Type.String(), id: Type.String(), reason: Type.String() }), Type.Null()])
}, { $id: 'ChainReportV1' })
export type ChainReportV1 = Static<typeof ChainReportV1>

export const AuditVerifyV1 = Type.Object({ chains: Type.Array(ChainReportV1) }, { $id: 'AuditVerifyV1' })
export type AuditVerifyV1 = Static<typeof AuditVerifyV1>
