import type { HeldEntry } from '../../sim/replica-state.js'
import { sampleDay, sampleEntry } from '../../sim/sample-entries.js'
import type { Harness } from './harness.js'

export const LIST = 'food-drug-serious-violation'

export async function publish (h: Harness, iss: string, kind: 'list.upsert' | 'list.remove', items: unknown[]): Promise<string> {
  const { jws, jti } = await h.sign(iss, { kind, items })
  const res = await h.post(jws)
  if (res.status !== 202) throw new Error(`publish failed: ${JSON.stringify(res.body)}`)
  return jti
}

/**
 * The owner's list for the drift tests: 30 entries (every third about a person), 1-10 at version 2,
 * 21-25 removed (version 2), and a red-list entry that belongs to another list.
 */
export async function publishOwnerList (h: Harness, owner: string, region: string): Promise<void> {
  const v1 = Array.from({ length: 30 }, (_, i) => sampleEntry(owner, region, i + 1, { person: i % 3 === 0 }))
  await publish(h, owner, 'list.upsert', [...v1, sampleEntry(owner, region, 1, { listType: 'red' })])
  await publish(h, owner, 'list.upsert', v1.slice(0, 10).map((e) => ({ ...e, version: 2, facts: `${e.facts}（已更正）` })))
  await publish(h, owner, 'list.remove', v1.slice(20, 25).map((e) => ({ entryId: e.entryId, owner, version: 2, reason: 'repair', basis: '信用修复决定书', effectiveOn: sampleDay() })))
}

/** The drift seeded into a replica, one of each kind, and what reconciliation must find. */
export interface SeededDrift { kind: string, entryId: string }

/**
 * Seeds one difference of every kind straight into a reference-protocol replica's own storage
 * (its `held` map), never through the gateway.
 */
export function seedDrift (held: Map<string, HeldEntry>, owner: string, region: string): SeededDrift[] {
  const key = (n: number): string => `${owner}:${owner}-black-${n}`
  const get = (n: number): HeldEntry => {
    const e = held.get(key(n))
    if (e === undefined) throw new Error(`replica does not hold ${key(n)}`)
    return e
  }
  // missing: the replica lost entry 11
  held.delete(key(11))
  // extra-removed: entry 21 was repaired and removed at the owner; the replica restored it from a backup
  held.set(key(21), { ...get(21), version: 1, removed: false, item: sampleEntry(owner, region, 21, { person: false }) })
  // extra-unknown: the replica holds an entry the owner never published
  const ghost = sampleEntry(owner, region, 99)
  held.set(key(99), { owner, entryId: ghost.entryId, version: 1, removed: false, item: ghost })
  // stale: entry 2 is at version 2 at the owner; the replica went back to version 1
  held.set(key(2), { ...get(2), version: 1, item: sampleEntry(owner, region, 2) })
  // content-mismatch: entry 12 edited at the replica, same version
  const e12 = get(12)
  held.set(key(12), { ...e12, item: { ...(e12.item as object), facts: '被篡改的事实' } })
  // suspension-mismatch: entry 13 (about a person) marked suspended at the replica only
  held.set(key(13), { ...get(13), suspended: true })
  return [
    { kind: 'extra-removed', entryId: `${owner}-black-21` },
    { kind: 'extra-unknown', entryId: `${owner}-black-99` },
    { kind: 'missing', entryId: `${owner}-black-11` },
    { kind: 'stale', entryId: `${owner}-black-2` },
    { kind: 'content-mismatch', entryId: `${owner}-black-12` },
    { kind: 'suspension-mismatch', entryId: `${owner}-black-13` }
  ]
}
