import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { PlatformConfig } from '../../config/config-schema.js'
import { inboundFactory } from '../../adapters/registry.js'
import type { InboundIngest, InboundProblem, InboundRequest, NativeInbound } from '../../adapters/types.js'
import type { GatewayError } from '../errors/gateway-error.js'
import { AUTH_FAILURE_CODES, installNativeAuthLimiter } from './native-auth-limiter.js'
import { closeIfBodyUnread, csvShapeProblem, jsonShapeProblem } from './native-body-limits.js'
import { mapRecords, nativeIngest, type NativeIngest } from './native-ingest.js'
import { NativeRefusal, toNativeError } from './native-refusal.js'
import { NativeResults } from './native-results.js'
import { NonceStore } from './nonce-store.js'
import { nativeOperation } from '../openapi/native-operation.js'

/** What a native route group shares: the gateway's acceptance machinery and its stores. */
interface NativeMachinery {
  ingest: NativeIngest
  nonces: NonceStore
  results: NativeResults
}

interface NativeGroupOptions {
  platform: PlatformConfig
  inbound: NativeInbound
  machinery: NativeMachinery
}

/** A request as its adapter sees it: made once per request, the body added when it has been read. */
type RequestView = InboundRequest & { body: Buffer }

const NO_BODY = Buffer.alloc(0)

const problemOf = (err: GatewayError): InboundProblem => ({
  code: err.code,
  status: err.status,
  message: err.message,
  nativeCode: err instanceof NativeRefusal ? err.nativeCode : undefined,
  errors: err.errors
})

/**
 * One platform's native routes in their own encapsulated context: the adapter's raw-body parsers
 * and body limit, the failed-authentication limiter in front, and an error handler that writes
 * the security log and answers in the adapter's format.
 */
