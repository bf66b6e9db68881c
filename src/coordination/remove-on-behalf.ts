import type pg from 'pg'
import { GATEWAY_ID } from '../../contracts/envelope-v1.js'
import type { ListRemoveItemV1 } from '../../contracts/list-remove-item-v1.js'
import { emitGatewayMessage } from '../ledger/gateway-messages.js'
import { writeEntries } from '../ledger/entry-writes.js'
import type { WorkflowDeps } from './workflow-deps.js'

/**
 * Removes entries of one owner on the gateway's initiative — an entry revoked as wrongful, an
 * entry whose validity ended — as a `list.remove` the gateway signs: a new version of each entry,
 * in the ledger and its history like the owner's own removal, delivered to every platform and
 * tracked until each has confirmed it. The owner is sent it too: the removal is a version the owner
 * did not write (an expiry it did not decide; a revocation or a granted repair it decided but whose
 * version the gateway chose), which it would otherwise learn only as a VERSION_CONFLICT on its next
 * change. Returns the message id.
 */
export async function removeOnBehalf (
  client: pg.PoolClient, deps: WorkflowDeps, owner: string, items: ListRemoveItemV1[], at: Date
): Promise<string> {
  // The peers its lists are relayed to as well (issue 18): a peer takes a gateway's removal on an origin's behalf.
  const destinations = [...deps.platforms(), ...await deps.peersFor?.(owner, items) ?? []]
  const jti = await emitGatewayMessage(client, deps.keys, { kind: 'list.remove', items, destinations }, at)
  await writeEntries(client, 'list.remove', owner, { iss: GATEWAY_ID, jti }, items, JSON.stringify({ items }), at)
  return jti
}
