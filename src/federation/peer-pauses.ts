import type pg from 'pg'
import { recordAdminAction } from '../audit/admin-action-log.js'
import { inTransaction } from '../ledger/pool.js'
import { storedErrorText } from '../privacy/stored-error-text.js'

/** A peer gateway paused by an admin: what it relays is refused until resumed (issue 18 item 4). */
export interface PeerPause { peer: string, since: string, principal: string, reason: string }

interface PauseRow { peer: string, since: Date, principal: string, reason: string }
const pauseOf = (r: PauseRow | undefined): PeerPause | undefined =>
  r === undefined ? undefined : { peer: r.peer, since: r.since.toISOString(), principal: r.principal, reason: r.reason }

/** The admin pause of `peer`, if any. */
export async function peerPause (pool: pg.Pool, peer: string): Promise<PeerPause | undefined> {
  const { rows } = await pool.query<PauseRow>('SELECT peer, since, principal, reason FROM peer_pauses WHERE peer = $1', [peer])
  return pauseOf(rows[0])
}

/** Pauses `peer` (a pause already there keeps its time and reason), recorded as an admin action in its transaction. */
export async function pausePeer (pool: pg.Pool, peer: string, principal: string, reason: string): Promise<PeerPause> {
  await inTransaction(pool, async (client) => {
    const stored = storedErrorText(reason, 200)
    await recordAdminAction(client, { principal, action: 'peer.pause', target: peer, detail: { reason: stored } })
    await client.query('INSERT INTO peer_pauses (peer, principal, reason) VALUES ($1, $2, $3) ON CONFLICT (peer) DO NOTHING',
      [peer, principal, stored])
  })
  return await peerPause(pool, peer) as PeerPause
}

/** Resumes `peer`; answers the pause it lifted (undefined when it was not paused). Recorded either way. */
export async function resumePeer (pool: pg.Pool, peer: string, principal: string): Promise<PeerPause | undefined> {
  return await inTransaction(pool, async (client) => {
    const { rows } = await client.query<PauseRow>(
      'DELETE FROM peer_pauses WHERE peer = $1 RETURNING peer, since, principal, reason', [peer])
    await recordAdminAction(client, { principal, action: 'peer.resume', target: peer, detail: { paused: rows[0] !== undefined } })
    return pauseOf(rows[0])
  })
}
