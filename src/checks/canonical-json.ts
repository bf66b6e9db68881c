import { createHash } from 'node:crypto'

/**
 * JSON with object keys sorted (by UTF-16 code units) and no whitespace: the same value gives the
 * same text whatever order its keys were built or parsed in, so a caller can recompute a digest
 * from an answer it parsed. Values are JSON values (no undefined inside arrays, no NaN).
 */
export function canonicalJson (value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

/** SHA-256 (base64url) of the canonical JSON of `value`. */
export const canonicalDigest = (value: unknown): string => createHash('sha256').update(canonicalJson(value)).digest('base64url')
