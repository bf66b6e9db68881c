import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { metricsRoute } from './operations-access.js'
import { withTimeout } from '../runtime/with-timeout.js'

/**
 * Liveness, readiness (the ledger reachable; Redis down is reported as degraded), Prometheus metrics
 * (unless `metricsAccess` is off) and the gateway's JWKS.
 */
export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', {
    config: { access: { public: 'liveness probe' } },
    schema: { summary: 'Liveness', tags: ['operations'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } }
  }, async () => ({ status: 'ok' as const }))

  const Check = Type.Union([Type.Literal('ok'), Type.Literal('down')])
  const Ready = Type.Object({
    status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('down')], {
      description: 'ok: both reachable; degraded: the database is, Redis is not (still ready); down: the database is not'
    }),
    redis: Check,
    database: Check,
    degraded: Type.Optional(Type.Array(Type.Literal('redis'), { description: 'What the gateway runs without' }))
  })
  // Ready means the ledger is reachable: ingest commits to it whatever Redis does (the replay cache,
  // nonces and pauses degrade to the ledger or let through, the outbox holds deliveries until the
  // queues are back), so an instance without Redis still takes traffic and says so.
  app.get('/readyz', {
    config: { access: { public: 'readiness probe' } },
    schema: {
      summary: 'Readiness: the database reachable (Redis down answers 200, degraded)',
      tags: ['operations'],
      response: { 200: Ready, 503: Ready }
    }
  }, async (_request, reply) => {
    const [redis, database] = await Promise.all([
      withTimeout(app.redis.ping(), 1000, 'redis').then(() => 'ok' as const, () => 'down' as const),
      withTimeout(app.pg.query('SELECT 1'), 2000, 'database').then(() => 'ok' as const, () => 'down' as const)
    ])
    if (database === 'down') return await reply.code(503).send({ status: 'down', redis, database })
    if (redis === 'down') return await reply.code(200).send({ status: 'degraded', redis, database, degraded: ['redis' as const] })
    return await reply.code(200).send({ status: 'ok', redis, database })
  })

  const metrics = metricsRoute(app)
  if (metrics !== undefined) {
    app.get('/metrics', {
      config: { access: metrics.access },
      ...(metrics.onRequest === undefined ? {} : { onRequest: metrics.onRequest }),
      schema: {
        summary: 'Prometheus metrics (text exposition format)',
        description: 'A collector that fails or does not answer in time is left off the page and counted in gw_metrics_collect_errors_total{collector}; the rest is served.',
        tags: ['operations']
      }
    }, async (_request, reply) => {
      return await reply.type(app.metrics.registry.contentType).send(await app.metrics.page())
    })
  }

  app.get('/.well-known/jwks.json', {
    config: { access: { public: 'the gateway\'s public keys' } },
    schema: { summary: 'The gateway\'s public keys, for receipts and signed deliveries', tags: ['operations'] }
  }, async (_request, reply) => {
    return await reply.header('cache-control', 'public, max-age=300').send(app.gatewayKeys.jwks)
  })
}
