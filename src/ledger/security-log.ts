import type pg from 'pg'
import type { RefusalTally } from '../errors/gateway-error.js'
import { storedErrorText } from '../privacy/stored-error-text.js'

/** What the security log keeps of a rejected request: never item content, never personal data. */
export interface SecurityEvent {
  code: string
  status: number
  remote?: string | undefined
  issClaimed?: string | undefined
  jtiClaimed?: string | undefined
  digest?: string | undefined
  detail: string
  /**
   * Whether the request had proved its issuer (signature, native HMAC, SM3 MAC or token) before it
   * was refused. Only then is the refusal charged to `issClaimed` in the quality report: anyone can
   * claim to be SH, and a refusal at or before the signature check says nothing about SH.
   */
  authenticated: boolean
  /** Counts of the refused envelope's items, when it got as far as item validation. */
  tally?: RefusalTally | undefined
}

export async function recordSecurityEvent (pool: pg.Pool, e: SecurityEvent): Promise<void> {
  await pool.query(
    `INSERT INTO security_log (code, status, remote, iss_claimed, jti_claimed, digest, detail, item_count, credit_code_items, invalid_credit_codes, authenticated)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [e.code, e.status, e.remote ?? null, e.issClaimed ?? null, e.jtiClaimed ?? null, e.digest ?? null, storedErrorText(
      e.detail, 500
    ),
    e.tally?.items ?? null, e.tally?.creditCodeItems ?? null, e.tally?.invalidCreditCodes ?? null, e.authenticated])
}
