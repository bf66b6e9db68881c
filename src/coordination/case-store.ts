import type pg from 'pg'
import type { CaseEvent } from '../punishment/case-events.js'
import type { CaseState } from '../punishment/case-states.js'
import { CaseTransitionError, transition } from '../punishment/case-state-machine.js'
import { GatewayError } from '../errors/gateway-error.js'

/** A case row as the workflow handles it. */
export interface StoredCase {
  initiator: string
  caseId: string
  state: CaseState
}

/** Runs a state-machine step, turning an illegal transition into the gateway's 409. */
export function step (state: CaseState, event: CaseEvent): CaseState {
  try {
    return transition(state, event)
  } catch (err) {
    if (err instanceof CaseTransitionError) throw new GatewayError('CASE_TRANSITION_INVALID', err.message, { cause: err })
    throw err
  }
}

/** Loads a case and locks it until the transaction ends (concurrent feedback serialises here). */
export async function lockCase (
  client: pg.PoolClient, initiator: string, caseId: string
): Promise<StoredCase | undefined> {
  const { rows } = await client.query<{ state: CaseState }>(
    'SELECT state FROM cases WHERE initiator = $1 AND case_id = $2 FOR UPDATE', [initiator, caseId])
  const row = rows[0]
  return row === undefined ? undefined : { initiator, caseId, state: row.state }
}

/**
 * Cases resting on an entry in one of `statuses` (default the live ones), locked, oldest first. A
 * wrongful entry's closed cases are looked up too: their applied measures are still remedied.
 */
export async function lockCasesOfEntry (client: pg.PoolClient, owner: string, entryId: string, statuses: readonly string[] = ['open', 'suspended']): Promise<StoredCase[]> {
  const { rows } = await client.query<{ initiator: string, case_id: string, state: CaseState }>(
    `SELECT initiator, case_id, state FROM cases
     WHERE owner = $1 AND entry_id = $2 AND status = ANY($3::text[]) ORDER BY opened_at FOR UPDATE`, [owner, entryId, statuses])
  return rows.map((r) => ({ initiator: r.initiator, caseId: r.case_id, state: r.state }))
}

/** Whether any platform of the case is marked late. */
export const isOverdue = (state: CaseState): boolean =>
  Object.values(state.platforms).some((p) => p.overdue.response || p.overdue.feedback)

/** Stores a case's new state and the event that led to it, in the caller's transaction. */
export async function saveCase (client: pg.PoolClient, c: StoredCase, event: CaseEvent | { type: 'opened' | 'revoked-after-closing' }, jti: string | null, at: Date, platform: string | null = null): Promise<void> {
  await client.query(
    'UPDATE cases SET state = $3, status = $4, overdue = $5, updated_at = $6 WHERE initiator = $1 AND case_id = $2',
    [c.initiator, c.caseId, c.state, c.state.status, isOverdue(c.state), at])
  await recordEvent(client, c, event, jti, at, platform)
}

export async function recordEvent (client: pg.PoolClient, c: StoredCase, event: CaseEvent | { type: 'opened' | 'revoked-after-closing' }, jti: string | null, at: Date, platform: string | null): Promise<void> {
  await client.query(
    'INSERT INTO case_events (initiator, case_id, platform, event, status, jti, at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [c.initiator, c.caseId, platform, event, c.state.status, jti, at])
}
