import { randomBytes } from 'node:crypto'
import type { onRequestAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import { GatewayError } from '../errors/gateway-error.js'
import { sharedRateStore } from './shared-rate-store.js'

/**
 * Security headers (helmet, with a strict Content-Security-Policy: scripts, styles, images and
 * connections from the gateway itself only, no inline script or style, no framing), the signed
 * session cookie, and rate limiting per client address (every request; login has its own, lower
 * limit on top, see session-routes.ts). Counters are shared through Redis, so every gateway
 * process counts against one limit; while Redis is away each counts on its own (shared-rate-store.ts).
 * The client address is the peer's, or X-Forwarded-For's as far as settings.trustProxy trusts it.
 * Register before any route.
 */
export const securityPlugin = fp(async (app) => {
  const rt = app.runtime
  if (rt.sessionSecret === undefined && rt.production) throw new Error('GW_SESSION_SECRET is required in production (at least 32 characters)')
  if (rt.sessionSecret !== undefined && rt.sessionSecret.length < 32) throw new Error('GW_SESSION_SECRET must have at least 32 characters')
  // Outside production a random secret per process: sessions end when the gateway restarts.
  await app.register(cookie, { secret: rt.sessionSecret ?? randomBytes(32).toString('base64url') })
  app.decorateRequest('adminSession', null)

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"]
      }
    },
    referrerPolicy: { policy: 'no-referrer' }
  })

  await app.register(rateLimit, {
    global: false,
    max: app.config.settings.apiRateLimitPerMinute,
    timeWindow: 60_000,
    store: sharedRateStore(app.redis, `${rt.redisPrefix}:rate:`),
    errorResponseBuilder: (_request, ctx) => new GatewayError('RATE_LIMITED', `too many requests: at most ${ctx.max} a minute, retry in ${ctx.after}`)
  })
  // An application-level hook runs before every route's own onRequest hooks, the role check and a
  // native route's early authentication among them: a request that fails to authenticate is counted
  // too (the plugin's per-route hooks would run after them, and never see such a request).
  app.addHook('onRequest', app.rateLimit() as unknown as onRequestAsyncHookHandler)
}, { name: 'gw-security', dependencies: ['gw-context', 'gw-redis'] })