const nativeGroup: FastifyPluginAsyncTypebox<NativeGroupOptions> = async (app, opts) => {
  const { inbound, machinery } = opts
  const { ingest, nonces, results } = machinery
  const platform = opts.platform.id
  const bodyLimit = Math.min(app.config.settings.bodyLimitBytes, inbound.body.limit)
  const authFailures = inbound.authFailureCodes ?? AUTH_FAILURE_CODES
  const unlogged = inbound.unlogged ?? new Set<string>()
  const messageIds = new WeakMap<FastifyRequest, string>()
  const blockedRepeat = new WeakSet<FastifyRequest>()
  const views = new WeakMap<FastifyRequest, RequestView>()
  const ingests = new WeakMap<FastifyRequest, InboundIngest>()

  const viewOf = (request: FastifyRequest): RequestView => {
    let view = views.get(request)
    if (view === undefined) {
      const params: Record<string, string> = {}
      const given: unknown = request.params
      if (typeof given === 'object' && given !== null) {
        for (const [k, v] of Object.entries(given)) if (typeof v === 'string') params[k] = v
      }
      view = { method: request.method, url: request.url, headers: request.headers, params, body: NO_BODY }
      views.set(request, view)
    }
    return view
  }

  const ingestOf = (request: FastifyRequest): InboundIngest => {
    let bound = ingests.get(request)
    if (bound === undefined) {
      bound = {
        messageId: (id) => {
          messageIds.set(request, id)
          ingest.claim(request, platform, undefined, id)
        },
        authenticated: () => { ingest.authenticated(request) },
        accept: async (m) => {
          const body = viewOf(request).body
          const result = await ingest.accept(request, { ...m, platform, adapter: opts.platform.adapter, body })
          return { duplicate: result.status === 200, items: result.items, receipt: result.body.receipt }
        },
        problemOf: (err) => problemOf(toNativeError(err)),
        refused: async (err) => { await ingest.refused(request, toNativeError(err)) },
        mapRecords,
        jsonShapeProblem,
        csvShapeProblem,
        claimNonce: async (nonce, ttlSeconds) => await nonces.claim(platform, nonce, ttlSeconds),
        rememberResult: async (id, result, ttlSeconds) => { await results.remember(platform, id, result, ttlSeconds) },
        findResult: async (id) => await results.find(platform, id),
        findAccepted: async (msgId) => await results.accepted(platform, msgId)
      }
      ingests.set(request, bound)
    }
    return bound
  }

  app.removeAllContentTypeParsers()
  for (const type of inbound.body.types) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit }, (_req, body, done) => { done(null, body) })
  }
  // An address that failed to authenticate too often this minute is refused before anything else.
  const limiter = installNativeAuthLimiter(app, platform,
    (max) => new NativeRefusal('RATE_LIMITED', inbound.rateLimitedCode,
      `too many failed authentications from this address: at most ${max} a minute`),
    (request, first) => { if (!first) blockedRepeat.add(request) })
  app.setErrorHandler(async (error, request, reply) => {
    const err = toNativeError(error)
    if (authFailures.has(err.code)) await limiter.failed(platform, request.ip)
    if (err.status >= 500) request.log.error({ err: error, platform, code: err.code }, 'native request failed')
    else request.log.info({ err, platform, code: err.code }, 'native request refused')
    ingest.claim(request, platform)
    // A rate-limited request writes nothing (the limit is there to stop the flood, security log
    // included), or, where the adapter asks, one line per blocked window.
    const logged = inbound.logFirstBlocked === true ? !blockedRepeat.has(request) : err.code !== 'RATE_LIMITED'
    if (logged && !unlogged.has(err.code)) await ingest.refused(request, err)
    if (inbound.closeUnreadBody === true) closeIfBodyUnread(request, reply)
    const answer = inbound.refusal(problemOf(err), messageIds.get(request))
    return await reply.code(answer.status).type(answer.type).send(answer.body)
  })

  // The refusal's media type is the adapter's one format, answers and refusals alike.
  const answerType = inbound.refusal({ code: 'BAD_REQUEST', status: 400, message: '' }, undefined).type
  for (const route of inbound.routes) {
    const readsBody = route.method === 'POST'
    app.route<{ Body: Buffer | undefined }>({
      method: route.method,
      url: `/v1/native/${platform}${route.path}`,
      ...(readsBody ? { bodyLimit } : {}),
      config: {
        access: { own: route.access },
        openapi: nativeOperation(opts.platform.adapter, readsBody ? route.consumes : undefined, answerType)
      },
      onRequest: async (request) => {
        ingest.claim(request, platform)
        route.onHeaders?.(viewOf(request), ingestOf(request))
      },
      schema: {
        summary: route.summary,
        ...(route.description === undefined ? {} : { description: route.description }),
        tags: ['native'],
        ...(route.consumes === undefined ? {} : { consumes: [...route.consumes] })
      },
      handler: async (request, reply) => {
        const view = viewOf(request)
        if (readsBody) {
          view.body = request.body ?? NO_BODY
          ingest.claim(request, platform, view.body)
        }
        const answer = await route.handle(view, ingestOf(request))
        return await reply.code(answer.status).type(answer.type).send(answer.body)
      }
    })
  }
}

/**
 * Native publication: a platform that speaks its own protocol publishes through the same
 * interface its adapter speaks, under `/v1/native/<ID>/…`. Routes exist only for enabled
 * platforms whose configured adapter declares an inbound side (adapters/registry.ts), each in its
 * own encapsulated context, with the secrets its adapter was built with.
 */
export const nativeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const machinery: NativeMachinery = {
    ingest: nativeIngest(app),
    nonces: new NonceStore(app.redis, app.runtime.redisPrefix, app.log),
    results: new NativeResults(app.redis, app.pg, app.runtime.redisPrefix, app.log)
  }
  for (const p of app.config.platforms) {
    if (!p.enabled) continue
    const factory = inboundFactory(p.adapter)
    if (factory === undefined) continue
    const secrets = app.delivery.secrets.get(p.id) ?? {}
    const inbound = factory({ platform: p, secrets, maxBodyBytes: app.config.settings.bodyLimitBytes })
    await app.register(nativeGroup, { platform: p, inbound, machinery })
  }
}
