import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type pg from 'pg'
import type { GatewayNoticeItemV1 } from '../../contracts/gateway-notice-item-v1.js'
import type { CaseState } from '../punishment/case-states.js'
import { inTransaction } from '../ledger/pool.js'
import { emitGatewayMessage } from '../ledger/gateway-messages.js'
import { chinaToday, deadlinePassed } from './case-deadlines.js'
import { saveCase, step } from './case-store.js'
import type { WorkflowDeps } from './workflow-deps.js'

interface LiveCase {
  initiator: string,
  case_id: string,
  owner: string,
  entry_id: string,
  state: CaseState,
  respond_by: string,
  feedback_by: string
}

/** What is late for one platform of a case, if anything. */
function lateSteps (c: LiveCase, platform: string, at: Date): Array<'response' | 'feedback'> {
  const p = c.state.platforms[platform]
  if (p === undefined) return []
  const late: Array<'response' | 'feedback'> = []
  if (p.respondedBy === null && !p.overdue.response && deadlinePassed(c.respond_by, at)) late.push('response')
  // No feedback is taken while measures are suspended: its deadline does not run out then.
  if (c.state.status === 'open' && p.state !== 'feedback-complete' && !p.overdue.feedback && deadlinePassed(c.feedback_by, at)) late.push('feedback')
  return late
}

function reminder (c: LiveCase, which: 'response' | 'feedback'): GatewayNoticeItemV1 {
  const due = which === 'response' ? c.respond_by : c.feedback_by
  return {
    noticeId: `RD-${randomUUID()}`,
    noticeType: 'reminder',
    caseId: c.case_id,
    initiator: c.initiator,
    entryId: c.entry_id,
    owner: c.owner,
    dueOn: due,
    text: which === 'response'
      ? `Case ${c.initiator}/${c.case_id}: your response was due on ${due} (working days, 24:00 CST) and has not arrived. Acknowledge the notice.`
      : `Case ${c.initiator}/${c.case_id}: feedback on every measure was due on ${due} and is incomplete. Send the outstanding feedback.`
  }
}

/**
 * Finds responses and feedback past their deadline (working days, to 24:00 China Standard Time),
 * marks each platform late once (the state machine's deadline-passed event, which also marks the
 * case overdue for the statistics) and sends that platform one reminder (催办) as a gateway notice.
 * Safe to run from several gateways at once: each case is locked and skipped when another run
 * holds it. Returns the number of reminders sent.
 */
export async function sweepOverdue (
  pool: pg.Pool, deps: WorkflowDeps, at: Date = new Date(), log?: FastifyBaseLogger
): Promise<number> {
  const { rows } = await pool.query<{ initiator: string, case_id: string }>(
    "SELECT initiator, case_id FROM cases WHERE status IN ('open', 'suspended') AND least(respond_by, feedback_by) < $1::date ORDER BY opened_at LIMIT 5000",
    [chinaToday(at)])
  let sent = 0
  for (const { initiator, case_id: caseId } of rows) {
    sent += await inTransaction(pool, async (client) => {
      const locked = await client.query<LiveCase>(
        `SELECT initiator, case_id, owner, entry_id, state, to_char(respond_by, 'YYYY-MM-DD') AS respond_by, to_char(feedback_by, 'YYYY-MM-DD') AS feedback_by
         FROM cases WHERE initiator = $1 AND case_id = $2 AND status IN ('open', 'suspended') FOR UPDATE SKIP LOCKED`, [initiator, caseId])
      const c = locked.rows[0]
      if (c === undefined) return 0
      const caseLog = log?.child({ caseId, initiator })
      let state = c.state
      let n = 0
      for (const platform of state.implementers) {
        for (const which of lateSteps({ ...c, state }, platform, at)) {
          const event = { type: 'deadline-passed', which, platform } as const
          state = step(state, event)
          await saveCase(client, { initiator, caseId, state }, event, null, at, platform)
          await emitGatewayMessage(client, deps.keys, { kind: 'gateway.notice', items: [reminder(c, which)], destinations: [platform] }, at)
          caseLog?.info({ platform, which }, 'case deadline passed: reminder sent')
          n++
        }
      }
      return n
    })
  }
  return sent
}
