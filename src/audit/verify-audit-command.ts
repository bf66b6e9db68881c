import { Command } from 'commander'
import { runtimeFromEnv } from '../runtime/runtime-options.js'
import { createPool } from '../ledger/pool.js'
import { verifyAudit } from './verify-audit.js'

/**
 * `credit-gw verify-audit`: walks the query log's and the admin actions' hash chains, prints
 * each chain's length and head (keep the head elsewhere: a later run proves nothing was cut
 * from the end) or its first broken link; exits 1 if a chain is broken.
 */
export function verifyAuditCommand (): Command {
  return new Command('verify-audit').description('walk the audit hash chains (query log, admin actions) and report the first broken link')
    .option('--json', 'print the reports as JSON')
    .action(async (opts: { json?: boolean }) => {
      const rt = runtimeFromEnv()
      const pool = createPool(rt.databaseUrl, rt.dbSchema, 1)
      try {
        const reports = await verifyAudit(pool)
        if (opts.json === true) process.stdout.write(JSON.stringify(reports, null, 2) + '\n')
        else {
          for (const r of reports) {
            process.stdout.write(r.ok
              ? `${r.table}: ok, ${r.rows} rows${r.head === null ? '' : `, head seq ${r.head.seq} hash ${r.head.hash}`}\n`
              : `${r.table}: BROKEN at seq ${r.firstBroken?.seq ?? '?'} (id ${r.firstBroken?.id ?? '?'}): ${r.firstBroken?.reason ?? ''}; ${r.rows} rows verified before it\n`)
          }
        }
        if (reports.some((r) => !r.ok)) process.exitCode = 1
      } finally {
        await pool.end()
      }
    })
}
