import type { FastifyInstance } from 'fastify'
import type { OverviewV1 } from '../../contracts/admin-v1.js'
import { withTimeout } from '../runtime/with-timeout.js'
import type { PlatformPause } from '../delivery/platform-pauses.js'
import { peerOverview } from './peer-overview.js'

type PlatformOverview = OverviewV1['platforms'][number]

/** `p`'s value, or `fallback` if it fails or takes longer than `ms`: the overview shows what it has. */
const within = async <T>(p: Promise<T>, ms: number, fallback: T): Promise<T> =>
  await withTimeout(p, ms, 'overview source').catch(() => fallback)

/** Buckets for the lag chart: about 60 points over the window. */
export function bucketSecondsFor (windowMinutes: number): number {
  const candidates = [10, 30, 60, 300, 900, 1800, 3600]
  return candidates.find((b) => windowMinutes * 60 / b <= 60) ?? 3600
}

/** What the dashboard says of a paused queue. */
function pausedBecause (pause: PlatformPause | undefined): string {
  if (pause === undefined || pause.reason === 'down') return 'queue paused: the platform was found down; resumes by itself'
  if (pause.reason === 'credentials') return 'queue paused: the platform refused the gateway\'s credentials; resume it once they are fixed'
  return `queue paused: circuit breaker open (timeouts while its health check answers); tries again at ${pause.until ?? 'the end of the cool-down'}`
}

/**
 * The state of the exchange at a glance: per platform its health (a paused queue with why: found
 * down, credentials refused, circuit breaker open; otherwise a live check, at most 1.5 s), queue depth, deliveries
 * by status, the items it refused (partial acceptance) and the age of the oldest pending one; and
 * the delivery lag over the window (acceptance to the destination's receipt), per platform and bucket;
 * and the peer gateways (peer-overview.ts).
 */
export async function platformOverview (app: FastifyInstance, windowMinutes: number): Promise<OverviewV1> {
  const { rows: counts } = await app.pg.query<{ destination: string, status: string, n: string, oldest: Date | null }>(
    `SELECT destination, status, count(*) AS n, min(created_at) FILTER (WHERE status NOT IN ('delivered', 'dead', 'partial')) AS oldest
     FROM deliveries GROUP BY destination, status`)
  const { rows: refused } = await app.pg.query<{ destination: string, n: string }>(
    `SELECT d.destination, count(*) AS n FROM delivery_item_refusals r JOIN deliveries d ON d.id = r.delivery_id
     WHERE r.resolved_at IS NULL GROUP BY 1`)
  const platforms: PlatformOverview[] = await Promise.all(app.config.platforms.filter(
    (p) => p.enabled
  ).map(async (p) => {
    const adapter = app.delivery.adapters.get(p.id)
    const queue = app.delivery.queues.get(p.id)
    const pull = adapter?.capabilities.pull === true
    const pause = pull ? undefined : await within(app.delivery.health.pauseOf(p.id), 1000, undefined)
    const paused = pause !== undefined || app.delivery.health.isPaused(p.id) || (
      queue !== undefined && !pull && await within(queue.isPaused(), 1000, false)
    )
    const health = paused
      ? { state: 'paused' as const, detail: pausedBecause(pause) }
      : adapter === undefined ? { state: 'unknown' as const, detail: null } : await within(adapter.health(), 1500, { state: 'unknown' as const, detail: 'health check timed out' })
    const queueCounts = queue === undefined || pull ? {} : await within(queue.getJobCounts('wait', 'active', 'delayed', 'paused', 'failed'), 1000, {})
    const mine = counts.filter((c) => c.destination === p.id)
    const deliveries = Object.fromEntries(mine.map((c) => [c.status, Number(c.n)]))
    const oldest = mine.map((c) => c.oldest).filter((d): d is Date => d !== null).sort(
      (a, b) => a.getTime() - b.getTime()
    )[0]
    return {
      id: p.id,
      name: p.name,
      adapter: p.adapter,
      health: health.state,
      healthDetail: health.detail ?? null,
      pause: pause ?? null,
      pull,
      queue: queueCounts,
      deliveries,
      dead: deliveries.dead ?? 0,
      partial: deliveries.partial ?? 0,
      refusedItems: Number(refused.find((r) => r.destination === p.id)?.n ?? 0),
      oldestPendingSeconds: oldest === undefined ? null : Math.max(0, (Date.now() - oldest.getTime()) / 1000)
    }
  }))

  const bucket = bucketSecondsFor(windowMinutes)
  const since = new Date(Date.now() - windowMinutes * 60_000)
  const { rows: lag } = await app.pg.query<{ t: string, destination: string, n: string, avg: number, max: number }>(
    `SELECT floor(extract(epoch FROM delivered_at) / $2)::bigint * $2 AS t, destination, count(*) AS n,
            avg(extract(epoch FROM delivered_at - created_at))::float8 AS avg, max(extract(epoch FROM delivered_at - created_at))::float8 AS max
     FROM deliveries WHERE delivered_at >= $1 GROUP BY 1, 2 ORDER BY 1, 2`, [since, bucket])
  return {
    generatedAt: new Date().toISOString(),
    platforms,
    peers: await peerOverview(app, counts),
    lag: {
      bucketSeconds: bucket,
      since: since.toISOString(),
      points: lag.map((r) => (
        { t: Number(r.t), platform: r.destination, delivered: Number(r.n), avgSeconds: r.avg, maxSeconds: r.max }
      ))
    }
  }
}
