import type { SimulatedPlatform } from '../../sim/platform-simulator.js'
import type { Harness } from './harness.js'

// The coalescing tests leave deliveries in the ledger until they start the workers (a child
// process), so the first push of each destination finds a backlog to coalesce.

/** Publishes a `list.upsert` as `iss`; returns its jti. */
export async function publishUpsert (h: Harness, iss: string, items: unknown[]): Promise<string> {
  const { jws, jti } = await h.sign(iss, { kind: 'list.upsert', items })
  const res = await h.post(jws)
  if (res.status !== 202) throw new Error(`publish failed: ${JSON.stringify(res.body)}`)
  return jti
}

/** How many pushes in the batch form carried more than one message. */
export const coalescedPushes = (s: Pick<SimulatedPlatform, 'pushes'>): number => s.pushes.filter((p) => p.messages > 1).length
