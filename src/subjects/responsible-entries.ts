import type pg from 'pg'
import type { ResponsibleThroughV1 } from '../../contracts/subject-entries-v1.js'
import type { ResponsibleRoleV1, SubjectV1 } from '../../contracts/subject-v1.js'
import { maskIdNumber } from '../identifiers/mask.js'
import type { CurrentEntryRow } from './subject-entries.js'

/** A current entry about another subject that names the one asked about among its responsible persons. */
export interface ResponsibleEntryRow extends CurrentEntryRow {
  /** How the subject asked about stands to the listed one. */
  through: ResponsibleThroughV1
}

/**
 * The current (not removed) entries, in (owner, entryId) order, whose subject names `subjectId`
 * among its responsible persons — by identity number for a person, by credit code for an
 * organisation (e.g. a company that is the actual controller) — so that 落实到人 holds: a check on
 * the legal representative, principal or actual controller of a listed organisation finds its
 * listing (国发〔2016〕33号 (十四); 国办发〔2019〕35号 (十二)). Read through the partial GIN index of
 * migration 013, which the entry's own write keeps current: an update that drops the person or a
 * removal of the entry is seen at once. Entries about the subject itself are not repeated here.
 */
export async function responsibleEntries (client: pg.PoolClient, subjectId: string, kind: 'organisation' | 'person'): Promise<ResponsibleEntryRow[]> {
  const key = kind === 'person' ? 'idNumber' : 'creditCode'
  const { rows } = await client.query<CurrentEntryRow>(
    `SELECT owner, entry_id, version, list_type, list_code, domain, status, updated_at, data
     FROM entries
     WHERE status <> 'removed' AND data -> 'subject' ? 'responsiblePersons'
       AND data -> 'subject' -> 'responsiblePersons' @> $1::jsonb AND subject_id <> $2
     ORDER BY owner, entry_id`, [JSON.stringify([{ [key]: subjectId }]), subjectId])
  return rows.map((r) => {
    const subject = (r.data as { subject?: Partial<Omit<SubjectV1, 'responsiblePersons'>> & { responsiblePersons?: Array<Record<string, unknown>> } }).subject ?? {}
    const roles = [
      ...new Set(
        (subject.responsiblePersons ?? []).filter((p) => p[key] === subjectId).map((p) => p.role as ResponsibleRoleV1)
      )
    ].sort()
    const person = subject.type === 'person'
    return {
      ...r,
      through: {
        roles,
        subjectId: person ? maskIdNumber(subject.idNumber ?? '') : subject.creditCode ?? '',
        subjectType: subject.type ?? ''
      }
    }
  })
}
