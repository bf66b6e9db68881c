import { canonicalJson } from '../canonical/canonical-json.js'
import { hasherOf, type ProofHash } from '../canonical/proof-hash.js'

/**
 * One change of one entry, as a leaf of its list's log. Every field is what the gateway
 * recorded (`entry_history`): a platform recomputes the leaf from the item it published or
 * received plus the jti and the receipt's time.
 */
export interface ChangeLeaf {
  /**
   * Leaf format version. 2: dataHash is salted (every change recorded since migration 012);
   * 1: unsalted (changes recorded before, already logged and signed, kept as they were).
   */
  v: 1 | 2
  owner: string
  listCode: string
  entryId: string
  version: number
  /** `upsert` or `remove`. */
  action: string
  /** `active` or `removed` (the entry's status after the change). */
  status: string
  /**
   * base64url (no padding) of the log's hash (SHA-256 or SM3) over canonicalJson(item), the item
   * exactly as published; in v2 over salt || canonicalJson(item). The salt keeps whoever reads the
   * leaf (it is served, and its hash is a sibling in audit paths) from testing guesses of withheld
   * fields, such as an identity number whose mask it knows. It follows the log's hash because the
   * leaf commits to the content through it: an SM3 log holds no SHA-256.
   */
  dataHash: string
  /** The envelope that carried the change. */
  jti: string
  /** When the ledger recorded it: ISO 8601 UTC with milliseconds, e.g. 2026-11-23T08:00:00.000Z. */
  recordedAt: string
}

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url')

/** dataHash of a published item: v1 without a salt, v2 with the row's salt (32 bytes); `alg` the log's hash. */
export function dataHashOf (item: unknown, salt?: Uint8Array | null, alg: ProofHash = 'SHA-256'): string {
  const h = hasherOf(alg)
  if (salt !== undefined && salt !== null) h.update(salt)
  return b64u(h.update(canonicalJson(item), 'utf8').digest())
}

/** The leaf's canonical bytes: UTF-8 of canonicalJson(leaf). Its tree hash is H(0x00 || these bytes), H the log's. */
export const leafBytes = (leaf: ChangeLeaf): Buffer => Buffer.from(canonicalJson(leaf), 'utf8')

/** A history row as the ledger holds it. */
export interface HistoryRow {
  owner: string
  list_code: string
  entry_id: string
  version: number
  action: string
  status: string
  jti: string
  data: unknown
  recorded_at: Date
  /** NULL for rows recorded before migration 012 (v1 leaves); never part of the leaf. */
  salt: Buffer | null
  /**
   * The dataHash the row's leaf committed to, kept when the row's personal fields were erased
   * (国办发〔2020〕49号 (十一), src/privacy/erase-personal-data.ts): `data` no longer hashes to it.
   */
  leaf_data_hash?: string | null
}

/** The leaf of a history row in a log hashing with `alg` (its dataHash is `alg`'s, unless one was kept at erasure). */
export function leafOfHistory (row: HistoryRow, alg: ProofHash = 'SHA-256'): ChangeLeaf {
  return {
    v: row.salt === null ? 1 : 2,
    owner: row.owner,
    listCode: row.list_code,
    entryId: row.entry_id,
    version: row.version,
    action: row.action,
    status: row.status,
    dataHash: row.leaf_data_hash ?? dataHashOf(row.data, row.salt, alg),
    jti: row.jti,
    recordedAt: row.recorded_at.toISOString()
  }
}
