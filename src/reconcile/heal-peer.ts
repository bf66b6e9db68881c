import type pg from 'pg'
import { GATEWAY_ID } from '../../contracts/envelope-v1.js'
import type { FindingKindV1 } from '../../contracts/reconcile-v1.js'
import { resendObjection, sendStored, type ResentMessage, type ReviewItem } from './objection-resends.js'

/** A publisher's own envelope sent again to a peer gateway by a heal. */
export interface RelayedAgain extends Pick<ResentMessage, 'iss' | 'jti' | 'deliveryId' | 'action'> {
  kind: 'list.upsert' | 'list.remove'
  entryId: string
}

interface Finding { kind: FindingKindV1, entry_id: string }
interface Owned { entry_id: string, status: string, last_jti: string }

/**
 * Heals a run against a peer gateway (issue 18 item 5). A peer takes nothing but what its publisher
 * signed (docs/federation.md), so nothing is issued in the gateway's name: each entry found missing,
 * stale or different gets its publisher's envelopes again, as stored — the last one that published
 * it and, where the owner removed it, the removal — relayed like any message (tracked deliveries,
 * `via` extended); a suspension mismatch its real objection messages (objection-resends.ts). Left
 * for review: an entry the owner never published (only the owner can remove it there), and a change
 * the gateway made itself (a removal on the owner's behalf: its upsert alone would revive the entry
 * there; the removal went to the peer as the gateway's own tracked delivery, behalf-removals.ts, to be
 * resent from there if it died). A peer
 * that still holds the very envelope takes it as a replay and changes nothing: the next run shows it.
 */
export async function healPeer (
  client: pg.PoolClient, owner: string, peer: string, findings: readonly Finding[], at: Date
): Promise<{ relayed: RelayedAgain[], resent: ResentMessage[], review: ReviewItem[] }> {
  const { rows } = await client.query<Owned>(
    'SELECT entry_id, status, last_jti FROM entries WHERE owner = $1 AND entry_id = ANY($2::text[])', [owner, findings.map((f) => f.entry_id)])
  const current = new Map(rows.map((r) => [r.entry_id, r]))
  const relayed: RelayedAgain[] = []
  const resent: ResentMessage[] = []
  const review: ReviewItem[] = []
  const sent = new Set<string>()
  const relay = async (iss: string, jti: string, kind: RelayedAgain['kind'], entryId: string): Promise<void> => {
    if (sent.has(`${iss} ${jti}`)) return
    sent.add(`${iss} ${jti}`)
    relayed.push({ iss, jti, kind, entryId, ...await sendStored(client, iss, jti, peer, at) })
  }
  for (const f of findings) {
    const row = current.get(f.entry_id)
    if (row === undefined) {
      review.push({ entryId: f.entry_id, reason: `${owner} never published it here: only ${owner} can remove it at ${peer}` })
      continue
    }
    if (f.kind === 'suspension-mismatch') {
      const done = await resendObjection(client, owner, row.entry_id, row.status, peer, at)
      if ('review' in done) review.push(done.review)
      else resent.push(...done.resent.filter((m) => !resent.some((r) => r.iss === m.iss && r.jti === m.jti)))
      continue
    }
    // A removal the gateway made (not the publisher's) cannot go, and the upsert alone would revive the entry there.
    let removalJti: string | undefined
    if (row.status === 'removed') {
      const { rows: removals } = await client.query<{ iss: string }>(
        'SELECT iss FROM envelopes WHERE jti = $1 AND iss = ANY($2::text[]) ORDER BY iss = $3 DESC LIMIT 1', [row.last_jti, [owner, GATEWAY_ID], owner])
      if (removals[0]?.iss !== owner) {
        review.push({
          entryId: row.entry_id,
          reason: `removed by ${GATEWAY_ID} on ${owner}'s behalf: that removal went to ${peer} as ${GATEWAY_ID}'s own message (${row.last_jti}); resend it if it is dead`
        })
        continue
      }
      removalJti = row.last_jti
    }
    const { rows: upserts } = await client.query<{ jti: string }>(
      `SELECT h.jti FROM entry_history h JOIN envelopes e ON e.iss = $1 AND e.jti = h.jti
       WHERE h.owner = $1 AND h.entry_id = $2 AND h.action = 'upsert' ORDER BY h.version DESC LIMIT 1`, [owner, row.entry_id])
    const upsert = upserts[0]
    if (upsert === undefined) {
      review.push({ entryId: row.entry_id, reason: `its last version was not published by ${owner} itself: nothing signed by the publisher to relay` })
      continue
    }
    await relay(owner, upsert.jti, 'list.upsert', row.entry_id)
    if (removalJti !== undefined) await relay(owner, removalJti, 'list.remove', row.entry_id)
  }
  return { relayed, resent, review }
}
