import fp from 'fastify-plugin'
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { renderMetrics } from './metrics-page.js'

export interface GatewayMetrics {
  registry: Registry
  envelopesAccepted: Counter<'iss' | 'kind'>
  itemsAccepted: Counter<'iss' | 'kind'>
  envelopesRejected: Counter<'code'>
  httpDuration: Histogram<'method' | 'route' | 'status'>
  /** The page as served: every collector on its own (see renderMetrics). */
  page: () => Promise<string>
}

declare module 'fastify' {
  interface FastifyInstance { metrics: GatewayMetrics }
}

/**
 * prom-client's defaults that are gauges named `_total` (promtool: "non-counter metrics should not
 * have _total suffix"): each is the sum over `type` of its unsuffixed gauge (nodejs_active_handles,
 * …), which stays, so nothing is lost by leaving them off.
 */
const MISNAMED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']

const COLLECT_ERRORS = 'gw_metrics_collect_errors_total'

/**
 * Prometheus metrics in a registry of the app's own (several apps may share one process in tests).
 * The process and Node.js metrics keep their standard names (process_cpu_seconds_total,
 * nodejs_heap_size_used_bytes, …) so stock dashboards read them.
 */
export const metricsPlugin = fp(async (app) => {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name)
  const collectErrors = new Counter({
    name: COLLECT_ERRORS,
    help: 'Scrapes of /metrics in which a collector failed or did not answer in time, per collector (the metric left off that page)',
    labelNames: ['collector'],
    registers: [registry]
  })
  const timeoutMs = app.config.settings.metricsCollectTimeoutMs
  const metrics: GatewayMetrics = {
    registry,
    envelopesAccepted: new Counter({ name: 'gw_envelopes_accepted_total', help: 'Envelopes accepted, by issuer and kind', labelNames: ['iss', 'kind'], registers: [registry] }),
    itemsAccepted: new Counter({ name: 'gw_items_accepted_total', help: 'Items accepted, by issuer and kind', labelNames: ['iss', 'kind'], registers: [registry] }),
    envelopesRejected: new Counter({ name: 'gw_envelopes_rejected_total', help: 'Envelopes rejected, by error code', labelNames: ['code'], registers: [registry] }),
    httpDuration: new Histogram({ name: 'gw_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route', 'status'], registers: [registry], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] }),
    page: async () => await renderMetrics(registry, timeoutMs, (collector, err) => {
      collectErrors.inc({ collector })
      app.log.warn({ err, collector }, 'metrics: a collector failed; left off this scrape')
    }, new Set([COLLECT_ERRORS]))
  }
  app.decorate('metrics', metrics)
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000)
  })
}, { name: 'gw-metrics', dependencies: ['gw-context'] })
