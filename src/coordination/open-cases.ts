import type pg from 'pg'
import type { PunishmentNoticeItemV1 } from '../../contracts/punishment-notice-item-v1.js'
import type { SubjectV1 } from '../../contracts/subject-v1.js'
import { mayIdentify } from '../delivery/share-scope.js'
import { bindingBasis } from '../checks/binding-basis.js'
import { subjectMismatch } from './notice-subject.js'
import { CaseTransitionError, openCase } from '../punishment/case-state-machine.js'
import type { CaseState } from '../punishment/case-states.js'
import { chinaToday, workingDeadline } from './case-deadlines.js'
import { noticeMeasureErrors } from './notice-measures.js'
import { recordEvent } from './case-store.js'
import { ItemErrors } from '../errors/item-errors.js'
import type { WorkflowDeps, WorkflowMessage } from './workflow-deps.js'
import { initiatorEntitled } from './initiator-entitled.js'

interface EntryRow {
  status: string,
  list_type: string,
  list_code: string,
  domain: string,
  subject_id: string,
  version: number,
  subject: SubjectV1,
  measures: Array<{ code: string }> | null,
  valid_from: string,
  authority_code: string | null
}

/**
 * `punishment.notice` opens one case per item (发起): the entry must be current and not under
 * objection and in force (from its validFrom), the notice names only measures the entry carries (its
 * own, or its list type's defaults when it names none: 国办发〔2020〕49号 (十)), punishment rests on a
 * black or key-supervision entry and reward on a red one, the
 * notice's subject is the entry's as the ledger holds it (it may leave fields out, never add or
 * change one: SUBJECT_MISMATCH), the initiator is entitled to initiate on the entry (the owner or a
 * platform of the deciding region: NOT_OWNER, see initiator-entitled.ts), and the case id is new
 * for the initiator. Every other enabled platform implements the case — never the initiator nor the
 * entry's owner (it does not implement its own listing) — except one whose share scopes keep the
 * subject's identifier from it (it is never sent the notice: see share-scope.ts), and one the entry
 * does not bind: outside its owner's province a provincial list type binds only through a regional
 * memorandum (合作备忘录, 浙政办发〔2021〕29号 (五) 第26项) signed by the owner and that platform naming
 * the list and every measure of the notice (bindingBasis; national lists bind everywhere). Such a
 * platform still receives the notice, as information, but is not asked to respond or feed back. A
 * notice that binds no platform is refused (no implementing platform), and so is one whose measures a
 * platform is bound to only in part: the initiator sends the bound measures on their own. The
 * deadlines are moved to working days.
 */
