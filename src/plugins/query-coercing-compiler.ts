import { AjvCompiler } from '@fastify/ajv-compiler'
import type { FastifySchemaCompiler } from 'fastify'

/**
 * Fastify's own Ajv compiler (its defaults and formats), once per kind of request part. A query
 * string is text, so its values are coerced to the types their schemas declare (`?limit=5` is the
 * integer 5); a body, params and headers are validated as sent (a body's `"1"` is not `1`).
 * Neither removes properties a schema does not declare: where a schema forbids them, they are refused.
 */
export function queryCoercingCompiler (): FastifySchemaCompiler<unknown> {
  const build = AjvCompiler()
  const query = build({}, { customOptions: { removeAdditional: false, coerceTypes: true } })
  const asSent = build({}, { customOptions: { removeAdditional: false, coerceTypes: false } })
  return (route) => (route.httpPart === 'querystring' ? query : asSent)(route)
}
