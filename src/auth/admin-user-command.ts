import { Command } from 'commander'
import type pg from 'pg'
import { runtimeFromEnv } from '../runtime/runtime-options.js'
import { migrate } from '../ledger/migrate.js'
import { createPool } from '../ledger/pool.js'
import { recordAdminAction } from '../audit/admin-action-log.js'
import { AccountError, createAccount, listAccounts, setDisabled, setPassword } from './admin-accounts.js'

const by = `cli:${process.env.USER ?? 'unknown'}`

/** Reads a password from standard input (first line), so it never sits in the shell history. */
async function readStdinPassword (): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? ''
}

async function withPool (fn: (pool: pg.Pool) => Promise<void>): Promise<void> {
  const rt = runtimeFromEnv()
  await migrate(rt.databaseUrl, rt.dbSchema)
  const pool = createPool(rt.databaseUrl, rt.dbSchema, 1)
  try {
    await fn(pool)
  } catch (err) {
    if (!(err instanceof AccountError)) throw err
    process.stderr.write(`credit-gw: ${err.message}\n`)
    process.exitCode = 2
  } finally {
    await pool.end()
  }
}

const printPassword = (username: string, password: string | undefined): void => {
  if (password !== undefined) process.stdout.write(`one-time password for ${username}: ${password}\n(shown once; only its scrypt hash is stored — change it with credit-gw admin-user set-password ${username} --password-stdin)\n`)
}

/** `credit-gw admin-user add|set-password|disable|enable|list`: the dashboard's local accounts. */
export function adminUserCommand (): Command {
  const cmd = new Command('admin-user').description('manage the dashboard\'s local admin accounts (scrypt password hashes in the ledger)')
  cmd.command('add').description('create an account; prints a generated one-time password unless --password-stdin')
    .argument('<username>', 'lower-case letters, digits, . _ -')
    .requiredOption('--roles <roles>', 'comma-separated: admin, operator, auditor')
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .action(async (username: string, opts: { roles: string, passwordStdin?: boolean }) => {
      await withPool(async (pool) => {
        const given = opts.passwordStdin === true ? await readStdinPassword() : undefined
        const { password } = await createAccount(pool, username, opts.roles.split(',').map((r) => r.trim()).filter((r) => r !== ''), given)
        await recordAdminAction(pool, { principal: by, action: 'account.create', target: `local:${username}`, detail: { roles: opts.roles } })
        process.stdout.write(`account ${username} created (${opts.roles})\n`)
        printPassword(username, password)
      })
    })
  cmd.command('set-password').description('set a new password (generated unless --password-stdin); ends the account\'s sessions')
    .argument('<username>')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, opts: { passwordStdin?: boolean }) => {
      await withPool(async (pool) => {
        const { password } = await setPassword(
          pool, username, opts.passwordStdin === true ? await readStdinPassword() : undefined
        )
        await recordAdminAction(pool, { principal: by, action: 'account.set-password', target: `local:${username}` })
        process.stdout.write(`password of ${username} set\n`)
        printPassword(username, password)
      })
    })
  for (const [verb, disabled] of [['disable', true], ['enable', false]] as const) {
    cmd.command(verb).description(`${verb} an account${disabled ? ' (ends its sessions)' : ''}`).argument('<username>')
      .action(async (username: string) => {
        await withPool(async (pool) => {
          await setDisabled(pool, username, disabled)
          await recordAdminAction(pool, { principal: by, action: `account.${verb}`, target: `local:${username}` })
          process.stdout.write(`account ${username} ${verb}d\n`)
        })
      })
  }
  cmd.command('list').description('list the accounts and their roles').action(async () => {
    await withPool(async (pool) => {
      for (const a of await listAccounts(pool)) process.stdout.write(`${a.username}\t${a.roles.join(',')}${a.disabled ? '\tdisabled' : ''}\n`)
    })
  })
  return cmd
}
