import type pg from 'pg'
import type { WorkflowDeps } from '../coordination/workflow-deps.js'
import type { CommitOutcome } from '../ledger/envelope-store.js'
import { notifyOutbox } from '../ledger/gateway-messages.js'
import { inTransaction } from '../ledger/pool.js'
import { applyEnvelope, commitEnvelope, type AcceptedEnvelope } from './commit-envelope.js'

export interface GroupCommitOptions {
  /** How long the first envelope of a group waits for others, ms; 0: every envelope commits alone. */
  windowMs: number
  /** Most envelopes in one transaction; 1: every envelope commits alone. */
  maxEnvelopes: number
  /** Told of every group of two or more once it is settled, and whether it had to fall back. */
  onGroup?: (envelopes: number, fellBack: boolean) => void
}

interface Waiting {
  rec: AcceptedEnvelope
  workflow: WorkflowDeps | undefined
  resolve: (outcome: CommitOutcome) => void
  reject: (err: unknown) => void
}

type Settled = { ok: true, outcome: CommitOutcome } | { ok: false, err: unknown }

// SQLSTATE classes that mean the transaction, not the envelope, failed: transaction rollback
// (serialization failure, deadlock), connection exception, insufficient resources, operator
// intervention (a terminated backend, a shutdown), invalid transaction state.
const TRANSACTION_FAILURES = ['40', '08', '53', '57', '25']

function sqlState (err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.length === 5 ? code : undefined
}

function failsTheTransaction (err: unknown): boolean {
  for (const e of [err, (err as { cause?: unknown } | null)?.cause]) {
    const state = sqlState(e)
    if (state !== undefined && TRANSACTION_FAILURES.includes(state.slice(0, 2))) return true
  }
  return false
}

function settle (w: Waiting, s: Settled): void {
  if (s.ok) w.resolve(s.outcome)
  else w.reject(s.err)
}

/**
 * Group commit at ingest: envelopes that passed verification and validation wait up to `windowMs`
 * (or until `maxEnvelopes` are waiting) and are then committed in one transaction, one SAVEPOINT
 * each, so that one durable commit (one WAL flush) serves many envelopes. Each envelope stays all
 * or nothing: whatever it is refused for (a version conflict, ownership, a workflow rule) rolls
 * back to its savepoint and rejects it alone with the error it would get committed alone, while
 * its neighbours commit. Envelopes of a group are applied in arrival order, so a replay of an
 * envelope earlier in the same group finds it as it would find a committed one.
 *
 * Should the transaction itself fail (deadlock, serialization failure, lost connection, a failing
 * COMMIT), every envelope of the group is committed again alone, so no envelope is refused for
 * what a neighbour did. A promise settles only after the COMMIT that holds its envelope, so no
 * receipt is handed out for anything not durable. One per app; {@link close} flushes what waits.
 */
export class GroupCommitter {
  private waiting: Waiting[] = []
  private timer: NodeJS.Timeout | undefined
  private readonly running = new Set<Promise<void>>()
  private closed = false

  constructor (private readonly pool: pg.Pool, private readonly opts: GroupCommitOptions) {}

  /** Envelopes waiting for their group to start (for the shutdown log). */
  get pending (): number {
    return this.waiting.length
  }

  /** Commits `rec` (with the coordination workflow, if any), alone or in a group; settles after its COMMIT. */
  async commit (rec: AcceptedEnvelope, workflow?: WorkflowDeps): Promise<CommitOutcome> {
    if (this.closed || this.opts.windowMs === 0 || this.opts.maxEnvelopes <= 1) {
      return await commitEnvelope(this.pool, rec, workflow)
    }
    return await new Promise<CommitOutcome>((resolve, reject) => {
      this.waiting.push({ rec, workflow, resolve, reject })
      if (this.waiting.length >= this.opts.maxEnvelopes) this.flush()
      else this.timer ??= setTimeout(() => { this.flush() }, this.opts.windowMs)
    })
  }

  /** Commits what waits, waits for every group under way; later envelopes commit alone. */
  async close (): Promise<void> {
    this.closed = true
    this.flush()
    await Promise.all([...this.running])
  }

  private flush (): void {
    clearTimeout(this.timer)
    this.timer = undefined
    const group = this.waiting
    this.waiting = []
    if (group.length === 0) return
    // run() settles every envelope before anything else can throw (the onGroup report): such an
    // error must not become an unhandled rejection.
    const run: Promise<void> = this.run(group).catch(() => undefined).finally(() => { this.running.delete(run) })
    this.running.add(run)
  }

  private async run (group: Waiting[]): Promise<void> {
    const first = group[0]
    if (group.length === 1 && first !== undefined) {
      settle(first, await this.alone(first))
      return
    }
    let settled: Settled[]
    try {
      settled = await this.together(group)
    } catch {
      // The group's transaction failed as a whole: each envelope again in a transaction of its own,
      // at once, as they would have run without grouping.
      await Promise.all(group.map(async (w) => { settle(w, await this.alone(w)) }))
      this.opts.onGroup?.(group.length, true)
      return
    }
    group.forEach((w, i) => { settle(w, settled[i] ?? { ok: false, err: new Error('group commit lost an envelope') }) })
    this.opts.onGroup?.(group.length, false)
  }

  private async alone (w: Waiting): Promise<Settled> {
    try {
      return { ok: true, outcome: await commitEnvelope(this.pool, w.rec, w.workflow) }
    } catch (err) {
      return { ok: false, err }
    }
  }

  /**
   * One transaction, one savepoint per envelope; throws when the transaction as a whole fails. An
   * envelope's savepoint is released in the same round trip that opens the next one, and the last is
   * left to the COMMIT (which releases it): one round trip per envelope instead of two.
   */
  private async together (group: Waiting[]): Promise<Settled[]> {
    return await inTransaction(this.pool, async (client) => {
      const settled: Settled[] = []
      let outboxRows = 0
      let open = false
      for (const w of group) {
        await client.query(open ? 'RELEASE SAVEPOINT envelope; SAVEPOINT envelope' : 'SAVEPOINT envelope')
        open = true
        try {
          const applied = await applyEnvelope(client, w.rec, w.workflow, false)
          outboxRows += applied.outboxRows
          settled.push({ ok: true, outcome: applied.stored })
        } catch (err) {
          if (failsTheTransaction(err)) throw err
          // If the rollback to the savepoint works, the transaction is sound and the error was this
          // envelope's own; if it does not (a lost connection), it throws and the group falls back.
          await client.query('ROLLBACK TO SAVEPOINT envelope; RELEASE SAVEPOINT envelope')
          open = false
          settled.push({ ok: false, err })
        }
      }
      // One NOTIFY for the transaction (a rolled-back savepoint would have taken its own with it).
      if (outboxRows > 0) await notifyOutbox(client)
      return settled
    })
  }
}
