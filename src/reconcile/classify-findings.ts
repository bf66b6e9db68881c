import type pg from 'pg'
import { FINDING_KINDS, type FindingCauseV1, type FindingKindV1, type FindingV1 } from '../../contracts/reconcile-v1.js'
import { maskIdNumber } from '../identifiers/mask.js'
import { isShieldedRemoval } from '../privacy/personal-fields.js'
import type { Difference } from './compare-elements.js'

interface OwnerRow {
  entry_id: string
  version: number
  status: string
  list_code: string
  subject_type: string
  subject_id: string
  last_jti: string
  removal_reason: string | null
  delivery_status: string | null
  confirmed: number | null
}

function kindOf (d: Difference, row: OwnerRow | undefined, listCode: string): FindingKindV1 {
  const { own, replica } = d
  if (own === undefined) return row !== undefined && row.status === 'removed' && row.list_code === listCode ? 'extra-removed' : 'extra-unknown'
  if (replica === undefined) return 'missing'
  if (replica.version < own.version) return 'stale'
  if (replica.version > own.version || replica.contentHash !== own.contentHash) return 'content-mismatch'
  return 'suspension-mismatch'
}

/**
 * Why a replica holds what it holds, from the ledger's evidence: the delivery of the owner's
 * current version to this platform (dead, still pending, never made) and what the platform
 * confirmed (it confirmed the version yet holds something else: edited or lost at the replica).
 */
function causeOf (kind: FindingKindV1, owned: OwnerRow | undefined): FindingCauseV1 {
  if (kind === 'extra-unknown') return owned === undefined ? 'edited-at-replica' : 'unknown'
  if (owned === undefined) return 'unknown'
  // A partial delivery is delivered for the items the replica confirmed and dead for those it refused.
  const applied = owned.confirmed !== null && owned.confirmed >= owned.version
  const row = owned.delivery_status === 'partial' ? { ...owned, delivery_status: applied ? 'delivered' : 'dead' } : owned
  if (kind === 'content-mismatch' || kind === 'suspension-mismatch') {
    return row.confirmed !== null && row.confirmed >= row.version ? 'edited-at-replica' : row.delivery_status === 'dead' ? 'delivery-dead' : 'edited-at-replica'
  }
  if (row.delivery_status === 'dead') return 'delivery-dead'
  if (row.delivery_status === null) return 'never-delivered'
  if (row.delivery_status !== 'delivered') return 'delivery-pending'
  return row.confirmed !== null && row.confirmed >= row.version ? 'delivered-then-lost' : 'unknown'
}

// An entry removed by repair, expiry or revocation is shielded (国办发〔2020〕49号 (十一)): a finding
// about it names no person, not even masked (its subject_id may be a keyed digest by now).
function maskSubject (row: OwnerRow | undefined): string | null {
  if (row === undefined) return null
  if (row.subject_type !== 'person') return row.subject_id
  return row.status === 'removed' && isShieldedRemoval(row.removal_reason) ? null : maskIdNumber(row.subject_id)
}

/** Turns differences into findings (most harmful kind first), with the ledger's evidence of cause. */
export async function classifyFindings (
  db: pg.Pool | pg.PoolClient, owner: string, listCode: string, platform: string, differences: Difference[]
): Promise<FindingV1[]> {
  const rows = new Map<string, OwnerRow>()
  const ids = differences.map((d) => d.entryId)
  for (let i = 0; i < ids.length; i += 5000) {
    const { rows: found } = await db.query<OwnerRow>(`
      SELECT e.entry_id, e.version, e.status, e.list_code, e.subject_type, e.subject_id, e.last_jti, e.removal->>'reason' AS removal_reason,
             d.status AS delivery_status, rv.version AS confirmed
      FROM entries e
      LEFT JOIN deliveries d ON d.iss = e.last_iss AND d.jti = e.last_jti AND d.destination = $3
      LEFT JOIN replica_versions rv ON rv.destination = $3 AND rv.owner = e.owner AND rv.entry_id = e.entry_id
      WHERE e.owner = $1 AND e.entry_id = ANY($2::text[])`, [owner, ids.slice(i, i + 5000), platform])
    for (const r of found) rows.set(r.entry_id, r)
  }
  const findings = differences.map((d): FindingV1 => {
    const row = rows.get(d.entryId)
    const kind = kindOf(d, row, listCode)
    const ownVersion = d.own?.version ?? (kind === 'extra-removed' ? row?.version ?? null : null)
    return {
      kind,
      entryId: d.entryId,
      ownerVersion: ownVersion,
      ownerStatus: d.own?.status ?? (kind === 'extra-removed' ? 'removed' : null),
      replicaVersion: d.replica?.version ?? null,
      replicaStatus: d.replica?.status ?? null,
      cause: causeOf(kind, row),
      detail: kind === 'extra-unknown' && row !== undefined ? `the owner holds this entry in list ${row.list_code}` : null,
      subject: maskSubject(row)
    }
  })
  const rank = (k: FindingKindV1): number => FINDING_KINDS.indexOf(k)
  return findings.sort(
    (a, b) => rank(a.kind) - rank(b.kind) || (a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0)
  )
}
