import type pg from 'pg'
import type { ObjectionOpenItemV1 } from '../../contracts/objection-items-v1.js'
import { lockCasesOfEntry, saveCase, step } from './case-store.js'
import { ItemErrors } from '../errors/item-errors.js'
import { objectionAnswerBy } from './subject-deadlines.js'
import { chinaToday } from './case-deadlines.js'
import type { WorkflowDeps, WorkflowMessage } from './workflow-deps.js'

/**
 * `objection.open` (异议): the disputed entry is suspended — it reads as suspended in every query,
 * its live cases are suspended, and the message reaches every other platform — unless its list
 * type lets measures continue during verification (court lists). One open objection per entry; the
 * owner must answer it by a working-day deadline counted from the day it was lodged.
 */
export async function openObjections (client: pg.PoolClient, deps: WorkflowDeps, msg: WorkflowMessage): Promise<void> {
  const items = msg.items as ObjectionOpenItemV1[]
  const errors = new ItemErrors()
  for (const [index, item] of items.entries()) {
    // The answer deadline counts from lodgedOn: a day after receipt would postpone it.
    if (item.lodgedOn > chinaToday(msg.at)) {
      errors.add(index, '/lodgedOn', 'SCHEMA_INVALID', 'lodgedOn is after the day the gateway received the objection (China Standard Time)')
      continue
    }
    const { rows } = await client.query<{ status: string, version: number, list_code: string, domain: string }>(
      'SELECT status, version, list_code, domain FROM entries WHERE owner = $1 AND entry_id = $2 FOR UPDATE', [item.owner, item.entryId])
    const entry = rows[0]
    if (entry === undefined || entry.status === 'removed') {
      errors.add(index, '/entryId', 'ENTRY_UNKNOWN', 'no current entry with this id at this owner')
      continue
    }
    const open = await client.query('SELECT 1 FROM objections WHERE owner = $1 AND (entry_id = $2 AND status = \'open\' OR objection_id = $3)', [item.owner, item.entryId, item.objectionId])
    if ((open.rowCount ?? 0) > 0) {
      errors.add(index, '/objectionId', 'OBJECTION_OPEN', 'the entry already has an open objection, or this objection id is taken')
      continue
    }
    const listType = deps.registries?.listType(entry.list_code)
    const continues = listType?.objection.measuresContinueDuringObjection ?? false
    // The owner must answer within the list type's working days (国发〔2016〕33号 (二十二)).
    const answerBy = objectionAnswerBy(item.lodgedOn, listType, deps.calendar)
    await client.query(
      `INSERT INTO objections (owner, objection_id, entry_id, raised_by, entry_version, domain, measures_continue, status, lodged_on, opened_jti, opened_at, answer_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9, $10, $11)`,
      [
        item.owner,
        item.objectionId,
        item.entryId,
        msg.iss,
        entry.version,
        entry.domain,
        continues,
        item.lodgedOn,
        msg.jti,
        msg.at,
        answerBy
      ])
    if (continues) continue
    await client.query("UPDATE entries SET status = 'suspended', updated_at = $3 WHERE owner = $1 AND entry_id = $2", [item.owner, item.entryId, msg.at])
    for (const c of await lockCasesOfEntry(client, item.owner, item.entryId)) {
      const event = { type: 'objection-opened', objectionId: item.objectionId } as const
      await saveCase(client, { ...c, state: step(c.state, event) }, event, msg.jti, msg.at)
    }
  }
  errors.throwIfAny((n) => `${n} item(s) cannot open an objection; the envelope was not accepted`)
}