export async function openCases (client: pg.PoolClient, deps: WorkflowDeps, msg: WorkflowMessage): Promise<void> {
  const items = msg.items as PunishmentNoticeItemV1[]
  const errors = new ItemErrors()
  const others = deps.platforms().filter((p) => p !== msg.iss)
  for (const [index, item] of items.entries()) {
    const { rows } = await client.query<EntryRow>(
      `SELECT status, list_type, list_code, domain, subject_id, version, data->'subject' AS subject, data->'measures' AS measures, data->>'validFrom' AS valid_from,
       data->'decision'->>'authorityCode' AS authority_code FROM entries WHERE owner = $1 AND entry_id = $2`, [item.owner, item.entryId])
    const entry = rows[0]
    if (entry === undefined || entry.status === 'removed') {
      errors.add(index, '/entryId', 'ENTRY_UNKNOWN', 'no current entry with this id at this owner')
      continue
    }
    if (!initiatorEntitled(msg.iss, item.owner, entry.authority_code, deps.regionOf ?? (() => undefined))) {
      errors.add(index, '/owner', 'NOT_OWNER', '国发〔2016〕33号 (十五)(十六): a joint punishment is initiated by the entry\'s owner or a platform of the region that made the decision')
      continue
    }
    if (entry.status === 'suspended') errors.add(index, '/entryId', 'CASE_TRANSITION_INVALID', 'the entry is under objection: its measures are suspended')
    // A listing takes effect from its start (国发〔2016〕33号 (二十一)): no measure before validFrom.
    if (entry.valid_from > chinaToday(msg.at)) errors.add(index, '/entryId', 'CASE_TRANSITION_INVALID', `the entry is not in force before ${entry.valid_from} (validFrom): its measures do not apply yet`)
    for (
      const e of noticeMeasureErrors(deps.registries, entry.list_code, entry.measures ?? [], item.measures)
    ) errors.add(index, e.path, e.code, e.detail)
    const red = entry.list_type === 'red'
    if ((item.mode === 'reward') !== red) errors.add(index, '/mode', 'SCHEMA_INVALID', `a ${item.mode} case cannot rest on a ${entry.list_type} list entry`)
    if ((item.subject.creditCode ?? item.subject.idNumber) !== entry.subject_id) errors.add(index, '/subject', 'SUBJECT_MISMATCH', 'the subject is not the entry\'s subject')
    else {
      const at = subjectMismatch(item.subject, entry.subject)
      if (at !== undefined) errors.add(index, at, 'SUBJECT_MISMATCH', 'differs from the entry\'s subject as the ledger holds it')
    }
    // The owner never implements its own listing (国发〔2016〕33号 (十五)(十六)).
    const candidates = others.filter((p) => p !== item.owner)
    const registries = deps.registries
    const bound = (p: string): string[] => registries === undefined
      ? item.measures
      : item.measures.filter((m) => bindingBasis(registries, entry.list_code, item.owner, p, m) !== undefined)
    if (candidates.length > 0 && candidates.every((p) => bound(p).length === 0)) {
      errors.add(index, '/entryId', 'CASE_TRANSITION_INVALID', `list ${entry.list_code} is information only outside ${item.owner}: no memorandum (合作备忘录) binds another province to these measures`)
      continue
    }
    const partly = candidates.filter((p) => { const n = bound(p).length; return n > 0 && n < item.measures.length })
    if (partly.length > 0) {
      const unbound = item.measures.filter((m) => !bound(partly[0] as string).includes(m))
      errors.add(index, '/measures', 'CASE_TRANSITION_INVALID', `${unbound.join(', ')} of list ${entry.list_code} bind(s) no other province on a memorandum (${partly.join(', ')} bound to the other measures only): send the bound measures in a notice of their own`)
      continue
    }
    const implementers = candidates.filter(
      (p) => bound(p).length > 0 && mayIdentify(entry.subject, deps.registries, deps.shareScopesOf(p))
    )
    let state: CaseState
    try {
      state = openCase(
        {
          caseId: item.caseId,
          mode: item.mode,
          entryId: item.entryId,
          measures: item.measures,
          initiator: msg.iss,
          implementers,
          entryVersion: entry.version
        }
      )
    } catch (err) {
      if (!(err instanceof CaseTransitionError)) throw err
      errors.add(index, '', 'CASE_TRANSITION_INVALID', err.message)
      continue
    }
    const inserted = await client.query(
      `INSERT INTO cases (initiator, case_id, mode, owner, entry_id, domain, status, state, respond_by, feedback_by, jti, opened_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) ON CONFLICT DO NOTHING`,
      [msg.iss, item.caseId, item.mode, item.owner, item.entryId, entry.domain, state.status, state,
        workingDeadline(item.respondBy, deps.calendar), workingDeadline(
          item.feedbackBy, deps.calendar
        ), msg.jti, msg.at])
    if (inserted.rowCount === 0) {
      errors.add(index, '/caseId', 'CASE_EXISTS', 'this initiator already opened a case with this id')
      continue
    }
    await recordEvent(client, { initiator: msg.iss, caseId: item.caseId, state }, { type: 'opened' }, msg.jti, msg.at, null)
  }
  errors.throwIfAny((n) => `${n} item(s) cannot open a case; the envelope was not accepted`)
}
