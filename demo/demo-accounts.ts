import type pg from 'pg'
import { createAccount, setPassword, type AdminRole } from '../src/auth/admin-accounts.js'

/**
 * The demo's dashboard accounts, one per role, each with a fresh one-time password (set again on
 * every demo start, so nothing is ever committed or reused). Returns lines to print.
 */
export async function demoAccounts (pool: pg.Pool): Promise<string[]> {
  const lines: string[] = []
  for (const role of ['admin', 'operator', 'auditor'] as AdminRole[]) {
    const username = `demo-${role}`
    const made = await createAccount(pool, username, [role]).catch(async () => await setPassword(pool, username))
    lines.push(`  ${role.padEnd(9)} ${username.padEnd(14)} ${made.password ?? ''}`)
  }
  return lines
}
