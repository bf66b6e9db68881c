import type pg from 'pg'

/** What the security log keeps of a rejected request: never item content, never personal data. */
export interface SecurityEvent {
  code: string
  status: number
  remote?: string | undefined
  issClaimed?: string | undefined
  jtiClaimed?: string | undefined
  digest?: string | undefined
  detail: string
}

export async function recordSecurityEvent (pool: pg.Pool, e: SecurityEvent): Promise<void> {
  await pool.query(
    `INSERT INTO security_log (code, status, remote, iss_claimed, jti_claimed, digest, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [e.code, e.status, e.remote ?? null, e.issClaimed ?? null, e.jtiClaimed ?? null, e.digest ?? null, e.detail.slice(0, 500)])
}
