import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { metricsRoute } from './operations-access.js'
import { withTimeout } from '../runtime/with-timeout.js'

/**
 * Liveness, readiness (Redis and the ledger reachable), Prometheus metrics (unless `metricsAccess` is off)
 * and the gateway's JWKS.
 */
export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', {
    config: { access: { public: 'liveness probe' } },
    schema: { summary: 'Liveness', tags: ['operations'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } }
  }, async () => ({ status: 'ok' as const }))

  const Check = Type.Union([Type.Literal('ok'), Type.Literal('down')])
  const Ready = Type.Object({ status: Check, redis: Check, database: Check })
  app.get('/readyz', {
    config: { access: { public: 'readiness probe' } },
    schema: { summary: 'Readiness: Redis and the database reachable', tags: ['operations'], response: { 200: Ready, 503: Ready } }
  }, async (_request, reply) => {
    const [redis, database] = await Promise.all([
      withTimeout(app.redis.ping(), 1000, 'redis').then(() => 'ok' as const, () => 'down' as const),
      withTimeout(app.pg.query('SELECT 1'), 2000, 'database').then(() => 'ok' as const, () => 'down' as const)
    ])
    const ok = redis === 'ok' && database === 'ok'
    return await reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'down', redis, database })
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
