import type pg from 'pg'
import { requeueDelivery } from '../delivery/delivery-admin.js'
import { insertOutbox } from '../ledger/gateway-messages.js'

/** A platform's own message from the ledger, sent (again) to the replica by a heal. */
export interface ResentMessage {
  iss: string
  jti: string
  kind: 'objection.open' | 'objection.resolve'
  objectionId: string
  deliveryId: string
  /** `requeued`: a dead or delivered delivery queued again; `queued`: a first delivery to this replica; `under-way`:
   * already on its way. */
  action: 'requeued' | 'queued' | 'under-way'
}

/** A suspension mismatch the ledger holds no real message for: left to a person, never invented. */
export interface ReviewItem { entryId: string, reason: string }

interface ObjectionRow {
  objection_id: string,
  status: string,
  raised_by: string,
  opened_jti: string,
  resolved_jti: string | null,
  measures_continue: boolean
}

/** The message (`iss`, `jti`) to the replica: its existing delivery queued again, or a new outbox row. */
export async function sendStored (client: pg.PoolClient, iss: string, jti: string, platform: string, at: Date): Promise<Pick<ResentMessage, 'deliveryId' | 'action'>> {
  const find = async (): Promise<{
    id: string, status: string
  } | undefined> => (await client.query<{ id: string, status: string }>(
    'SELECT id::text AS id, status FROM deliveries WHERE iss = $1 AND jti = $2 AND destination = $3 FOR UPDATE', [iss, jti, platform])).rows[0]
  const found = await find()
  if (found === undefined) {
    await insertOutbox(client, iss, jti, [platform], at)
    const made = await find()
    if (made === undefined) throw new Error('outbox row not written')
    return { deliveryId: made.id, action: 'queued' }
  }
  if (found.status !== 'dead' && found.status !== 'delivered' && found.status !== 'partial') return { deliveryId: found.id, action: 'under-way' }
  await requeueDelivery(client, found.id)
  return { deliveryId: found.id, action: 'requeued' }
}

/**
 * Heals a suspension mismatch with the objection messages that really happened. 国办发〔2020〕49号 (五):
 * copies are kept "与公共信用信息认定部门公开的内容、期限保持一致"; 国发〔2016〕33号 (二十二): an objection is
 * verified by the information provider ("信息提供单位应尽快核实并反馈"), measures being suspended meanwhile —
 * so a replica is never given an objection no subject lodged, nor an outcome the owner did not
 * decide. The stored envelopes are sent as they
 * were signed, in the order they happened (the delivery worker holds a resolution back until the
 * opening has reached the replica: objection-order.ts):
 * - the owner holds the entry suspended: the opening of its open objection;
 * - the owner does not: the owner's resolution of the latest objection (and its opening first,
 *   where that never reached the replica: no delivery, or a dead one).
 * A message is resent whole, as stored: where it also names other entries, they get it again too
 * (a replica that applied it already ignores it by its jti; the next run shows what remains).
 * Without such a message (the replica holds a suspension no objection set, or the objection is one
 * under which measures continue), the mismatch is returned for review instead.
 */
export async function resendObjection (
  client: pg.PoolClient, owner: string, entryId: string, ownerStatus: string, platform: string, at: Date
): Promise<{ resent: ResentMessage[] } | { review: ReviewItem }> {
  const { rows } = await client.query<ObjectionRow>(
    `SELECT objection_id, status, raised_by, opened_jti, resolved_jti, measures_continue FROM objections
     WHERE owner = $1 AND entry_id = $2 ORDER BY opened_at DESC, objection_id DESC LIMIT 1`, [owner, entryId])
  const last = rows[0]
  const review = (reason: string): { review: ReviewItem } => ({ review: { entryId, reason } })
  if (last === undefined) {
    return review(ownerStatus === 'suspended'
      ? 'the owner holds the entry suspended but the ledger has no objection on it'
      : 'the replica holds a suspension no objection in the ledger set')
  }
  if (last.measures_continue) return review(`objection ${last.objection_id} does not suspend measures (list type policy); the replica holds another state`)
  const resent: ResentMessage[] = []
  const send = async (iss: string, jti: string, kind: ResentMessage['kind']): Promise<void> => {
    resent.push({ iss, jti, kind, objectionId: last.objection_id, ...await sendStored(client, iss, jti, platform, at) })
  }
  if (ownerStatus === 'suspended') {
    if (last.status !== 'open') return review(`the owner holds the entry suspended but its latest objection ${last.objection_id} is ${last.status}`)
    if (last.raised_by === platform) return review(`the replica raised objection ${last.objection_id} itself yet does not hold the entry suspended`)
    await send(last.raised_by, last.opened_jti, 'objection.open')
    return { resent }
  }
  if (last.resolved_jti === null) return review(`objection ${last.objection_id} is ${last.status} without a resolution message`)
  const resolution = await client.query('SELECT 1 FROM envelopes WHERE iss = $1 AND jti = $2 AND kind = \'objection.resolve\'', [owner, last.resolved_jti])
  if ((resolution.rowCount ?? 0) === 0) return review(`objection ${last.objection_id} was closed without the owner's resolution (${last.status})`)
  if (last.raised_by !== platform) {
    const opened = await client.query<{ status: string }>('SELECT status FROM deliveries WHERE iss = $1 AND jti = $2 AND destination = $3', [last.raised_by, last.opened_jti, platform])
    const status = opened.rows[0]?.status
    if (status === undefined || status === 'dead') await send(last.raised_by, last.opened_jti, 'objection.open')
  }
  await send(owner, last.resolved_jti, 'objection.resolve')
  return { resent }
}
