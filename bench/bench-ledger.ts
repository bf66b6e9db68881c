/** What the benches read of the gateway's ledger, and the checkpoint they take between phases. */
import { setTimeout as sleep } from 'node:timers/promises'
import type pg from 'pg'

/**
 * Waits until the ledger has no unfinished delivery (the gateway is idle again), at most
 * `timeoutMs`; returns the deliveries per status either way.
 */
export async function waitLedgerIdle (db: pg.Pool, timeoutMs: number): Promise<Record<string, number>> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const { rows } = await db.query<{ status: string, n: string }>('SELECT status, count(*) AS n FROM deliveries GROUP BY status')
    const counts = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
    if (Object.keys(counts).every((s) => s === 'delivered' || s === 'dead') || Date.now() > end) return counts
    await sleep(25)
  }
}

/** A checkpoint before each timed phase, so that one phase does not pay for the other's dirty pages. */
export async function checkpoint (db: pg.Pool): Promise<void> {
  await db.query('CHECKPOINT').catch(() => undefined)
}

export async function countOf (db: pg.Pool, table: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)
  return Number(rows[0]?.n)
}
