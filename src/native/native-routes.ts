import type { FastifyInstance } from 'fastify'
import { SH_REST_ADAPTER } from '../../adapters/sh-rest/sh-rest-adapter.js'
import { ahInboundRoutes } from './ah-inbound-routes.js'
import { jsInboundRoutes } from './js-inbound-routes.js'
import { nativeIngest } from './native-ingest.js'
import { shInboundRoutes } from './sh-inbound-routes.js'

/** The inbound side of each native adapter, by adapter name. */
const INBOUND = {
  [SH_REST_ADAPTER]: shInboundRoutes,
  'ah-xml': ahInboundRoutes,
  'js-batch': jsInboundRoutes
} as const satisfies Record<string, typeof shInboundRoutes>

/**
 * Native publication: a platform that speaks its own protocol publishes through the same
 * interface its adapter speaks, under `/v1/native/<ID>/…`. Routes exist only for enabled
 * platforms whose configured adapter has an inbound side, each in its own encapsulated context
 * (its own raw-body parser and its own answer format), with the secrets its adapter was built with.
 */
export async function nativeRoutes (app: FastifyInstance): Promise<void> {
  const ingest = nativeIngest(app)
  for (const p of app.config.platforms) {
    if (!p.enabled) continue
    const routes = (INBOUND as Readonly<Record<string, typeof shInboundRoutes | undefined>>)[p.adapter]
    if (routes === undefined) continue
    await app.register(routes, { platform: p.id, secrets: app.delivery.secrets.get(p.id) ?? {}, ingest })
  }
}
