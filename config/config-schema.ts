import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { ProofHashV1 } from '../contracts/common-v1.js'
import type { Registries } from './registry-schema.js'
import type { CheckerIssuerConfig } from './checker-schema.js'
import type { PeerConfig } from './peer-schema.js'
import type { WorkingCalendar } from './calendar-schema.js'

/** What the schema's `default`s make of an empty object: the one place a default is written. */
function defaultsOf<T extends TSchema> (schema: T): Static<T> {
  return Value.Default(schema, {}) as Static<T>
}

const HttpUrl = Type.String({ pattern: '^https?://[^\\s]+$', description: 'http(s) URL' })

/** A JWK as configured: only public EC P-256, Ed25519 and EC SM2 keys are of use to verify envelopes. */
const PublicJwk = Type.Object({
  kty: Type.String(),
  kid: Type.String({ minLength: 1 }),
  crv: Type.Optional(Type.String()),
  x: Type.Optional(Type.String()),
  y: Type.Optional(Type.String()),
  alg: Type.Optional(Type.String()),
  use: Type.Optional(Type.String())
}, { additionalProperties: true })

export const JwkSet = Type.Object({
  keys: Type.Array(PublicJwk, { minItems: 1 })
}, { additionalProperties: false })

/** How the gateway delivers to one platform: retries, timeouts, rate limit, health gating. */
export const DeliveryPolicy = Type.Object({
  attempts: Type.Integer({ minimum: 1, maximum: 1000, default: 20, description: 'Attempts before a delivery is dead' }),
  baseDelayMs: Type.Integer({ minimum: 10, maximum: 3_600_000, default: 1000, description: 'First retry delay; doubles each attempt, with jitter' }),
  maxDelayMs: Type.Integer({ minimum: 10, maximum: 86_400_000, default: 300_000, description: 'Cap of the retry delay' }),
  timeoutMs: Type.Integer({ minimum: 100, maximum: 300_000, default: 10_000, description: 'Per-request timeout' }),
  concurrency: Type.Integer({ minimum: 1, maximum: 64, default: 4, description: 'Deliveries to the platform at once' }),
  rateLimit: Type.Object({
    max: Type.Integer({ minimum: 1, default: 50, description: 'At most this many deliveries per durationMs' }),
    durationMs: Type.Integer({ minimum: 10, default: 1000, description: 'The window of rateLimit.max' })
  }, { default: {}, description: 'At most max deliveries per durationMs' }),
  healthIntervalMs: Type.Integer({ minimum: 100, maximum: 600_000, default: 5000, description: 'How often a paused (unhealthy) platform is checked' }),
  batchMaxMessages: Type.Integer({ minimum: 1, maximum: 1000, default: 50, description: 'Most messages in one coalesced push, where the adapter batches (1: one message per push)' }),
  batchMaxBytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 1024 * 1024, description: 'Most bytes of items (their JSON) in one coalesced push' }),
  receipts: Type.Union([Type.Literal('signed'), Type.Literal('unsigned-allowed')], {
    default: 'signed',
    description: 'yrd-push: the platform must sign its receipts with a key of its published set (signed), or may still answer the unsigned form during migration (unsigned-allowed; a signed receipt is verified all the same)'
  }),
  breakerTimeouts: Type.Integer({
    minimum: 1, maximum: 1000, default: 3, description: 'Consecutive timeouts, health check up, that open the circuit breaker'
  }),
  breakerCooldownMs: Type.Integer({
    minimum: 100, maximum: 3_600_000, default: 30_000, description: 'How long an open breaker keeps the queue paused before letting deliveries try again'
  })
}, { default: {}, additionalProperties: false })
export type DeliveryPolicy = Static<typeof DeliveryPolicy>

/** The defaults of DeliveryPolicy (the schema's), for configs built in code. */
export const DEFAULT_DELIVERY: DeliveryPolicy = defaultsOf(DeliveryPolicy)

/** `<config>/platforms/<ID>.json`: one provincial (or other) platform. */
export const PlatformConfig = Type.Object({
  id: Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$' }),
  name: Type.String({ minLength: 1 }),
  regionCode: Type.String({ pattern: '^\\d{6}$', description: 'Administrative division code of the region' }),
  adapter: Type.String({ minLength: 1, description: 'Name of the adapter that speaks to the platform' }),
  endpoint: HttpUrl,
  jwks: Type.Optional(JwkSet),
  jwksUrl: Type.Optional(HttpUrl),
  healthUrl: Type.Optional(HttpUrl),
  enabled: Type.Boolean({ default: true }),
  delivery: DeliveryPolicy,
  shareScopes: Type.Optional(Type.Array(Type.Union([Type.Literal('all-platforms'), Type.Literal('authorised-departments')]), {
    uniqueItems: true,
    description: 'Catalogue share scopes this platform is authorised to receive (default both; owner-only fields never leave their owner)'
  })),
  /** Options of the `ah-xml` adapter (adapters/ah-xml/README.md, "Gateway configuration"). */
  ahXml: Type.Optional(Type.Object({
    legacyCbc: Type.Optional(Type.Boolean({ description: 'Speak protocol 1.0 (SM4-CBC with an unkeyed SM3 digest, no MAC) with this platform, both ways. Weaker; off by default' })),
    inboundBodyLimitBytes: Type.Optional(Type.Integer({ minimum: 4096, maximum: 64 * 1024 * 1024, description: 'Largest native message the platform may publish (default 4 MiB)' }))
  }, { additionalProperties: false }))
}, { additionalProperties: true })
export type PlatformConfig = Static<typeof PlatformConfig>

