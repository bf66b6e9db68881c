import type pg from 'pg'
import type { ListRemoveItemV1 } from '../../contracts/list-remove-item-v1.js'
import type { RepairDecisionItemV1 } from '../../contracts/repair-items-v1.js'
import { ItemErrors } from '../errors/item-errors.js'
import { afterRemoval } from './after-removal.js'
import { removeOnBehalf } from './remove-on-behalf.js'
import type { WorkflowDeps, WorkflowMessage } from './workflow-deps.js'

/**
 * `repair.decision` from the entry's owner (only the owner: validate-items refuses anyone else with
 * NOT_OWNER). `granted`: the decision itself removes the entry — the gateway issues the
 * `list.remove` with reason `repair` on the owner's behalf, a new version delivered to every other
 * platform and tracked until each has confirmed it, and the entry's live cases are withdrawn — so a
 * granted repair can never stop short of the replicas (国办发〔2020〕49号 (十一): "及时将其移出…终止共享
 * 公开"). `refused`: the entry stays; the reason goes to the platform that forwarded the request.
 * Returns the destinations: those platforms, never the owner itself.
 */
export async function decideRepairs (
  client: pg.PoolClient, deps: WorkflowDeps, msg: WorkflowMessage
): Promise<string[]> {
  const items = msg.items as RepairDecisionItemV1[]
  const errors = new ItemErrors()
  const destinations = new Set<string>()
  for (const [index, item] of items.entries()) {
    const found = await client.query<{ raised_by: string }>(
      "SELECT raised_by FROM repairs WHERE owner = $1 AND repair_id = $2 AND entry_id = $3 AND status = 'open' FOR UPDATE",
      [item.owner, item.repairId, item.entryId])
    const repair = found.rows[0]
    if (repair === undefined) {
      errors.add(index, '/repairId', 'REPAIR_UNKNOWN', 'no open repair request with this id on this entry')
      continue
    }
    if (repair.raised_by !== msg.iss) destinations.add(repair.raised_by)
    await client.query(
      'UPDATE repairs SET status = $3, decided_jti = $4, decided_at = $5 WHERE owner = $1 AND repair_id = $2',
      [item.owner, item.repairId, item.outcome, msg.jti, msg.at])
    if (item.outcome === 'granted') {
      const { rows } = await client.query<{ version: number }>('SELECT version FROM entries WHERE owner = $1 AND entry_id = $2 FOR UPDATE', [item.owner, item.entryId])
      const removal: ListRemoveItemV1[] = [{
        entryId: item.entryId,
        owner: item.owner,
        version: (rows[0]?.version ?? 0) + 1,
        reason: 'repair',
        basis: `信用修复 ${item.repairId} granted by ${item.owner} on ${item.decidedOn} (repair.decision ${msg.jti})`.slice(0, 2000),
        effectiveOn: item.decidedOn
      }]
      const removalJti = await removeOnBehalf(client, deps, item.owner, removal, msg.at)
      await afterRemoval(client, deps, item.owner, removal, removalJti, msg.at)
      await client.query('UPDATE repairs SET removal_jti = $3 WHERE owner = $1 AND repair_id = $2', [item.owner, item.repairId, removalJti])
    }
  }
  errors.throwIfAny((n) => `${n} item(s) cannot decide a repair; the envelope was not accepted`)
  return [...destinations]
}
