import type pg from 'pg'
import type { Delivery } from '../../adapters/types.js'

// The first unfinished delivery to the same destination accepted before this one (ledger order: ids
// grow with acceptance). Served by deliveries_status (status, destination).
const EARLIER = `SELECT iss, jti FROM deliveries
WHERE destination = $1 AND id < $2 AND status IN ('queued', 'delivering', 'retrying')
ORDER BY id LIMIT 1`

/**
 * A peer gateway takes what this one relays in the order it was accepted here (issue 18): it applies
 * each message as this gateway did (versions, objections, removals on an owner's behalf), so a message
 * overtaking an earlier one would be refused there (an older version after a newer one) or, worse,
 * applied to a state the peer does not hold yet (a removal on behalf of an entry whose publication is
 * still being retried). Returns the earlier message a delivery to a peer has to wait for, as
 * `iss jti`, if any: one timed out or refused for now and retrying holds back everything after it,
 * without using up their attempts. A dead delivery holds nothing back (it is visible and resent by an
 * operator; a resent upsert an owner's later message superseded sends nothing).
 */
export async function earlierToWaitFor (pool: pg.Pool, d: Delivery): Promise<string | undefined> {
  const { rows } = await pool.query<{ iss: string, jti: string }>(EARLIER, [d.destination, d.deliveryId])
  const first = rows[0]
  return first === undefined ? undefined : `${first.iss} ${first.jti}`
}