/** `<config>/admins.json`: keys whose bearer tokens carry admin roles. */
export const AdminIssuerConfig = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  roles: Type.Array(Type.Union([Type.Literal('admin'), Type.Literal('operator'), Type.Literal('auditor')]), { minItems: 1 }),
  jwks: Type.Optional(JwkSet),
  jwksUrl: Type.Optional(HttpUrl)
}, { additionalProperties: false })
export type AdminIssuerConfig = Static<typeof AdminIssuerConfig>

export const AdminsFile = Type.Object({
  issuers: Type.Array(AdminIssuerConfig)
}, { additionalProperties: false })

/** `<config>/gateway.json`: the gateway's own settings. */
export const GatewaySettings = Type.Object({
  clockSkewSeconds: Type.Integer({
    minimum: 0,
    maximum: 300,
    default: 60,
    description: 'Tolerance for the clocks of issuers (a token\'s or envelope\'s iat, exp, nbf)'
  }),
  bodyLimitBytes: Type.Integer({
    minimum: 1024,
    maximum: 64 * 1024 * 1024,
    default: 8 * 1024 * 1024,
    description: 'Largest body POST /v1/envelopes takes'
  }),
  ingestGroupWindowMs: Type.Integer({
    minimum: 0,
    maximum: 1000,
    default: 2,
    description: 'How long an accepted envelope waits for others to share its ledger transaction (group commit); 0: each commits alone'
  }),
  // At most 64: each envelope of a group is a subtransaction, and PostgreSQL keeps 64 per backend
  // in shared memory before every other session's snapshots get slower.
  ingestGroupMaxEnvelopes: Type.Integer({
    minimum: 1,
    maximum: 64,
    default: 32,
    description: 'Most envelopes committed in one ledger transaction (group commit); 1: each commits alone'
  }),
  readTokenMaxLifetimeSeconds: Type.Integer({
    minimum: 60,
    maximum: 3600,
    default: 900,
    description: 'Longest a bearer token may live (exp at most this long after iat)'
  }),
  jwksCacheSeconds: Type.Integer({
    minimum: 0, maximum: 86400, default: 600, description: 'How long a key set fetched from a jwksUrl is kept'
  }),
  jwksRefetchCooldownSeconds: Type.Integer({
    minimum: 0,
    maximum: 3600,
    default: 30,
    description: 'A key set is fetched again for an unknown kid at most once per this long'
  }),
  relayIntervalMs: Type.Integer({ minimum: 10, maximum: 60_000, default: 500, description: 'How often the outbox relay polls (it also wakes on NOTIFY)' }),
  sweepIntervalMs: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 30_000, description: 'How often unfinished deliveries are checked against the queues (Redis data loss)' }),
  jobLockMs: Type.Integer({ minimum: 500, maximum: 600_000, default: 30_000, description: 'How long a worker holds a job before a crash hands it to another' }),
  // Longer by default than the largest timeoutMs a platform may have (DeliveryPolicy, 300 s), so a
  // delivery started just before SIGTERM is answered and recorded, not cut off and sent again.
  shutdownGraceMs: Type.Integer({
    minimum: 0,
    maximum: 3_600_000,
    default: 330_000,
    description: 'On SIGTERM or SIGINT, how long in-flight deliveries and requests may finish before the process exits anyway (exit code 1; an unfinished delivery stays in its queue and is delivered later, by this or another worker)'
  }),
  feedRedeliverMs: Type.Integer({ minimum: 100, maximum: 86_400_000, default: 60_000, description: 'A delivery offered on a pull feed and not acknowledged is offered again after this long' }),
  feedPageSize: Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Most deliveries one feed page offers' }),
  coordinationSweepMs: Type.Integer({ minimum: 100, maximum: 86_400_000, default: 60_000, description: 'How often overdue responses and feedback are looked for (reminders) and expired entries removed' }),
  personalDataRetentionDays: Type.Integer({ minimum: 0, maximum: 3650, default: 30, description: 'Days after an entry was removed by repair, expiry or revocation (国办发〔2020〕49号 (十一)) before its personal fields (a person\'s name and identity number, responsible persons\' names and identity numbers) are erased from the ledger; run with the coordination sweep' }),
  transparencySequenceIntervalMs: Type.Integer({ minimum: 50, maximum: 3_600_000, default: 1000, description: 'How often new entry changes are appended to their lists\' transparency logs (the merge delay)' }),
  checkpointIntervalMs: Type.Integer({ minimum: 1000, maximum: 86_400_000, default: 60_000, description: 'How often a checkpoint is signed for every list log that grew' }),
  proofHash: Type.Union(ProofHashV1.anyOf, { default: 'SHA-256', description: 'The hash the gateway proves with (SM3: GB/T 32905-2016): the digest in envelope and check receipts (digestAlg), and the hash of every transparency log created from then on, stated in its checkpoints and proofs. A log keeps the hash it was created with; the same on every gateway of a ledger' }),
  sessionIdleMinutes: Type.Integer({ minimum: 1, maximum: 1440, default: 30, description: 'An admin session unused this long ends' }),
  sessionMaxHours: Type.Integer({ minimum: 1, maximum: 168, default: 12, description: 'An admin session ends this long after login, used or not' }),
  loginRateLimitPerMinute: Type.Integer({ minimum: 1, maximum: 10_000, default: 10, description: 'Login attempts per client address per minute' }),
  apiRateLimitPerMinute: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 6000, description: 'Requests per client address per minute on every other route' }),
  subjectSearchRateLimitPerMinute: Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: 'Searches of the query log by subject per principal per minute (each is recorded)' }),
  reconcileIntervalMs: Type.Integer({ minimum: 0, maximum: 604_800_000, default: 21_600_000, description: 'How often every list is reconciled with every replica platform (0: never on a schedule)' }),
  nativeAuthFailuresPerMinute: Type.Integer({ minimum: 1, maximum: 100_000, default: 20, description: 'Failed native authentications per client address and platform per minute before that address is refused (429) until the minute ends' }),
  jwksHttpHosts: Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { default: [], uniqueItems: true, description: 'Hosts an issuer\'s jwksUrl may reach over plain http, outside production only (local simulators, tests); every other jwksUrl must be https' }),
  metricsCollectTimeoutMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000, description: 'How long a scrape of /metrics waits for each collector (a ledger query, a queue count); one that fails or takes longer is left off that page and counted in gw_metrics_collect_errors_total' }),
  auditVerifyIntervalMs: Type.Integer({ minimum: 0, maximum: 604_800_000, default: 3_600_000, description: 'How often the workers walk the audit hash chains (query log, admin actions) for gw_audit_chain_intact (0: never on a schedule)' }),
  metricsAccess: Type.Union([Type.Literal('public'), Type.Literal('staff'), Type.Literal('token'), Type.Literal('off')], { default: 'public', description: 'Who may read /metrics: anyone, the admin roles, the bearer of GW_METRICS_TOKEN, or nobody (no route)' }),
  docsAccess: Type.Union([Type.Literal('public'), Type.Literal('staff'), Type.Literal('off')], { default: 'public', description: 'Who may read /docs (the OpenAPI document and its UI): anyone, the admin roles, or nobody (no route)' }),
  trustProxy: Type.Union([
    Type.Boolean(),
    Type.Integer({ minimum: 1, maximum: 32 }),
    Type.String({ minLength: 1, maxLength: 4096 }),
    Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1 })
  ], { default: false, description: 'Which proxies in front of the gateway are trusted to say the caller\'s address (X-Forwarded-For), as Fastify\'s trustProxy: false (none: the peer\'s address counts), true (any), a hop count, or addresses and CIDRs (a list or a comma-separated string). It decides the key of every rate limit and the address the security log and the admin actions record' })
}, { additionalProperties: false })
export type GatewaySettings = Static<typeof GatewaySettings>

/** The defaults of GatewaySettings (the schema's), for configs built in code (tests, benches). */
export const DEFAULT_SETTINGS: GatewaySettings = defaultsOf(GatewaySettings)

/** Everything the config folder holds, validated. */
export interface GatewayConfig {
  dir: string
  /** Catalogue, list types and measures (`<config>/registries`); items are checked against them when present. */
  registries?: Registries
  /** Public holidays and makeup working days (`<config>/calendars`), for deadlines in working days. */
  calendar?: WorkingCalendar
  platforms: PlatformConfig[]
  admins: AdminIssuerConfig[]
  /** Department systems allowed to check before deciding (`<config>/checkers.json`, none by default). */
  checkers?: CheckerIssuerConfig[]
  /** Peer gateways (`<config>/peers`, none by default): issue 18, docs/federation.md. */
  peers?: PeerConfig[]
  settings: GatewaySettings
}
