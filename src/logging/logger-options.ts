import type { LoggerOptions } from 'pino'
import { scrubIdNumbers } from '../identifiers/mask.js'

/** Masks anything shaped like an identity number in a log object, however deep (last line of defence). */
function scrub (value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubIdNumbers(value)
  if (depth > 6 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1))
  if (value instanceof Error) return { type: value.name, message: scrubIdNumbers(value.message) }
  // Anything but a plain object (a request, a response) is left to its serializer.
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = scrub(v, depth + 1)
  return out
}

/**
 * pino options of the gateway: secrets redacted by path, identity numbers masked wherever they
 * appear (including the message), so that none is ever written in clear.
 */
export function loggerOptions (level: string): LoggerOptions {
  return {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', '*.idNumber', '*.*.idNumber', 'password', '*.password'],
      censor: '[redacted]'
    },
    serializers: {
      req: (req: { method: string, url: string, ip?: string }) => ({ method: req.method, url: scrubIdNumbers(req.url), remote: req.ip })
    },
    formatters: {
      log: (obj) => scrub(obj) as Record<string, unknown>
    },
    hooks: {
      logMethod (args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? scrubIdNumbers(a) : a)) as Parameters<typeof method>)
      }
    }
  }
}
