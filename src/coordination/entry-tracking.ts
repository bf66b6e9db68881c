import type pg from 'pg'
import type { WorkingCalendar } from '../../config/calendar-schema.js'
import type { EntryTrackingV1, PropagationV1 } from '../../contracts/entry-tracking-v1.js'
import { GATEWAY_ID } from '../../contracts/envelope-v1.js'
import { WEEKENDS_ONLY } from '../punishment/working-days.js'
import { deadlineCalendar } from './deadline-calendar.js'

/** Where message (`iss`, `jti`) stands at each of its destinations. */
export async function propagation (pool: pg.Pool, iss: string, jti: string): Promise<PropagationV1> {
  const env = await pool.query<{ kind: string, received_at: Date }>('SELECT kind, received_at FROM envelopes WHERE iss = $1 AND jti = $2', [iss, jti])
  const { rows } = await pool.query<{ destination: string, status: string, delivered_at: Date | null }>(
    'SELECT destination, status, delivered_at FROM deliveries WHERE iss = $1 AND jti = $2 ORDER BY destination', [iss, jti])
  const complete = rows.every((r) => r.status === 'delivered')
  const last = rows.reduce<Date | null>(
    (m, r) => r.delivered_at !== null && (m === null || r.delivered_at > m) ? r.delivered_at : m, null
  )
  return {
    jti,
    kind: env.rows[0]?.kind ?? 'unknown',
    receivedAt: env.rows[0]?.received_at.toISOString() ?? '',
    destinations: rows.map(
      (r) => ({ platform: r.destination, status: r.status, deliveredAt: r.delivered_at?.toISOString() ?? null })
    ),
    complete,
    completedAt: complete && last !== null ? last.toISOString() : null
  }
}

/**
 * An entry's state, its last change's propagation, its objections' and its repair requests', or undefined.
 * Each working-day deadline says which holiday calendar its year has in `calendar` (a provisional or
 * missing one makes the date uncertain), as a case's do.
 */
export async function entryTracking (
  pool: pg.Pool, owner: string, entryId: string, calendar: WorkingCalendar = WEEKENDS_ONLY
): Promise<EntryTrackingV1 | undefined> {
  const { rows } = await pool.query<{ version: number, status: 'active' | 'suspended' | 'removed', list_code: string, domain: string, wrongful: boolean, removal: { reason: string, effectiveOn: string } | null, last_iss: string, last_jti: string }>(
    'SELECT version, status, list_code, domain, wrongful, removal, last_iss, last_jti FROM entries WHERE owner = $1 AND entry_id = $2', [owner, entryId])
  const e = rows[0]
  if (e === undefined) return undefined
  const objections = await pool.query<{
    objection_id: string,
    status: string,
    raised_by: string,
    measures_continue: boolean,
    opened_at: Date,
    resolved_at: Date | null,
    opened_jti: string,
    answer_by: string | null,
    overdue: boolean
  }>(
    `SELECT objection_id, status, raised_by, measures_continue, opened_at, resolved_at, opened_jti, to_char(answer_by, 'YYYY-MM-DD') AS answer_by, overdue
     FROM objections WHERE owner = $1 AND entry_id = $2 ORDER BY opened_at`, [owner, entryId])
  const repairs = await pool.query<{
    repair_id: string,
    status: string,
    raised_by: string,
    requested_on: string,
    decide_by: string,
    overdue: boolean,
    decided_at: Date | null,
    removal_jti: string | null
  }>(
    `SELECT repair_id, status, raised_by, to_char(requested_on, 'YYYY-MM-DD') AS requested_on, to_char(decide_by, 'YYYY-MM-DD') AS decide_by, overdue, decided_at, removal_jti
     FROM repairs WHERE owner = $1 AND entry_id = $2 ORDER BY requested_at`, [owner, entryId])
  return {
    owner,
    entryId,
    version: e.version,
    status: e.status,
    listCode: e.list_code,
    domain: e.domain,
    wrongful: e.wrongful,
    removal: e.removal === null ? null : { reason: e.removal.reason, effectiveOn: e.removal.effectiveOn },
    lastChange: await propagation(pool, e.last_iss, e.last_jti),
    objections: await Promise.all(objections.rows.map(async (o) => ({
      objectionId: o.objection_id,
      status: o.status,
      raisedBy: o.raised_by,
      measuresContinue: o.measures_continue,
      openedAt: o.opened_at.toISOString(),
      resolvedAt: o.resolved_at?.toISOString() ?? null,
      answerBy: o.answer_by,
      answerByCalendar: o.answer_by === null ? null : deadlineCalendar(o.answer_by, calendar),
      overdue: o.overdue,
      suspension: await propagation(pool, o.raised_by, o.opened_jti)
    }))),
    repairs: await Promise.all(repairs.rows.map(async (r) => ({
      repairId: r.repair_id,
      status: r.status,
      raisedBy: r.raised_by,
      requestedOn: r.requested_on,
      decideBy: r.decide_by,
      decideByCalendar: deadlineCalendar(r.decide_by, calendar),
      overdue: r.overdue,
      decidedAt: r.decided_at?.toISOString() ?? null,
      removal: r.removal_jti === null ? null : await propagation(pool, GATEWAY_ID, r.removal_jti)
    })))
  }
}
