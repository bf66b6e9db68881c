import type { FastifyInstance, FastifyRequest } from 'fastify'
import { GatewayError } from '../errors/gateway-error.js'
import { authenticate, type Principal } from './bearer-auth.js'
import { CSRF_HEADER, SESSION_COOKIE, csrfMatches, findSession, type AdminSession } from './admin-sessions.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The admin session when the caller came with the session cookie (not a bearer token). */
    adminSession: (AdminSession & { id: string }) | null
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The session id from the signed cookie, or undefined (absent, or its signature does not verify). */
export function sessionIdOf (request: FastifyRequest): string | undefined {
  const raw = request.cookies[SESSION_COOKIE]
  if (raw === undefined || raw === '') return undefined
  const { valid, value } = request.unsignCookie(raw)
  return valid && value !== null ? value : undefined
}

/**
 * Who is calling: a bearer JWT (platform or admin issuer key) when `Authorization` is given,
 * otherwise the admin session cookie. A cookie-authenticated request that changes state must
 * carry the session's CSRF token in `X-CSRF-Token` (the cookie alone is sent by any page the
 * browser visits; the token only by the dashboard, which read it from the session).
 */
export async function authenticateRequest (app: FastifyInstance, request: FastifyRequest): Promise<Principal> {
  const s = app.config.settings
  if (request.headers.authorization !== undefined) {
    return await authenticate(request, app.keyDirectory, s.readTokenMaxLifetimeSeconds, s.clockSkewSeconds)
  }
  const id = sessionIdOf(request)
  if (id === undefined) throw new GatewayError('UNAUTHORIZED', 'Authorization: Bearer <JWT> or an admin session required')
  const session = await findSession(app.pg, id, s.sessionIdleMinutes)
  if (session === undefined) throw new GatewayError('UNAUTHORIZED', 'session expired or unknown: log in again')
  if (!SAFE_METHODS.has(request.method) && !csrfMatches(session.csrfToken, request.headers[CSRF_HEADER])) {
    throw new GatewayError('FORBIDDEN', 'X-CSRF-Token missing or wrong (cookie sessions must send the session\'s CSRF token)')
  }
  request.adminSession = { ...session, id }
  return { id: `local:${session.username}`, platform: undefined, roles: session.roles }
}
