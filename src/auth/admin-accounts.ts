import type pg from 'pg'
import type { Role } from './bearer-auth.js'
import { decoyHash, generatePassword, hashPassword, passwordProblem, verifyPassword } from './passwords.js'

export type AdminRole = Exclude<Role, 'platform' | 'checker'>
export const ADMIN_ROLES: readonly AdminRole[] = ['admin', 'operator', 'auditor']
export const USERNAME_PATTERN = '^[a-z0-9][a-z0-9._-]{1,63}$'

export interface AdminAccount {
  username: string
  roles: AdminRole[]
  disabled: boolean
}

/** Why an account command was refused, a closed list: invalid input, an existing or an unknown account. */
export type AccountErrorCode = 'ACCOUNT_INVALID' | 'ACCOUNT_EXISTS' | 'ACCOUNT_UNKNOWN'

export class AccountError extends Error {
  override name = 'AccountError'

  constructor (message: string, readonly code: AccountErrorCode = 'ACCOUNT_INVALID') {
    super(message)
  }
}

function checkRoles (roles: string[]): AdminRole[] {
  const bad = roles.filter((r) => !(ADMIN_ROLES as readonly string[]).includes(r))
  if (roles.length === 0 || bad.length > 0) throw new AccountError(`roles must be among ${ADMIN_ROLES.join(', ')}${bad.length > 0 ? ` (not ${bad.join(', ')})` : ''}`)
  return [...new Set(roles)] as AdminRole[]
}

/**
 * Creates a local admin account. Without a password, a one-time password is generated and
 * returned (show it once; only its scrypt hash is stored).
 */
export async function createAccount (
  pool: pg.Pool, username: string, roles: string[], password?: string
): Promise<{ password: string | undefined }> {
  if (!new RegExp(USERNAME_PATTERN).test(username)) throw new AccountError(`username must match ${USERNAME_PATTERN}`)
  const valid = checkRoles(roles)
  const chosen = password ?? generatePassword()
  const problem = passwordProblem(chosen)
  if (problem !== undefined) throw new AccountError(problem)
  const { rowCount } = await pool.query('INSERT INTO admin_users (username, password_hash, roles) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
    [username, await hashPassword(chosen), valid])
  if (rowCount === 0) throw new AccountError(`account ${username} exists (use set-password)`, 'ACCOUNT_EXISTS')
  return { password: password === undefined ? chosen : undefined }
}

/** Sets a new password (generated when none is given) and ends the account's sessions. */
export async function setPassword (
  pool: pg.Pool, username: string, password?: string
): Promise<{ password: string | undefined }> {
  const chosen = password ?? generatePassword()
  const problem = passwordProblem(chosen)
  if (problem !== undefined) throw new AccountError(problem)
  const { rowCount } = await pool.query('UPDATE admin_users SET password_hash = $2, updated_at = now() WHERE username = $1', [username, await hashPassword(chosen)])
  if (rowCount === 0) throw new AccountError(`no account ${username}`, 'ACCOUNT_UNKNOWN')
  await pool.query('DELETE FROM admin_sessions WHERE username = $1', [username])
  return { password: password === undefined ? chosen : undefined }
}

/** Disables (or enables) an account; disabling ends its sessions. */
export async function setDisabled (pool: pg.Pool, username: string, disabled: boolean): Promise<void> {
  const { rowCount } = await pool.query('UPDATE admin_users SET disabled = $2, updated_at = now() WHERE username = $1', [username, disabled])
  if (rowCount === 0) throw new AccountError(`no account ${username}`, 'ACCOUNT_UNKNOWN')
  if (disabled) await pool.query('DELETE FROM admin_sessions WHERE username = $1', [username])
}

export async function listAccounts (pool: pg.Pool): Promise<AdminAccount[]> {
  const { rows } = await pool.query<AdminAccount>('SELECT username, roles, disabled FROM admin_users ORDER BY username')
  return rows
}

/**
 * The account if the password is right and the account enabled. An unknown user costs the same
 * scrypt work as a known one, so timing does not tell which usernames exist.
 */
export async function checkLogin (
  pool: pg.Pool, username: string, password: string
): Promise<AdminAccount | undefined> {
  const { rows } = await pool.query<AdminAccount & { password_hash: string }>(
    'SELECT username, roles, disabled, password_hash FROM admin_users WHERE username = $1', [username])
  const row = rows[0]
  const ok = await verifyPassword(password, row?.password_hash ?? await decoyHash())
  if (row === undefined || !ok || row.disabled) return undefined
  return { username: row.username, roles: row.roles, disabled: row.disabled }
}
