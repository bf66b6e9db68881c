import type { FastifyReply } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { LoginV1, SessionV1, type SessionV1 as Session } from '../../contracts/admin-v1.js'
import { ProblemV1 } from '../../contracts/problem-v1.js'
import { recordAdminAction } from '../audit/admin-action-log.js'
import { GatewayError } from '../errors/gateway-error.js'
import { checkLogin } from './admin-accounts.js'
import { SESSION_COOKIE, createSession, deleteSession } from './admin-sessions.js'
import { sessionIdOf } from './authenticate-request.js'

const ADMIN_ROLES = ['admin', 'operator', 'auditor'] as const

/**
 * The dashboard's login: `POST /v1/admin/session` checks a local account's password (scrypt) and
 * sets the signed session cookie (HttpOnly, SameSite=Strict, Secure in production);
 * `GET` says who is logged in and hands the CSRF token to the page; `DELETE` logs out. Logins,
 * failed logins and logouts are admin actions (hash-chained).
 */
export const sessionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const s = app.config.settings
  const setCookie = (reply: FastifyReply, value: string, maxAgeSeconds: number): void => {
    reply.setCookie(SESSION_COOKIE, value, { signed: value !== '', httpOnly: true, sameSite: 'strict', secure: app.runtime.production, path: '/', maxAge: maxAgeSeconds })
  }

  // Logins have their own, lower limit on top of the one every request counts against (security-plugin.ts).
  const loginLimit = app.createRateLimit({ max: s.loginRateLimitPerMinute, timeWindow: 60_000 })
  app.post('/v1/admin/session', {
    config: { access: { public: 'the login itself (rate limited per address)' } },
    onRequest: async (request, reply) => {
      const limit = await loginLimit(request)
      if (limit.isAllowed || !limit.isExceeded) return
      reply.header('retry-after', limit.ttlInSeconds)
      throw new GatewayError('RATE_LIMITED', `too many logins: at most ${limit.max} a minute, retry in ${limit.ttlInSeconds} s`)
    },
    schema: {
      summary: 'Log in with a local admin account (sets the session cookie)',
      tags: ['admin'],
      body: LoginV1,
      response: { 200: SessionV1, 400: ProblemV1, 401: ProblemV1, 429: ProblemV1 }
    }
  }, async (request, reply): Promise<Session> => {
    const { username, password } = request.body
    const account = await checkLogin(app.pg, username, password)
    if (account === undefined) {
      await recordAdminAction(app.pg, { principal: 'anonymous', action: 'login.failed', target: `local:${username.slice(0, 64)}`, detail: { remote: request.ip } })
      throw new GatewayError('UNAUTHORIZED', 'username or password wrong, or the account disabled')
    }
    const session = await createSession(app.pg, account.username, s.sessionMaxHours)
    await recordAdminAction(app.pg, { principal: `local:${account.username}`, action: 'login', target: `local:${account.username}`, detail: { remote: request.ip } })
    setCookie(reply, session.id, s.sessionMaxHours * 3600)
    return { principal: `local:${account.username}`, roles: account.roles, via: 'session', csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() }
  })

  app.get('/v1/admin/session', {
    config: { access: { roles: [...ADMIN_ROLES] } },
    schema: {
      summary: 'Who is logged in, with the CSRF token for state changes',
      tags: ['admin'],
      response: { 200: SessionV1, 401: ProblemV1, 403: ProblemV1 }
    }
  }, async (request): Promise<Session> => {
    const p = request.principal
    if (p === null) throw new GatewayError('UNAUTHORIZED', 'not authenticated')
    const session = request.adminSession
    return {
      principal: p.id,
      roles: p.roles,
      via: session === null ? 'bearer' : 'session',
      csrfToken: session?.csrfToken ?? null,
      expiresAt: session?.expiresAt.toISOString() ?? null
    }
  })

  app.delete('/v1/admin/session', {
    config: { access: { roles: [...ADMIN_ROLES] } },
    schema: {
      summary: 'Log out (ends the session, clears the cookie)',
      tags: ['admin'],
      response: { 204: { type: 'null' }, 401: ProblemV1, 403: ProblemV1 }
    }
  }, async (request, reply) => {
    const id = sessionIdOf(request)
    if (id !== undefined) await deleteSession(app.pg, id)
    if (request.principal !== null) await recordAdminAction(app.pg, { principal: request.principal.id, action: 'logout', target: request.principal.id })
    setCookie(reply, '', 0)
    return await reply.code(204).send()
  })
}
