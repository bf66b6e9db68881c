import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** The header a request id is taken from and echoed in. */
export const REQUEST_ID_HEADER = 'x-request-id'

// Bounded and made of characters that are safe in a log line, a header and a JSON string (UUIDs, ULIDs,
// W3C trace ids, `Root=1-…` ids): anything else is replaced, never trusted into the logs.
const SAFE_ID = /^[A-Za-z0-9._:=+/@-]{1,128}$/

/**
 * Fastify's `genReqId`: the caller's `X-Request-Id` when it is one value, at most 128 characters
 * of [A-Za-z0-9._:=+/@-]; otherwise a new UUID. (Fastify's own `requestIdHeader` takes the header
 * as it comes, whatever its length or content, so the gateway reads it here instead.)
 */
export function requestIdOf (req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER]
  return typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID()
}
