import { Type } from '@sinclair/typebox'
import { GatewayError } from '../errors/gateway-error.js'

/**
 * A whole number in a query string. Query values arrive as text and the gateway validates without
 * type coercion (a body's `"1"` is not `1`), so numeric query parameters are declared as digit
 * strings and read with {@link readQueryInt}.
 */
export const QueryInt = (min: number, max: number, description: string) =>
  Type.String({ pattern: '^\\d{1,9}$', description: `${description} (${min} to ${max})` })

/** Reads a QueryInt: the default when absent, BAD_REQUEST when out of range. */
export function readQueryInt (
  value: string | undefined, name: string, min: number, max: number, fallback: number
): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (n < min || n > max) throw new GatewayError('BAD_REQUEST', `${name} must be from ${min} to ${max}`)
  return n
}
