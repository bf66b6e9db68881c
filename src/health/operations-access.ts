import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify'
import type { GatewaySettings } from '../../config/config-schema.js'
import type { Role } from '../auth/bearer-auth.js'
import { PLUGIN_PREFIXES, type PrefixAccess, type RouteAccess } from '../auth/route-access.js'
import { GatewayError } from '../errors/gateway-error.js'

/** The roles `staff` admits to the operations routes: the dashboard's, not platforms' or department systems'. */
const STAFF: Role[] = ['admin', 'operator', 'auditor']

/** Shortest `GW_METRICS_TOKEN` accepted: a scrape token is a long-lived secret, it must not be guessable. */
export const METRICS_TOKEN_MIN_LENGTH = 32

/** The access of the plugin-registered `/docs` routes, as `docsAccess` in gateway.json says. */
export function docsPrefixes (settings: Pick<GatewaySettings, 'docsAccess'>): readonly PrefixAccess[] {
  return settings.docsAccess === 'staff' ? [{ prefix: '/docs', access: { roles: STAFF } }] : PLUGIN_PREFIXES
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest()

/**
 * The scrape token `metricsAccess: "token"` needs, checked at start-up before any connection opens.
 * @throws Error when `token` is chosen without a token long enough.
 */
export function metricsTokenOf (settings: Pick<GatewaySettings, 'metricsAccess'>, runtime: { metricsToken?: string }): string | undefined {
  if (settings.metricsAccess !== 'token') return undefined
  const token = runtime.metricsToken ?? ''
  if (token.length < METRICS_TOKEN_MIN_LENGTH) {
    throw new Error(`GW_METRICS_TOKEN is required (at least ${METRICS_TOKEN_MIN_LENGTH} characters) when gateway.json metricsAccess is "token"`)
  }
  return token
}

/**
 * How `/metrics` is guarded, as `metricsAccess` says: `public`, `staff` (a bearer JWT or session
 * of an admin role), `token` (`Authorization: Bearer <GW_METRICS_TOKEN>`, what a Prometheus scrape
 * config can send), or undefined for `off` (no route at all).
 * @throws Error at start-up when `token` is chosen without a token long enough.
 */
export function metricsRoute (app: FastifyInstance): {
  access: RouteAccess, onRequest?: onRequestAsyncHookHandler
} | undefined {
  const mode = app.config.settings.metricsAccess
  if (mode === 'off') return undefined
  if (mode === 'public') return { access: { public: 'Prometheus scrape (no personal data)' } }
  if (mode === 'staff') return { access: { roles: STAFF } }
  const token = metricsTokenOf(app.config.settings, app.runtime) ?? ''
  // Compared as hashes: equal lengths for timingSafeEqual, and no timing hint of the token's length.
  const expected = sha256(`Bearer ${token}`)
  return {
    access: { own: 'the scrape token (Authorization: Bearer <GW_METRICS_TOKEN>)' },
    onRequest: async (request) => {
      const given = request.headers.authorization
      if (typeof given !== 'string' || !timingSafeEqual(sha256(given), expected)) throw new GatewayError('UNAUTHORIZED', 'Authorization: Bearer <metrics token> required')
    }
  }
}
