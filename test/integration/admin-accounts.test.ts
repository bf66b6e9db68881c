import t from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { startHarness, DATABASE_URL } from '../helpers/harness.js'
import { loginAs } from '../helpers/admin-sessions.js'
import { checkLogin, createAccount, setDisabled, setPassword } from '../../src/auth/admin-accounts.js'

const run = promisify(execFile)

t.test('accounts: scrypt hashes, one-time passwords, bad input refused, password change and disabling end sessions', async (t) => {
  const h = await startHarness(t)
  const { password } = await createAccount(h.db, 'ops.li', ['operator', 'auditor'])
  t.match(password, /^[A-Za-z0-9]{20}$/, 'a generated one-time password')
  const stored = (await h.db.query<{ password_hash: string }>("SELECT password_hash FROM admin_users WHERE username = 'ops.li'")).rows[0]?.password_hash
  t.match(stored, /^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{43}$/, 'only the scrypt hash is stored, with its parameters')
  t.notMatch(stored, password as string)
  t.same(await checkLogin(h.db, 'ops.li', password as string), { username: 'ops.li', roles: ['operator', 'auditor'], disabled: false })
  t.equal(await checkLogin(h.db, 'ops.li', 'wrong-password-x'), undefined)
  await t.rejects(createAccount(h.db, 'ops.li', ['operator']), /account ops.li exists/, 'a username once')
  await t.rejects(createAccount(h.db, 'x2', ['root']), /roles must be among admin, operator, auditor/)
  await t.rejects(createAccount(h.db, 'ops.li', ['operator']), { code: 'ACCOUNT_EXISTS' }, 'a username once: code')
  await t.rejects(createAccount(h.db, 'x2', ['root']), { code: 'ACCOUNT_INVALID' }, 'unknown role: code')
  await t.rejects(createAccount(h.db, 'Bad Name', ['admin']), /username must match/)
  await t.rejects(createAccount(h.db, 'short', ['admin'], 'short'), /at least 12 characters/)

  const session = await loginAs(h, 'admin', 'boss')
  const who = async (): Promise<number> => (await h.app.inject({ url: '/v1/admin/session', cookies: { gw_session: session.cookie } })).statusCode
  t.equal(await who(), 200)
  await setPassword(h.db, 'boss', 'a new long password')
  t.equal(await who(), 401, 'a new password ends the sessions')
  t.ok(await checkLogin(h.db, 'boss', 'a new long password'))
  const again = await h.app.inject({ method: 'POST', url: '/v1/admin/session', payload: { username: 'boss', password: 'a new long password' } })
  const cookie = again.cookies.find((c) => c.name === 'gw_session')?.value as string
  await setDisabled(h.db, 'boss', true)
  t.equal((await h.app.inject({ url: '/v1/admin/session', cookies: { gw_session: cookie } })).statusCode, 401, 'disabling ends the sessions')
  t.equal(await checkLogin(h.db, 'boss', 'a new long password'), undefined, 'a disabled account cannot log in')
})

t.test('credit-gw admin-user add prints a one-time password that logs in; the action is recorded', async (t) => {
  const h = await startHarness(t)
  const env = { ...process.env, DATABASE_URL, GW_DB_SCHEMA: h.runtime.dbSchema }
  const { stdout } = await run(process.execPath, ['dist/src/cli.js', 'admin-user', 'add', 'auditor.wang', '--roles', 'auditor'], { env })
  const password = /one-time password for auditor\.wang: (\S+)/.exec(stdout)?.[1]
  t.ok(password, 'the password is printed once')
  const res = await h.app.inject({ method: 'POST', url: '/v1/admin/session', payload: { username: 'auditor.wang', password } })
  t.equal(res.statusCode, 200)
  t.same(res.json().roles, ['auditor'])
  const list = await run(process.execPath, ['dist/src/cli.js', 'admin-user', 'list'], { env })
  t.equal(list.stdout, 'auditor.wang\tauditor\n')
  const actions = await h.db.query<{ principal: string, action: string, target: string }>('SELECT principal, action, target FROM admin_actions ORDER BY seq')
  t.match(actions.rows, [{ principal: /^cli:/, action: 'account.create', target: 'local:auditor.wang' }, { action: 'login', target: 'local:auditor.wang' }])
  t.notMatch(JSON.stringify(actions.rows), password as string, 'the password is in no record')
})
