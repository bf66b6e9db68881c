import type { GatewayNoticeItemV1 } from '../contracts/gateway-notice-item-v1.js'

/** One change a simulated platform applied (the evidence that nothing was applied twice). */
export interface AppliedChange {
  jti: string
  kind: string
  entryKey: string
  version: number
  /** The item itself, kept for notices only (`gateway.notice`, see {@link noticesOf}; `punishment.notice`). */
  item?: Record<string, unknown>
}

/** What a simulated platform holds of one entry. */
export interface HeldEntry {
  owner: string
  entryId: string
  version: number
  removed: boolean
  /** Measures suspended by an open objection (objection.open until objection.resolve). */
  suspended?: boolean
  item: unknown
}

/** A simulated platform's replica: what it holds, and every message it applied. */
export interface ReplicaState {
  held: Map<string, HeldEntry>
  applied: AppliedChange[]
  /** The jti of every message applied, once per time it was applied (a duplicate is not). */
  messagesApplied: string[]
  /** Every message applied, as `origin jti`: message ids are per issuer, so a duplicate is the same jti from the same
   * origin. */
  appliedIds: Set<string>
  /**
   * Entries (`owner:entryId`) an objection suspended before the platform held them: the gateway sends an
   * objection ahead of anything else about its entry still undelivered (src/delivery/objection-order.ts), so
   * the entry itself can arrive after it, and is then held suspended.
   */
  suspendedAhead?: Set<string>
}

export interface IncomingMessageClaims {
  jti: string
  kind: string
  origin: string
  items: Array<Record<string, unknown>>
}

export const newReplicaState = (): ReplicaState => (
  { held: new Map(), applied: [], messagesApplied: [], appliedIds: new Set() }
)

/**
 * Applies a message as a well-behaved platform does: a jti already applied from the same origin is
 * a duplicate and changes nothing (another platform's message under the same jti is not); a list change applies only if
 * its version is not older than the one held (the
 * same version again restores the owner's content, as a reconciliation heal sends it); an
 * objection suspends the entry until it is resolved.
 */
export function applyToReplica (state: ReplicaState, claims: IncomingMessageClaims): void {
  const id = `${claims.origin} ${claims.jti}`
  if (state.appliedIds.has(id)) return
  for (const item of claims.items) {
    const owner = String(item.owner ?? claims.origin)
    const entryId = String(item.entryId ?? '')
    const version = Number(item.version ?? 0)
    const key = `${owner}:${entryId}`
    if (claims.kind === 'list.upsert' || claims.kind === 'list.remove') {
      const current = state.held.get(key)
      if (current !== undefined && current.version > version) continue // never go back in versions
      const removed = claims.kind === 'list.remove'
      if (current !== undefined && current.version === version && current.removed && !removed) continue
      const held: HeldEntry = { owner, entryId, version, removed, item: removed ? current?.item ?? item : item }
      if (current?.suspended !== undefined) held.suspended = current.suspended
      if (current === undefined && state.suspendedAhead?.delete(key) === true) held.suspended = true
      state.held.set(key, held)
    } else if (claims.kind === 'objection.open' || claims.kind === 'objection.resolve') {
      const current = state.held.get(key)
      if (current !== undefined) {
        const { suspended: _, ...rest } = current
        state.held.set(key, claims.kind === 'objection.open' ? { ...rest, suspended: true } : rest)
      } else if (claims.kind === 'objection.open') {
        (state.suspendedAhead ??= new Set()).add(key)
      } else {
        state.suspendedAhead?.delete(key)
      }
    }
    const change: AppliedChange = { jti: claims.jti, kind: claims.kind, entryKey: key, version }
    if (claims.kind === 'gateway.notice' || claims.kind === 'punishment.notice') change.item = item
    state.applied.push(change)
  }
  state.messagesApplied.push(claims.jti)
  state.appliedIds.add(id)
}

/** The gateway notices a simulated platform applied, in arrival order (each message once). */
export function noticesOf (state: Pick<ReplicaState, 'applied'>): GatewayNoticeItemV1[] {
  return state.applied.filter((a) => a.kind === 'gateway.notice' && a.item !== undefined).map((a) => a.item as GatewayNoticeItemV1)
}
