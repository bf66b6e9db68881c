import type { FastifyInstance } from 'fastify'
import type { OverviewV1 } from '../../contracts/admin-v1.js'
import { relayedTo } from '../federation/peer-destinations.js'
import { peerPause } from '../federation/peer-pauses.js'
import { withTimeout } from '../runtime/with-timeout.js'

type PeerOverview = OverviewV1['peers'][number]

/** Deliveries in the ledger by destination and status, as the overview counted them. */
export interface DestinationCount { destination: string, status: string, n: string }

/**
 * The configured peer gateways (issue 18): whether relays go to it, its pause in its config and by an
 * admin, and where it is a destination (or was: its deliveries stay in the ledger) its relay queue and
 * its deliveries by status. Disabled peers are listed too, so the dashboard shows every configured one.
 */
export async function peerOverview (
  app: FastifyInstance, counts: readonly DestinationCount[]
): Promise<PeerOverview[]> {
  const peers = app.config.peers ?? []
  if (peers.length === 0) return []
  const relayed = new Set(relayedTo(peers).map((p) => p.id))
  return await Promise.all(peers.map(async (p) => {
    const pause = await peerPause(app.pg, p.id)
    const queue = app.delivery.queues.get(p.id)
    const mine = counts.filter((c) => c.destination === p.id)
    const isDestination = relayed.has(p.id)
    return {
      id: p.id,
      name: p.name,
      enabled: p.enabled,
      endpoint: p.endpoint ?? null,
      relayed: isDestination,
      paused: p.paused || pause !== undefined,
      configPaused: p.paused,
      pause: pause === undefined ? null : { since: pause.since, principal: pause.principal, reason: pause.reason },
      queue: queue === undefined || !isDestination
        ? null
        : await withTimeout(queue.getJobCounts('wait', 'active', 'delayed', 'paused', 'failed'), 1000, 'overview source').catch(() => ({})),
      deliveries: !isDestination && mine.length === 0
        ? null
        : Object.fromEntries(mine.map((c) => [c.status, Number(c.n)])),
      origins: Object.keys(p.origins)
    }
  }))
}
