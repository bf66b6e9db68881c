import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import type { GatewayNoticeItemV1 } from '../../contracts/gateway-notice-item-v1.js'
import { inTransaction } from '../ledger/pool.js'
import { emitGatewayMessage } from '../ledger/gateway-messages.js'
import { chinaToday } from './case-deadlines.js'
import type { WorkflowDeps } from './workflow-deps.js'

interface Due { owner: string, id: string, entry_id: string, due: string }

/** One kind of request the owner must answer in time: where it lives and how its reminder reads. */
interface Limit {
  table: 'objections' | 'repairs'
  idColumn: 'objection_id' | 'repair_id'
  dueColumn: 'answer_by' | 'decide_by'
  notice: (r: Due) => Omit<GatewayNoticeItemV1, 'noticeId' | 'noticeType'>
}

const OBJECTIONS: Limit = {
  table: 'objections',
  idColumn: 'objection_id',
  dueColumn: 'answer_by',
  notice: (r) => ({
    entryId: r.entry_id,
    owner: r.owner,
    objectionId: r.id,
    dueOn: r.due,
    text: `Objection ${r.id} to entry ${r.owner}/${r.entry_id} was due to be answered on ${r.due} (working days, 24:00 CST) and is still open. Verify and send objection.resolve (国发〔2016〕33号 (二十二)).`
  })
}

const REPAIRS: Limit = {
  table: 'repairs',
  idColumn: 'repair_id',
  dueColumn: 'decide_by',
  notice: (r) => ({
    entryId: r.entry_id,
    owner: r.owner,
    dueOn: r.due,
    text: `Repair request ${r.id} for entry ${r.owner}/${r.entry_id} was due to be decided on ${r.due} (working days, 24:00 CST) and is still open. Send repair.decision (国办发〔2020〕49号 (十二)).`
  })
}

/** Marks each open request of one kind past its deadline overdue, once, and reminds its owner. */
async function sweep (pool: pg.Pool, deps: WorkflowDeps, limit: Limit, at: Date): Promise<number> {
  const { table, idColumn, dueColumn } = limit
  const today = chinaToday(at)
  const { rows } = await pool.query<{ owner: string, id: string }>(
    `SELECT owner, ${idColumn} AS id FROM ${table} WHERE status = 'open' AND NOT overdue AND ${dueColumn} < $1::date ORDER BY ${dueColumn} LIMIT 5000`, [today])
  let marked = 0
  for (const { owner, id } of rows) {
    marked += await inTransaction(pool, async (client) => {
      const locked = await client.query<Due>(
        `SELECT owner, ${idColumn} AS id, entry_id, to_char(${dueColumn}, 'YYYY-MM-DD') AS due FROM ${table}
         WHERE owner = $1 AND ${idColumn} = $2 AND status = 'open' AND NOT overdue AND ${dueColumn} < $3::date FOR UPDATE SKIP LOCKED`, [owner, id, today])
      const r = locked.rows[0]
      if (r === undefined) return 0
      await client.query(`UPDATE ${table} SET overdue = true WHERE owner = $1 AND ${idColumn} = $2`, [owner, id])
      const notice: GatewayNoticeItemV1 = { noticeId: `RD-${randomUUID()}`, noticeType: 'reminder', ...limit.notice(r) }
      await emitGatewayMessage(client, deps.keys, { kind: 'gateway.notice', items: [notice], destinations: [owner] }, at)
      return 1
    })
  }
  return marked
}

/**
 * The time limits that protect subjects: an objection the owner has not answered by its deadline
 * (国发〔2016〕33号 (二十二)) and a repair request not decided by its deadline (国办发〔2020〕49号
 * (十二)), both in working days to 24:00 China Standard Time, are marked overdue once (the
 * statistics count them) and the owner gets one reminder (催办) as a gateway notice. Safe to run
 * from several gateways at once (rows locked, SKIP LOCKED, re-checked under the lock).
 */
export async function sweepSubjectDeadlines (
  pool: pg.Pool, deps: WorkflowDeps, at: Date = new Date()
): Promise<{ objectionsOverdue: number, repairsOverdue: number }> {
  const objectionsOverdue = await sweep(pool, deps, OBJECTIONS, at)
  const repairsOverdue = await sweep(pool, deps, REPAIRS, at)
  return { objectionsOverdue, repairsOverdue }
}
