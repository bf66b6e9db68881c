import fp from 'fastify-plugin'
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export interface GatewayMetrics {
  registry: Registry
  envelopesAccepted: Counter<'iss' | 'kind'>
  itemsAccepted: Counter<'iss' | 'kind'>
  envelopesRejected: Counter<'code'>
  httpDuration: Histogram<'method' | 'route' | 'status'>
}

declare module 'fastify' {
  interface FastifyInstance { metrics: GatewayMetrics }
}

/** Prometheus metrics in a registry of the app's own (several apps may share one process in tests). */
export const metricsPlugin = fp(async (app) => {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'gw_' })
  const metrics: GatewayMetrics = {
    registry,
    envelopesAccepted: new Counter({ name: 'gw_envelopes_accepted_total', help: 'Envelopes accepted, by issuer and kind', labelNames: ['iss', 'kind'], registers: [registry] }),
    itemsAccepted: new Counter({ name: 'gw_items_accepted_total', help: 'Items accepted, by issuer and kind', labelNames: ['iss', 'kind'], registers: [registry] }),
    envelopesRejected: new Counter({ name: 'gw_envelopes_rejected_total', help: 'Envelopes rejected, by error code', labelNames: ['code'], registers: [registry] }),
    httpDuration: new Histogram({ name: 'gw_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route', 'status'], registers: [registry], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] })
  }
  app.decorate('metrics', metrics)
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000)
  })
}, { name: 'gw-metrics' })
