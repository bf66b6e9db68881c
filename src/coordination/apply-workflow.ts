import type pg from 'pg'
import type { ListRemoveItemV1 } from '../../contracts/list-remove-item-v1.js'
import { afterRemoval } from './after-removal.js'
import { applyFeedback } from './apply-feedback.js'
import { decideRepairs } from './decide-repairs.js'
import { openCases } from './open-cases.js'
import { openObjections } from './open-objections.js'
import { requestRepairs } from './request-repairs.js'
import { resolveObjections } from './resolve-objections.js'
import type { WorkflowDeps, WorkflowMessage } from './workflow-deps.js'

/**
 * The joint punishment workflow, run inside the ledger transaction that commits an accepted
 * message (after its entries are written, before its outbox rows): whatever it refuses rolls the
 * whole envelope back. Returns the destinations when the kind has its own (feedback goes to the
 * case's initiator only, a repair request to the entry's owner, a repair decision to the platform
 * that forwarded the request), else undefined for the default (every other platform).
 */
export async function applyWorkflow (
  client: pg.PoolClient, deps: WorkflowDeps, msg: WorkflowMessage
): Promise<string[] | undefined> {
  switch (msg.kind) {
    case 'punishment.notice':
      await openCases(client, deps, msg)
      return undefined
    case 'punishment.feedback':
      return await applyFeedback(client, msg)
    case 'objection.open':
      await openObjections(client, deps, msg)
      return undefined
    case 'objection.resolve':
      await resolveObjections(client, deps, msg)
      return undefined
    case 'repair.request':
      return await requestRepairs(client, deps, msg)
    case 'repair.decision':
      return await decideRepairs(client, deps, msg)
    case 'list.remove':
      await afterRemoval(client, deps, msg.iss, msg.items as ListRemoveItemV1[], msg.jti, msg.at)
      return undefined
    default:
      return undefined
  }
}
