import type { LoggerOptions } from 'pino'
import { scrubIdNumbers } from '../identifiers/mask.js'

/** A bearer credential anywhere in a line (headers of outgoing calls, error messages). */
const BEARER = /Bearer\s+[A-Za-z0-9._~+/-]+=*/g

/**
 * pino options of the gateway: secrets redacted by path, and every finished log line passed
 * through the identity-number mask (message, bindings, nested objects, errors, interpolations
 * alike), so that no identity number is ever written in clear.
 */
export function loggerOptions (level: string): LoggerOptions {
  return {
    level,
    redact: {
      // Plain paths only: wildcard paths make the redactor walk into objects such as URL and throw.
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'authorization', 'password'],
      censor: '[redacted]'
    },
    serializers: {
      req: (req: { method: string, url: string, ip?: string }) => ({ method: req.method, url: req.url, remote: req.ip })
    },
    hooks: {
      streamWrite: (line: string) => scrubIdNumbers(line).replace(BEARER, 'Bearer [redacted]')
    }
  }
}
