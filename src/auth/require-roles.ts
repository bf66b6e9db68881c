import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import { GatewayError } from '../errors/gateway-error.js'
import { authenticate, type Principal, type Role } from './bearer-auth.js'

declare module 'fastify' {
  interface FastifyRequest { principal: Principal | null }
}

/** A preHandler admitting only callers holding one of `roles`; the principal lands on the request. */
export function requireRoles (app: FastifyInstance, roles: Role[]): preHandlerAsyncHookHandler {
  return async (request: FastifyRequest) => {
    const s = app.config.settings
    const principal = await authenticate(request, app.keyDirectory, s.readTokenMaxLifetimeSeconds, s.clockSkewSeconds)
    if (!principal.roles.some((r) => roles.includes(r))) throw new GatewayError('FORBIDDEN', `requires one of the roles: ${roles.join(', ')}`)
    request.principal = principal
  }
}
