import type pg from 'pg'
import type { ListRemoveItemV1 } from '../../contracts/list-remove-item-v1.js'
import { lockCasesOfEntry, saveCase, step } from './case-store.js'
import { ItemErrors } from '../errors/item-errors.js'
import type { WorkflowDeps } from './workflow-deps.js'
import { chinaToday } from './case-deadlines.js'
import { earliestRepairOn } from './subject-deadlines.js'

/**
 * What a removal means beyond the entry (its rows are already written in this transaction): a
 * repair of an entry that is not repairable (the entry says so, or its list type does), or a court
 * list's exit (`fulfilled`, `court-deleted`) given for an entry of another list, or a repair taking
 * effect (or received) before the list type's earliest exit (REPAIR_TOO_EARLY), rejects the envelope; the live cases
 * resting on a removed entry are withdrawn; an objection or a repair
 * request still open on it has nothing left to decide and is closed as withdrawn.
 */
export async function afterRemoval (
  client: pg.PoolClient, deps: WorkflowDeps, owner: string, items: ListRemoveItemV1[], jti: string, at: Date
): Promise<void> {
  const errors = new ItemErrors()
  const repairs = items.flatMap((item, index) => item.reason === 'repair' ? [{ item, index }] : [])
  if (repairs.length > 0) {
    type Repaired = { entry_id: string, repairable: boolean | null, list_code: string, valid_from: string | null }
    const { rows } = await client.query<Repaired>(
      `SELECT entry_id, (data->>'repairable')::boolean AS repairable, list_code, data->>'validFrom' AS valid_from
       FROM entries WHERE owner = $1 AND entry_id = ANY($2::text[])`,
      [owner, repairs.map((r) => r.item.entryId)])
    const byId = new Map(rows.map((r) => [r.entry_id, r]))
    const today = chinaToday(at)
    for (const { item, index } of repairs) {
      const e = byId.get(item.entryId)
      const listTypeRepairable = e === undefined ? true : (deps.registries?.listType(e.list_code)?.repairable ?? true)
      if (e?.repairable === false || !listTypeRepairable) {
        errors.add(index, '/reason', 'NOT_REPAIRABLE', 'this entry is not repairable (信用修复 is ruled out for it); it leaves the list only on its exit conditions')
        continue
      }
      // The owner's own repair is bound by the list type's earliest exit as a repair.request is: neither
      // the day it takes effect nor the day the gateway receives it may come before validFrom +
      // exit.minimumMonths (the repair rules the departments set, 国办发〔2020〕49号 (十一); the listing's
      // 联合惩戒期限, 国发〔2016〕33号 (二十一)).
      if (e?.valid_from === null || e?.valid_from === undefined) continue
      const earliest = earliestRepairOn(e.valid_from, deps.registries?.listType(e.list_code)?.exit.minimumMonths)
      const first = item.effectiveOn < today ? item.effectiveOn : today
      if (first < earliest) {
        errors.add(index, '/effectiveOn', 'REPAIR_TOO_EARLY', `this entry may be repaired from ${earliest} on (validFrom plus the list type's exit.minimumMonths; 国办发〔2020〕49号 (十一), 国发〔2016〕33号 (二十一))`)
      }
    }
  }
  const courtExits = items.flatMap((item, index) => item.reason === 'fulfilled' || item.reason === 'court-deleted' ? [{ item, index }] : [])
  if (courtExits.length > 0) {
    const { rows } = await client.query<{ entry_id: string, domain: string }>(
      'SELECT entry_id, domain FROM entries WHERE owner = $1 AND entry_id = ANY($2::text[])', [owner, courtExits.map((r) => r.item.entryId)])
    const domainOf = new Map(rows.map((r) => [r.entry_id, r.domain]))
    for (const { item, index } of courtExits) {
      // The court list's own exits (法发〔2020〕25号 (20)): performed or deleted by the court, not another list's.
      if (domainOf.get(item.entryId) !== 'court') errors.add(index, '/reason', 'SCHEMA_INVALID', `${item.reason} is an exit of the courts' lists only (法发〔2020〕25号 (20))`)
    }
  }
  errors.throwIfAny((n) => `${n} item(s) cannot be removed for the reason given; the envelope was not accepted`)
  const ids = items.map((i) => i.entryId)
  const { rows: withCases } = await client.query<{ entry_id: string }>(
    "SELECT DISTINCT entry_id FROM cases WHERE owner = $1 AND entry_id = ANY($2::text[]) AND status IN ('open', 'suspended')", [owner, ids])
  const reasons = new Map(items.map((i) => [i.entryId, i.reason]))
  for (const { entry_id: entryId } of withCases) {
    const event = { type: 'entry-removed', reason: reasons.get(entryId) ?? 'other' } as const
    for (const c of await lockCasesOfEntry(client, owner, entryId)) {
      await saveCase(client, { ...c, state: step(c.state, event) }, event, jti, at)
    }
  }
  await client.query(
    "UPDATE objections SET status = 'withdrawn', resolved_jti = $3, resolved_at = $4 WHERE owner = $1 AND entry_id = ANY($2::text[]) AND status = 'open'",
    [owner, ids, jti, at])
  await client.query(
    "UPDATE repairs SET status = 'withdrawn', decided_jti = $3, decided_at = $4 WHERE owner = $1 AND entry_id = ANY($2::text[]) AND status = 'open'",
    [owner, ids, jti, at])
}
