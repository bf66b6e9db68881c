import fp from 'fastify-plugin'
import { REQUEST_ID_HEADER } from './request-id.js'
import { formatTraceparent, parseTraceparent } from '../tracing/traceparent.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's W3C `traceparent`, when valid (normalised to version 00); carried to deliveries. */
    traceparent: string | null
  }
}

/**
 * Per request, before anything else answers: the request id (see requestIdOf) echoed in
 * `X-Request-Id`, and the caller's `traceparent` read; its trace id joins the request's log
 * bindings (the request id is there already, as `reqId`), so every log line of the request carries both.
 */
export const requestContextPlugin = fp(async (app) => {
  app.decorateRequest('traceparent', null)
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id)
    const parent = parseTraceparent(request.headers.traceparent)
    if (parent !== undefined) {
      request.traceparent = formatTraceparent(parent)
      request.log = request.log.child({ traceId: parent.traceId })
      // Fastify writes "request completed" with the reply's logger: the same child.
      reply.log = request.log
    }
  })
}, { name: 'gw-request-context' })
