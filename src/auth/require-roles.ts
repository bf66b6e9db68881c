import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify'
import type { Principal, Role } from './bearer-auth.js'
import { ROLES_MARK, authorize } from './route-access.js'

declare module 'fastify' {
  interface FastifyRequest { principal: Principal | null }
}

/**
 * A preHandler admitting only callers holding one of `roles`; the principal lands on the request.
 * It also declares the route's roles (see route-access.ts): the check then already runs in
 * `onRequest`, and this handler finds the principal there and only checks the roles again.
 */
export function requireRoles (app: FastifyInstance, roles: Role[]): preHandlerAsyncHookHandler {
  const handler = authorize(app, roles) as preHandlerAsyncHookHandler & { [ROLES_MARK]?: Role[] }
  handler[ROLES_MARK] = roles
  return handler
}
