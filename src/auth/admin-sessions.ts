import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type pg from 'pg'
import type { AdminRole } from './admin-accounts.js'

/** The session cookie: a random id, signed (HMAC, @fastify/cookie); only its hash is stored. */
export const SESSION_COOKIE = 'gw_session'
/** The header a cookie-authenticated state change must carry (the session's CSRF token). */
export const CSRF_HEADER = 'x-csrf-token'

export interface AdminSession {
  username: string
  roles: AdminRole[]
  csrfToken: string
  expiresAt: Date
}

const hashId = (id: string): string => createHash('sha256').update(id).digest('hex')

export async function createSession (
  pool: pg.Pool, username: string, maxHours: number
): Promise<{ id: string, csrfToken: string, expiresAt: Date }> {
  const id = randomBytes(32).toString('base64url')
  const csrfToken = randomBytes(32).toString('base64url')
  const { rows } = await pool.query<{ expires_at: Date }>(
    `INSERT INTO admin_sessions (id_hash, username, csrf_token, expires_at) VALUES ($1, $2, $3, now() + make_interval(hours => $4))
     RETURNING expires_at`, [hashId(id), username, csrfToken, maxHours])
  return { id, csrfToken, expiresAt: rows[0]?.expires_at ?? new Date() }
}

/**
 * The live session for a cookie's id, or undefined when it is unknown, past its absolute expiry,
 * idle too long, or its account disabled. Roles are read from the account on every request, so a
 * change applies at once. Touches `seen_at` (at most once a minute, to spare writes).
 */
export async function findSession (pool: pg.Pool, id: string, idleMinutes: number): Promise<AdminSession | undefined> {
  const { rows } = await pool.query<{
    username: string, roles: AdminRole[], csrf_token: string, expires_at: Date, stale: boolean
  }>(
    `SELECT s.username, u.roles, s.csrf_token, s.expires_at, s.seen_at < now() - interval '1 minute' AS stale
     FROM admin_sessions s JOIN admin_users u USING (username)
     WHERE s.id_hash = $1 AND s.expires_at > now() AND s.seen_at > now() - make_interval(mins => $2) AND NOT u.disabled`,
    [hashId(id), idleMinutes])
  const row = rows[0]
  if (row === undefined) return undefined
  if (row.stale) await pool.query('UPDATE admin_sessions SET seen_at = now() WHERE id_hash = $1', [hashId(id)])
  return { username: row.username, roles: row.roles, csrfToken: row.csrf_token, expiresAt: row.expires_at }
}

export async function deleteSession (pool: pg.Pool, id: string): Promise<void> {
  await pool.query('DELETE FROM admin_sessions WHERE id_hash = $1 OR expires_at < now()', [hashId(id)])
}

export function csrfMatches (expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}
