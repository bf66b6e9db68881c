import type pg from 'pg'
import { Gauge, type Registry } from 'prom-client'

/** One gauge read from the ledger at scrape time. */
export interface LedgerGaugeSpec {
  name: string
  help: string
  labelNames: string[]
  /** Each row names its labels and the value as `n`. */
  sql: string
  params?: () => unknown[]
}

/**
 * A gauge whose values are the rows of one ledger query, read at scrape time. Reset first: a series
 * whose rows are gone leaves the page. A query that fails rejects the collect, and the page is
 * served without this gauge (metrics-page.ts), never with yesterday's values.
 */
export function ledgerGauge (registry: Registry, pool: pg.Pool, spec: LedgerGaugeSpec): Gauge {
  return new Gauge({
    name: spec.name,
    help: spec.help,
    labelNames: spec.labelNames,
    registers: [registry],
    async collect () {
      this.reset()
      const { rows } = await pool.query<Record<string, string | number | null>>(spec.sql, spec.params?.())
      for (const r of rows) {
        this.set(Object.fromEntries(spec.labelNames.map((l) => [l, String(r[l] ?? '')])), Number(r.n ?? 0))
      }
    }
  })
}
