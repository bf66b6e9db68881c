import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler, RouteOptions } from 'fastify'
import { GatewayError } from '../errors/gateway-error.js'
import type { Role } from './bearer-auth.js'
import { authenticateRequest } from './authenticate-request.js'

/**
 * What a route declares about who may call it (route option `config.access`):
 * - `{ roles }`: an authenticated caller (bearer JWT or admin session) holding one of the roles,
 *   checked in `onRequest`, before the body is read;
 * - `{ own }`: the route authenticates the caller itself (an envelope's signature, a native
 *   protocol's HMAC or token) — say how;
 * - `{ public }`: anyone — say why.
 */
export type RouteAccess = { roles: Role[] } | { own: string } | { public: string }

declare module 'fastify' {
  interface FastifyContextConfig { access?: RouteAccess }
}

/** Marks the preHandler made by requireRoles, so that it declares the route's roles too. */
export const ROLES_MARK = Symbol('yrd.roles')
type Marked = ((...args: never[]) => unknown) & { [ROLES_MARK]?: Role[] }

/** A route prefix whose routes a plugin registers (no way to set their config), with the access they get. */
export interface PrefixAccess { prefix: string, access: RouteAccess }

/** The default: the OpenAPI document and its UI are public (see `docsAccess` in gateway.json). */
export const PLUGIN_PREFIXES: readonly PrefixAccess[] = [
  { prefix: '/docs', access: { public: 'the OpenAPI document and its UI (@fastify/swagger-ui)' } }
]

/** Authenticates once per request (the principal is kept) and checks the roles. */
export function authorize (app: FastifyInstance, roles: Role[]): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const principal = request.principal ?? await authenticateRequest(app, request)
    request.principal = principal
    if (!principal.roles.some((r) => roles.includes(r))) throw new GatewayError('FORBIDDEN', `requires one of the roles: ${roles.join(', ')}`)
  }
}

function declaredRoles (route: RouteOptions): Role[] | undefined {
  const handlers = route.preHandler === undefined
    ? []
    : Array.isArray(
      route.preHandler
    )
      ? route.preHandler
      : [route.preHandler]
  return handlers.map((h) => (h as Marked)[ROLES_MARK]).find((r) => r !== undefined)
}

/** The access a route declares: its `config.access`, the roles of its requireRoles preHandler, or its plugin prefix's.
 */
export function accessOf (
  route: RouteOptions, prefixes: readonly PrefixAccess[] = PLUGIN_PREFIXES
): RouteAccess | undefined {
  const config = route.config as { access?: RouteAccess } | undefined
  if (config?.access !== undefined) return config.access
  const roles = declaredRoles(route)
  if (roles !== undefined) return { roles }
  return prefixes.find((p) => route.url === p.prefix || route.url.startsWith(`${p.prefix}/`))?.access
}

export interface AccessEntry { method: string, url: string, access: RouteAccess }

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with the access it declared (read by the route-by-route access test and /docs). */
    accessTable: AccessEntry[]
  }
}

/**
 * Installs the one access rule: every route must declare who may call it, or the gateway does
 * not start; routes declaring roles get the role check as their first `onRequest` hook (after the
 * application's own hooks, the rate limiter among them). `prefixes` gives the access of routes a
 * plugin registers. Call before any route is registered.
 */
export function installRouteAccess (app: FastifyInstance, prefixes: readonly PrefixAccess[] = PLUGIN_PREFIXES): void {
  const table: AccessEntry[] = []
  app.decorate('accessTable', table)
  app.addHook('onRoute', (route) => {
    const access = accessOf(route, prefixes)
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    if (access === undefined) {
      throw new Error(`route ${methods.join(',')} ${route.url} declares no access: give it config.access ({ roles } | { own } | { public }) or preHandler: requireRoles(app, roles)`)
    }
    for (const method of methods) table.push({ method, url: route.url, access })
    if ('roles' in access) {
      const check: onRequestAsyncHookHandler = authorize(app, access.roles)
      const existing = route.onRequest === undefined
        ? []
        : Array.isArray(
          route.onRequest
        )
          ? route.onRequest
          : [route.onRequest]
      route.onRequest = [check, ...existing]
    }
  })
}
