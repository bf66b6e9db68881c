import type pg from 'pg'
import type { PunishmentFeedbackItemV1 } from '../../contracts/punishment-feedback-item-v1.js'
import type { CaseEvent } from '../punishment/case-events.js'
import { GatewayError } from '../errors/gateway-error.js'
import { lockCase, saveCase, step, type StoredCase } from './case-store.js'
import { ItemErrors } from '../errors/item-errors.js'
import type { WorkflowMessage } from './workflow-deps.js'

/** The state machine's event for one item (validateItems has made sure an outcome other than `acknowledged` names its
 * measure). */
function eventOf (item: PunishmentFeedbackItemV1, platform: string): CaseEvent {
  if (item.outcome === 'acknowledged') return { type: 'acknowledge', platform }
  return {
    type: 'feedback',
    platform,
    measure: item.measure ?? '',
    outcome: item.outcome,
    ...(item.appliedOn === undefined ? {} : { appliedOn: item.appliedOn }),
    ...(item.reason === undefined ? {} : { reason: item.reason })
  }
}

/**
 * `punishment.feedback`: each item is the sending platform's response (acknowledged) or its
 * outcome for one measure, applied to the case through the state machine. Items apply in order,
 * several to one case included; any illegal step rejects the whole envelope. Returns the
 * initiators, the only platforms the feedback goes to.
 */
export async function applyFeedback (client: pg.PoolClient, msg: WorkflowMessage): Promise<string[]> {
  const items = msg.items as PunishmentFeedbackItemV1[]
  const errors = new ItemErrors()
  const cases = new Map<string, StoredCase>()
  for (const [index, item] of items.entries()) {
    const key = `${item.initiator}\u0000${item.caseId}`
    const c = cases.get(key) ?? await lockCase(client, item.initiator, item.caseId)
    if (c === undefined) {
      errors.add(index, '/caseId', 'CASE_UNKNOWN', 'no case with this id from this initiator')
      continue
    }
    const event = eventOf(item, msg.iss)
    try {
      const next = { ...c, state: step(c.state, event) }
      cases.set(key, next)
      await saveCase(client, next, event, msg.jti, msg.at, msg.iss)
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err
      errors.add(index, item.outcome === 'acknowledged' ? '/outcome' : '/measure', err.code, err.message)
    }
  }
  errors.throwIfAny((n) => `${n} item(s) cannot be applied to their case; the envelope was not accepted`)
  return [...new Set(items.map((i) => i.initiator))]
}
