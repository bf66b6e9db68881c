import type pg from 'pg'

/** One admin action (resend, heal, approve, login, export…): who did what to what. */
export interface AdminAction {
  principal: string
  action: string
  target: string
  detail?: Record<string, unknown> | null
}

/**
 * Appends an admin action to `admin_actions`. The table's trigger (migration 008) chains the row
 * under a lock (seq, prev_hash, hash) and refuses any later UPDATE or DELETE; give the client of
 * the transaction the action belongs to, so the record commits or rolls back with it.
 */
export async function recordAdminAction (client: pg.Pool | pg.PoolClient, a: AdminAction): Promise<void> {
  await client.query('INSERT INTO admin_actions (principal, action, target, detail) VALUES ($1, $2, $3, $4)',
    [a.principal, a.action, a.target, a.detail ?? null])
}
