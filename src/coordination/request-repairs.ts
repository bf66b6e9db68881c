import type pg from 'pg'
import type { RepairRequestItemV1 } from '../../contracts/repair-items-v1.js'
import { ItemErrors } from '../errors/item-errors.js'
import { chinaToday } from './case-deadlines.js'
import { earliestRepairOn, repairDecideBy } from './subject-deadlines.js'
import type { WorkflowDeps, WorkflowMessage } from './workflow-deps.js'

interface RepairedEntry {
  status: string,
  version: number,
  list_type: string,
  list_code: string,
  domain: string,
  valid_from: string,
  repairable: boolean | null
}

/**
 * `repair.request` (信用修复申请), from the platform that received the subject's application: a
 * repair of an entry that is not repairable (the entry or its list type says so, or a red list,
 * which records no 失信 to repair) is refused (国办发〔2020〕49号 (十一)); so is one requested
 * before the list type's earliest exit, `validFrom` + `exit.minimumMonths` (REPAIR_TOO_EARLY).
 * Otherwise it is recorded with the day the owner must decide it by (49号 (十二) "在规定时限内办结")
 * and goes to the owner alone. One open request per entry. Returns the destinations.
 */
export async function requestRepairs (
  client: pg.PoolClient, deps: WorkflowDeps, msg: WorkflowMessage
): Promise<string[]> {
  const items = msg.items as RepairRequestItemV1[]
  const errors = new ItemErrors()
  const today = chinaToday(msg.at)
  for (const [index, item] of items.entries()) {
    // A date after receipt would move the earliest-date check and the deadline at the sender's will.
    if (item.requestedOn > today) {
      errors.add(index, '/requestedOn', 'SCHEMA_INVALID', 'requestedOn is after the day the gateway received the request (China Standard Time)')
      continue
    }
    const { rows } = await client.query<RepairedEntry>(
      `SELECT status, version, list_type, list_code, domain, data->>'validFrom' AS valid_from, (data->>'repairable')::boolean AS repairable
       FROM entries WHERE owner = $1 AND entry_id = $2 FOR UPDATE`, [item.owner, item.entryId])
    const entry = rows[0]
    if (entry === undefined || entry.status === 'removed') {
      errors.add(index, '/entryId', 'ENTRY_UNKNOWN', 'no current entry with this id at this owner')
      continue
    }
    const listType = deps.registries?.listType(entry.list_code)
    if (entry.repairable === false || listType?.repairable === false || entry.list_type === 'red') {
      errors.add(index, '/entryId', 'NOT_REPAIRABLE', 'this entry is not repairable (信用修复 is ruled out for it, 国办发〔2020〕49号 (十一))')
      continue
    }
    const earliest = earliestRepairOn(entry.valid_from, listType?.exit.minimumMonths)
    if (item.requestedOn < earliest) {
      errors.add(index, '/requestedOn', 'REPAIR_TOO_EARLY', `repair may be requested from ${earliest} on (validFrom plus the list type's exit.minimumMonths)`)
      continue
    }
    const open = await client.query('SELECT 1 FROM repairs WHERE owner = $1 AND (entry_id = $2 AND status = \'open\' OR repair_id = $3)', [item.owner, item.entryId, item.repairId])
    if ((open.rowCount ?? 0) > 0) {
      errors.add(index, '/repairId', 'REPAIR_OPEN', 'the entry already has an open repair request, or this repair id is taken')
      continue
    }
    await client.query(
      `INSERT INTO repairs (owner, repair_id, entry_id, raised_by, entry_version, domain, status, requested_on, decide_by, requested_jti, requested_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $9, $10)`,
      [
        item.owner,
        item.repairId,
        item.entryId,
        msg.iss,
        entry.version,
        entry.domain,
        item.requestedOn,
        repairDecideBy(item.requestedOn, listType, deps.calendar),
        msg.jti,
        msg.at
      ])
  }
  errors.throwIfAny((n) => `${n} item(s) cannot request a repair; the envelope was not accepted`)
  return [...new Set(items.map((i) => i.owner))].filter((p) => p !== msg.iss)
}
