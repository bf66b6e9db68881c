import type pg from 'pg'
import type { CheckOutcomeNameV1, CheckRecordV1 } from '../../contracts/check-v1.js'
import { isKeyedDigest } from '../privacy/subject-digests.js'

/** An entry a check looked at, as stored. */
export interface ConsultedEntry {
  owner: string,
  entryId: string,
  version: number,
  status: string,
  listType: string,
  /** Roles of the checked subject,
  for an entry found through one (落实到人). */ roles?: string[]
}

/**
 * The entries a stored check looked at, whatever its mode: the subject's own, then those found
 * through a role it holds (落实到人), in the order the receipt names them.
 */
export function consultedEntries (r: Pick<CheckRow, 'answered' | 'consulted'>): ConsultedEntry[] {
  return r.consulted ?? [...(r.answered.entries ?? []), ...(r.answered.asResponsiblePerson?.entries ?? [])]
}

/** A stored check row. */
export interface CheckRow {
  id: string
  at: Date
  principal: string
  role: string
  platform: string
  department: string | null
  purpose: string
  decision_type: string
  subject_kind: string
  subject_masked: string
  subject_hash: string
  answered: {
    entries?: ConsultedEntry[]
    /** Absent in checks stored before responsible persons were answered (migration 013); no entries in verification
     * mode. */
    asResponsiblePerson?: { entries?: Array<ConsultedEntry & { roles: string[] }> }
  }
  mode: 'full' | 'verification'
  /** Verification mode: the entries looked at, the subject's own and those found through a role (internal; the receipt
   * names none). */
  consulted: ConsultedEntry[] | null
  answer_digest: string
  receipt: string
  outcome: CheckOutcomeNameV1 | null
  outcome_at: Date | null
  outcome_note: string | null
  outcome_notices: Array<{ platform: string, jti: string }> | null
}

/** One check by id (`FOR UPDATE` when about to record its outcome), or undefined. */
export async function readCheck (
  db: pg.Pool | pg.PoolClient, id: string, forUpdate = false
): Promise<CheckRow | undefined> {
  const { rows } = await db.query<CheckRow>(`SELECT * FROM checks WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id])
  return rows[0]
}

/**
 * A check as `GET /v1/checks/{id}` shows it to `reader`. The subject's digest stays inside the
 * gateway. A check stored before digests were keyed has, in its signed (so unchangeable) receipt,
 * an unkeyed SHA-256 of the identifier beside the masked one: that receipt goes back only to the
 * principal that checked, who was handed it then.
 */
export function checkRecord (r: CheckRow, reader: string): CheckRecordV1 {
  return {
    checkId: r.id,
    checkedAt: r.at.toISOString(),
    asker: { principal: r.principal, role: r.role, platform: r.platform, department: r.department },
    purpose: r.purpose,
    decisionType: r.decision_type,
    subject: { masked: r.subject_masked, kind: r.subject_kind },
    mode: r.mode,
    answered: r.answered,
    receipt: isKeyedDigest(r.subject_hash) || reader === r.principal ? r.receipt : null,
    outcome: r.outcome === null
      ? null
      : {
          outcome: r.outcome,
          reportedAt: (r.outcome_at as Date).toISOString(),
          note: r.outcome_note,
          notices: r.outcome_notices ?? []
        }
  }
}
