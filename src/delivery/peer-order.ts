import type pg from 'pg'

// The first unfinished delivery to the same destination accepted before this one (ledger order: ids
// grow with acceptance). Served by deliveries_status (status, destination).
const EARLIER = `SELECT e.iss, e.jti FROM deliveries d JOIN deliveries e ON e.destination = d.destination
WHERE d.id = $1 AND e.id < d.id AND e.status IN ('queued', 'delivering', 'retrying')
ORDER BY e.id LIMIT 1`

/**
 * A peer gateway takes what this one relays in the order it was accepted here (issue 18): it applies
 * each message as this gateway did (versions, objections, removals on an owner's behalf), so a message
 * overtaking an earlier one would be refused there (an older version after a newer one) or, worse,
 * applied to a state the peer does not hold yet (a removal on behalf of an entry whose publication is
 * still being retried). Returns the earlier message a delivery to a peer has to wait for, as
 * `iss jti`, if any: one timed out or refused for now and retrying holds back everything after it.
 * Asked before an attempt starts, so a wait writes nothing (the delivery stays queued, its attempts
 * untouched) and a backlog behind a retrying relay costs one read per turn. A dead delivery holds
 * nothing back (it is visible and resent by an operator; a resent upsert that an owner's later
 * message superseded sends nothing).
 */
export async function earlierToWaitFor (pool: pg.Pool, deliveryId: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ iss: string, jti: string }>(EARLIER, [deliveryId])
  const first = rows[0]
  return first === undefined ? undefined : `${first.iss} ${first.jti}`
}
