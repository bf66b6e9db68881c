import type { Registry } from 'prom-client'
import { withTimeout } from '../runtime/with-timeout.js'

/** What renders the page hears about a collector that failed or did not answer in time. */
export type CollectFailure = (collector: string, err: unknown) => void

/**
 * The Prometheus page of `registry`, each metric collected on its own: a collector whose query
 * fails or does not answer within `timeoutMs` (a lost database, a locked table) is left off the
 * page and reported to `failed`, and the page is served with everything else. prom-client's own
 * `registry.metrics()` collects them together, so one failure made the whole scrape a 500.
 * Metrics named in `last` are rendered after the others (the failure counter, so that it counts
 * the failures of this very scrape).
 */
export async function renderMetrics (
  registry: Registry, timeoutMs: number, failed: CollectFailure, last: ReadonlySet<string> = new Set()
): Promise<string> {
  const render = async (name: string): Promise<string | undefined> => {
    try {
      return await withTimeout(registry.getSingleMetricAsString(name), timeoutMs, `metric ${name}`)
    } catch (err) {
      failed(name, err)
      return undefined
    }
  }
  const names = registry.getMetricsAsArray().map((m) => m.name)
  const first = await Promise.all(names.filter((n) => !last.has(n)).map(render))
  const after = await Promise.all(names.filter((n) => last.has(n)).map(render))
  const parts = [...first, ...after].filter((p): p is string => p !== undefined)
  return `${parts.join('\n\n')}\n`
}
