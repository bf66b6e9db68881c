import Fastify, { type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { GatewayConfig } from '../config/config-schema.js'
import { ITEM_SCHEMAS } from '../contracts/envelope-v1.js'
import { EnvelopeClaimsV1, EnvelopeHeaderV1, FlattenedJwsV1 } from '../contracts/envelope-v1.js'
import { ProblemV1 } from '../contracts/problem-v1.js'
import { ReceiptClaimsV1 } from '../contracts/receipt-v1.js'
import { ReconcileAnswerV1, ReconcileExportPageV1, ReconcileExportQueryV1, ReconcileQueryV1 } from '../contracts/reconcile-v1.js'
import type { GatewayKeys } from './keys/signing-keys.js'
import type { RuntimeOptions } from './runtime/runtime-options.js'
import { contextPlugin } from './plugins/context-plugin.js'
import { requestIdOf } from './plugins/request-id.js'
import { requestContextPlugin } from './plugins/request-context-plugin.js'
import { queryCoercingCompiler } from './plugins/query-coercing-compiler.js'
import { postgresPlugin } from './plugins/postgres-plugin.js'
import { groupCommitPlugin } from './envelopes/group-commit-plugin.js'
import { installFromBase64 } from './runtime/from-base64.js'
import { installToBase64 } from './runtime/to-base64.js'
import { redisPlugin } from './plugins/redis-plugin.js'
import { queuesPlugin } from './plugins/queues.js'
import { metricsPlugin } from './plugins/metrics-plugin.js'
import { operationsGaugesPlugin } from './health/operations-gauges-plugin.js'
import { scrubAnswersPlugin } from './privacy/scrub-answers.js'
import { installErrorHandler } from './errors/error-handler.js'
import { loggerOptions } from './logging/logger-options.js'
import { envelopeRoutes } from './envelopes/envelope-routes.js'
import { relayRoutes } from './federation/relay-routes.js'
import { peerAdminRoutes } from './federation/peer-admin-routes.js'
import { peerReconcileRoutes } from './federation/peer-reconcile-routes.js'
import { messageRoutes } from './messages/message-routes.js'
import { subjectRoutes } from './subjects/subject-routes.js'
import { healthRoutes } from './health/health-routes.js'
import { deliveryPlugin } from './delivery/delivery-plugin.js'
import { deliveryRoutes } from './delivery/delivery-routes.js'
import { feedRoutes } from './feeds/feed-routes.js'
import { nativeRoutes } from './native/native-routes.js'
import { checkRoutes } from './checks/check-routes.js'
import { qualityRoutes } from './quality/quality-routes.js'
import { coordinationPlugin } from './coordination/coordination-plugin.js'
import { coordinationRoutes } from './coordination/coordination-routes.js'
import { transparencyPlugin } from './transparency/transparency-plugin.js'
import { transparencyRoutes } from './transparency/transparency-routes.js'
import { securityPlugin } from './auth/security-plugin.js'
import { installRouteAccess } from './auth/route-access.js'
import { docsPrefixes } from './health/operations-access.js'
import { openapiOptions } from './openapi/openapi-options.js'
import { sessionRoutes } from './auth/session-routes.js'
import { adminApiRoutes } from './admin/admin-api-routes.js'
import { dashboardRoutes } from './admin/dashboard-routes.js'
import { reconcileRoutes } from './reconcile/reconcile-routes.js'
import { reconcileSchedulePlugin } from './reconcile/reconcile-schedule.js'

export interface AppOptions {
  config: GatewayConfig
  runtime: RuntimeOptions
  gatewayKeys: GatewayKeys
  /** false silences request logging (benches); defaults to the runtime log level. */
  logger?: boolean
  /** Where log lines go (default stdout); tests read them to prove what is never logged. */
  logStream?: { write: (line: string) => void }
  /**
   * Run the outbox relay, the delivery workers and the schedulers in this process (default: unless
   * the runtime's role is `api`). Tests turn them off and keep every route.
   */
  workers?: boolean
  /** Adapter secrets per platform given in code (the demo); otherwise from `GW_<ID>_<NAME>`. */
  platformSecrets?: Readonly<Record<string, Readonly<Record<string, string>>>>
  /** The clock checks and subject views read (default: the system's); tests fix it. */
  clock?: () => Date
}

const DESCRIPTION = `Gateway through which the public credit platforms of Shanghai (SH), Jiangsu (JS), Zhejiang (ZJ)
and Anhui (AH) exchange red lists, black lists and joint-punishment notices.

Every message is a JWS envelope (see POST /v1/envelopes). Every error is application/problem+json
(RFC 9457) with a stable \`code\`: ENVELOPE_MALFORMED, BAD_REQUEST, PURPOSE_REQUIRED (400); UNAUTHORIZED,
SIGNATURE_INVALID, KEY_UNKNOWN, ISSUER_UNKNOWN, ALG_NOT_ALLOWED, ENVELOPE_EXPIRED, AUDIENCE_INVALID (401);
FORBIDDEN, NOT_OWNER (403); NOT_FOUND (404); JTI_CONFLICT, VERSION_CONFLICT, CASE_TRANSITION_INVALID, CASE_EXISTS, OBJECTION_OPEN, REPAIR_OPEN, RUN_NOT_HEALABLE (409); PAYLOAD_TOO_LARGE (413);
UNSUPPORTED_MEDIA_TYPE (415); SCHEMA_INVALID, USCC_INVALID, ID_NUMBER_INVALID, ENTRY_UNKNOWN, LIST_TYPE_UNKNOWN, MEASURE_UNKNOWN, CASE_UNKNOWN, SUBJECT_MISMATCH, OBJECTION_UNKNOWN, NOT_REPAIRABLE, REPAIR_TOO_EARLY, REPAIR_UNKNOWN, MEASURE_KIND_MISMATCH, MEASURE_NOT_APPLICABLE, VALIDITY_OUT_OF_RANGE (422);
CHECK_OUTCOME_CONFLICT (409); DECISION_TYPE_UNKNOWN (422);
RATE_LIMITED (429); UNAVAILABLE (503). Item errors list \`errors: [{ index, path, code, detail }]\`.
A platform's envelope of a kind only the gateway issues (gateway.notice, iss YRD) is refused whole
with FORBIDDEN (403), on POST /v1/envelopes and on every native route alike.

Read calls take \`Authorization: Bearer <JWT>\` signed by a platform key or an admin key (aud YRD, exp at
most 15 minutes after iat). The dashboard's APIs (/v1/admin/…) also take the admin session cookie set by
POST /v1/admin/session (a local account); with the cookie, state changes need the session's X-CSRF-Token.
Every route declares the roles it admits (admin, operator, auditor, platform).`

/** settings.trustProxy as Fastify takes it: a hop count (which its types omit) as the function it makes of one. */
const trustedProxies = (setting: GatewayConfig['settings']['trustProxy']): boolean | string | string[] | ((address: string, hop: number) => boolean) =>
  typeof setting === 'number' ? (_address: string, hop: number) => hop < setting : setting

/** The body limit of every route that sets none of its own (logins, checks, feed acknowledgements, …). */
export const JSON_ROUTE_BODY_LIMIT = 256 * 1024

/**
 * Builds the gateway: infrastructure plugins first, in dependency order, then the route groups.
 * The runtime's role decides what runs (README "Scaling"): `api` serves every route and runs no
 * background work; `worker` runs the relay, the delivery workers and the schedulers, and serves the
 * operations routes only (health, readiness, metrics, keys); `all` does both.
 */
export async function buildApp (opts: AppOptions): Promise<FastifyInstance> {
  const role = opts.runtime.role ?? 'all'
  const workers = opts.workers ?? role !== 'api'
  // Native base64 for jose: decoding (every signature verified, every envelope payload) and encoding
  // (every receipt and delivery signed).
  installFromBase64()
  installToBase64()
  const app = Fastify({
    logger: opts.logger === false
      ? false
      : {
          ...loggerOptions(opts.runtime.logLevel), ...(opts.logStream === undefined ? {} : { stream: opts.logStream })
        },
    // Every other route takes small JSON: an 8 MiB body there would only be parser work before any
    // authentication. POST /v1/envelopes takes bodyLimitBytes, each native route its own limit.
    bodyLimit: Math.min(JSON_ROUTE_BODY_LIMIT, opts.config.settings.bodyLimitBytes),
    // Behind a proxy the caller's address is X-Forwarded-For's, as far as the trusted hops say:
    // the rate limits' key and the address the security log and admin actions record.
    trustProxy: trustedProxies(opts.config.settings.trustProxy),
    // X-Request-Id when it is a safe, bounded value, else a new one (request-id.ts).
    requestIdHeader: false,
    genReqId: requestIdOf
  }).withTypeProvider<TypeBoxTypeProvider>()
  app.setValidatorCompiler(queryCoercingCompiler())

  app.decorateRequest('principal', null)
  // First of all hooks: every answer (a 404, a rate limit) echoes the request id.
  await app.register(requestContextPlugin)
  await app.register(contextPlugin, {
    config: opts.config, runtime: opts.runtime, gatewayKeys: opts.gatewayKeys, clock: opts.clock
  })
  // First, so that every answer (routes, errors, 404s) passes the identity-number scrubber.
  await app.register(scrubAnswersPlugin)
  await app.register(postgresPlugin)
  await app.register(redisPlugin)
  await app.register(queuesPlugin)
  await app.register(metricsPlugin)
  await app.register(groupCommitPlugin)
  await app.register(deliveryPlugin, { workers, secrets: opts.platformSecrets })
  await app.register(coordinationPlugin, { workers })
  await app.register(transparencyPlugin, { workers })
  await app.register(reconcileSchedulePlugin, { workers })
  await app.register(operationsGaugesPlugin, { workers })
  installErrorHandler(app)
  // Before any route: security headers, rate limits, and the rule that every route declares its access.
  await app.register(securityPlugin)
  installRouteAccess(app, docsPrefixes(opts.config.settings))

  await app.register(swagger, openapiOptions(
    { title: 'yrd-credit-gateway', version: '1', description: DESCRIPTION },
    Object.fromEntries([EnvelopeClaimsV1, EnvelopeHeaderV1, FlattenedJwsV1, ReceiptClaimsV1, ProblemV1,
      ...Object.values(ITEM_SCHEMAS),
      // The platform side of reconciliation (adapters/README.md, "Reconciliation").
      ReconcileQueryV1, ReconcileAnswerV1, ReconcileExportQueryV1, ReconcileExportPageV1]
      .map((s) => [s.$id as string, JSON.parse(JSON.stringify(s)) as Record<string, unknown>])),
    docsPrefixes(opts.config.settings)))
  if (role !== 'worker' && opts.config.settings.docsAccess !== 'off') await app.register(swaggerUi, { routePrefix: '/docs' })

  await app.register(healthRoutes)
  if (role === 'worker') return app
  await app.register(envelopeRoutes)
  await app.register(relayRoutes)
  await app.register(peerAdminRoutes)
  await app.register(peerReconcileRoutes)
  await app.register(messageRoutes)
  await app.register(subjectRoutes)
  await app.register(deliveryRoutes)
  await app.register(feedRoutes)
  await app.register(nativeRoutes)
  await app.register(coordinationRoutes)
  await app.register(transparencyRoutes)
  await app.register(sessionRoutes)
  await app.register(adminApiRoutes)
  await app.register(dashboardRoutes)
  await app.register(checkRoutes)
  await app.register(qualityRoutes)
  await app.register(reconcileRoutes)
  return app
}
