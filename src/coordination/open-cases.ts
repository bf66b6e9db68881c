import type pg from 'pg'
import type { PunishmentNoticeItemV1 } from '../../contracts/punishment-notice-item-v1.js'
import type { SubjectV1 } from '../../contracts/subject-v1.js'
import { mayIdentify } from '../delivery/share-scope.js'
import { subjectMismatch } from './notice-subject.js'
import { CaseTransitionError, openCase } from '../punishment/case-state-machine.js'
import type { CaseState } from '../punishment/case-states.js'
import { chinaToday, workingDeadline } from './case-deadlines.js'
import { noticeMeasureErrors } from './notice-measures.js'
import { recordEvent } from './case-store.js'
import { ItemErrors } from '../errors/item-errors.js'
import type { WorkflowDeps, WorkflowMessage } from './workflow-deps.js'

interface EntryRow { status: string, list_type: string, list_code: string, domain: string, subject_id: string, version: number, subject: SubjectV1, measures: Array<{ code: string }> | null, valid_from: string }

/**
 * `punishment.notice` opens one case per item (发起): the entry must be current and not under
 * objection and in force (from its validFrom), the notice names only measures the entry carries (its
 * own, or its list type's defaults when it names none: 国办发〔2020〕49号 (十)), punishment rests on a
 * black or key-supervision entry and reward on a red one, the
 * notice's subject is the entry's as the ledger holds it (it may leave fields out, never add or
 * change one: SUBJECT_MISMATCH), and the case id is new for the initiator. Every other enabled
 * platform implements the case, except one whose share scopes keep the subject's identifier from
 * it (it is never sent the notice: see share-scope.ts); the deadlines are moved to working days.
 */
export async function openCases (client: pg.PoolClient, deps: WorkflowDeps, msg: WorkflowMessage): Promise<void> {
  const items = msg.items as PunishmentNoticeItemV1[]
  const errors = new ItemErrors()
  const others = deps.platforms().filter((p) => p !== msg.iss)
  for (const [index, item] of items.entries()) {
    const { rows } = await client.query<EntryRow>(
      `SELECT status, list_type, list_code, domain, subject_id, version, data->'subject' AS subject, data->'measures' AS measures, data->>'validFrom' AS valid_from
       FROM entries WHERE owner = $1 AND entry_id = $2`, [item.owner, item.entryId])
    const entry = rows[0]
    if (entry === undefined || entry.status === 'removed') {
      errors.add(index, '/entryId', 'ENTRY_UNKNOWN', 'no current entry with this id at this owner')
      continue
    }
    if (entry.status === 'suspended') errors.add(index, '/entryId', 'CASE_TRANSITION_INVALID', 'the entry is under objection: its measures are suspended')
    // A listing takes effect from its start (国发〔2016〕33号 (二十一)): no measure before validFrom.
    if (entry.valid_from > chinaToday(msg.at)) errors.add(index, '/entryId', 'CASE_TRANSITION_INVALID', `the entry is not in force before ${entry.valid_from} (validFrom): its measures do not apply yet`)
    for (const e of noticeMeasureErrors(deps.registries, entry.list_code, entry.measures ?? [], item.measures)) errors.add(index, e.path, e.code, e.detail)
    const red = entry.list_type === 'red'
    if ((item.mode === 'reward') !== red) errors.add(index, '/mode', 'SCHEMA_INVALID', `a ${item.mode} case cannot rest on a ${entry.list_type} list entry`)
    if ((item.subject.creditCode ?? item.subject.idNumber) !== entry.subject_id) errors.add(index, '/subject', 'SUBJECT_MISMATCH', 'the subject is not the entry\'s subject')
    else {
      const at = subjectMismatch(item.subject, entry.subject)
      if (at !== undefined) errors.add(index, at, 'SUBJECT_MISMATCH', 'differs from the entry\'s subject as the ledger holds it')
    }
    const implementers = others.filter((p) => mayIdentify(entry.subject, deps.registries, deps.shareScopesOf(p)))
    let state: CaseState
    try {
      state = openCase({ caseId: item.caseId, mode: item.mode, entryId: item.entryId, measures: item.measures, initiator: msg.iss, implementers, entryVersion: entry.version })
    } catch (err) {
      if (!(err instanceof CaseTransitionError)) throw err
      errors.add(index, '', 'CASE_TRANSITION_INVALID', err.message)
      continue
    }
    const inserted = await client.query(
      `INSERT INTO cases (initiator, case_id, mode, owner, entry_id, domain, status, state, respond_by, feedback_by, jti, opened_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) ON CONFLICT DO NOTHING`,
      [msg.iss, item.caseId, item.mode, item.owner, item.entryId, entry.domain, state.status, state,
        workingDeadline(item.respondBy, deps.calendar), workingDeadline(item.feedbackBy, deps.calendar), msg.jti, msg.at])
    if (inserted.rowCount === 0) {
      errors.add(index, '/caseId', 'CASE_EXISTS', 'this initiator already opened a case with this id')
      continue
    }
    await recordEvent(client, { initiator: msg.iss, caseId: item.caseId, state }, { type: 'opened' }, msg.jti, msg.at, null)
  }
  errors.throwIfAny((n) => `${n} item(s) cannot open a case; the envelope was not accepted`)
}
