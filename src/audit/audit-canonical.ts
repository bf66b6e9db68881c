import { createHash } from 'node:crypto'

/** The hash before the first row of a chain. */
export const GENESIS_HASH = '0'.repeat(64)

/** The chained tables and their fields, in the order the canonical encoding takes them. */
export const CHAINS = {
  query_log: ['principal', 'role', 'route', 'subject_masked', 'subject_hash', 'purpose', 'result_count'],
  admin_actions: ['principal', 'action', 'target', 'detail']
} as const

export type ChainTable = keyof typeof CHAINS

const field = (v: string | null): string => v === null ? '-;' : `${Buffer.byteLength(v, 'utf8')}:${v};`

/**
 * The canonical encoding of a chained row, as migration 008's `audit_canonical` builds it:
 * `<octets>:<value>;` per field (`-;` for NULL) — seq, the time to the millisecond in ISO 8601
 * UTC, then the table's fields as text (jsonb as PostgreSQL's normalised text).
 */
export function canonicalRow (seq: string, at: Date, values: ReadonlyArray<string | null>): string {
  return field(seq) + field(at.toISOString()) + values.map(field).join('')
}

/** SHA-256 (hex) over the previous row's hash and this row's canonical encoding. */
export function chainHash (prevHash: string, canonical: string): string {
  return createHash('sha256').update(prevHash + canonical, 'utf8').digest('hex')
}
