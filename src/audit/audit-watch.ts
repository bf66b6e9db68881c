import type pg from 'pg'
import type { ChainReportV1 } from '../../contracts/admin-v1.js'
import { verifyAudit } from './verify-audit.js'

/** The last walk of each audit chain: whether it held, and when it was walked. */
export interface ChainCheck { ok: boolean, rows: number, at: Date }

/**
 * Walks the audit hash chains (verify-audit.ts) every `intervalMs` and keeps the last result of
 * each, for the gauges an alert watches (gw_audit_chain_intact). A walk reads every row of both
 * chains, hence a slow default (auditVerifyIntervalMs); `credit-gw verify-audit` and the admin API
 * walk them on demand as before. A walk never overlaps the previous one.
 */
export class AuditWatch {
  readonly last = new Map<string, ChainCheck>()
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined

  constructor (
    private readonly pool: pg.Pool,
    private readonly intervalMs: number,
    private readonly warn: (obj: object, msg: string) => void
  ) {}

  start (): void {
    if (this.intervalMs === 0) return
    this.timer = setInterval(() => { this.runOnce().catch(() => undefined) }, this.intervalMs)
    this.runOnce().catch(() => undefined)
  }

  /** Walks both chains now; a failure to read them (not a broken chain) keeps the previous result. */
  async runOnce (): Promise<void> {
    if (this.running !== undefined) return await this.running
    this.running = verifyAudit(this.pool).then((reports: ChainReportV1[]) => {
      const at = new Date()
      for (const r of reports) {
        this.last.set(r.table, { ok: r.ok, rows: r.rows, at })
        if (!r.ok) this.warn({ chain: r.table, firstBroken: r.firstBroken }, 'audit chain broken')
      }
    }, (err: unknown) => { this.warn({ err }, 'audit chain walk failed') }).finally(() => { this.running = undefined })
    return await this.running
  }

  async stop (): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer)
    await this.running
  }
}
