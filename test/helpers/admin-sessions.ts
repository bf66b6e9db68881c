import type { Harness } from './harness.js'
import { createAccount } from '../../src/auth/admin-accounts.js'
import { SESSION_COOKIE } from '../../src/auth/admin-sessions.js'

export type AdminRoleName = 'admin' | 'operator' | 'auditor'

export interface TestSession {
  username: string
  password: string
  /** The signed session cookie's value, for `inject({ cookies })`. */
  cookie: string
  csrfToken: string
}

/** A local account (generated password) per role, logged in through POST /v1/admin/session. */
export async function loginAs (h: Harness, role: AdminRoleName, username = `${role}1`): Promise<TestSession> {
  const { password } = await createAccount(h.db, username, [role])
  if (password === undefined) throw new Error('no generated password')
  const res = await h.app.inject({ method: 'POST', url: '/v1/admin/session', payload: { username, password } })
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`)
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE)?.value
  if (cookie === undefined) throw new Error('no session cookie')
  return { username, password, cookie, csrfToken: (res.json() as { csrfToken: string }).csrfToken }
}
