import type { FastifyError, FastifyInstance } from 'fastify'
import { GatewayError, isGatewayError } from './gateway-error.js'
import { toProblem } from './problem.js'

/** Maps Fastify's own errors (content type, body size, schema) onto the gateway's codes. */
export function toGatewayError (err: unknown): GatewayError {
  if (isGatewayError(err)) return err
  const fe = err as Partial<FastifyError>
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GatewayError('UNSUPPORTED_MEDIA_TYPE', 'use application/jose (compact) or application/jose+json (flattened)', { cause: err })
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new GatewayError('BAD_REQUEST', 'content-length does not match the body', { cause: err })
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GatewayError('PAYLOAD_TOO_LARGE', 'body exceeds the size limit', { cause: err })
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new GatewayError('BAD_REQUEST', 'body is not valid JSON', { cause: err })
    case 'FST_ERR_VALIDATION':
      return new GatewayError('BAD_REQUEST', fe.message ?? 'request invalid', { cause: err })
    case 'FST_ERR_RATE_LIMIT':
      return new GatewayError('RATE_LIMITED', 'too many requests', { cause: err })
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new GatewayError(fe.statusCode === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', fe.message ?? 'bad request', { cause: err })
  }
  return new GatewayError('INTERNAL', 'internal error', { cause: err })
}

/** The one error handler: every error leaves as application/problem+json with a stable code. */
export function installErrorHandler (app: FastifyInstance): void {
  app.setErrorHandler(async (err, request, reply) => {
    const gwErr = toGatewayError(err)
    if (gwErr.status >= 500) request.log.error({ err, code: gwErr.code }, 'request failed')
    else request.log.info({ err: gwErr, code: gwErr.code }, 'request refused')
    return await reply.code(gwErr.status).type('application/problem+json').send(toProblem(gwErr, request.url, request.id))
  })
  app.setNotFoundHandler(async (request, reply) => {
    const e = new GatewayError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`)
    return await reply.code(404).type('application/problem+json').send(toProblem(e, undefined, request.id))
  })
}
