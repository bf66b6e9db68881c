import type pg from 'pg'
import type { CaseDetailV1, CaseListV1, CaseV1 } from '../../contracts/case-v1.js'
import type { CaseState } from '../punishment/case-states.js'
import { platformState } from '../punishment/case-state-machine.js'
import type { WorkingCalendar } from '../../config/calendar-schema.js'
import { WEEKENDS_ONLY } from '../punishment/working-days.js'
import { deadlineCalendar } from './deadline-calendar.js'

interface CaseRow {
  initiator: string,
  case_id: string,
  mode: 'punishment' | 'reward',
  owner: string,
  entry_id: string,
  domain: string
  state: CaseState,
  overdue: boolean,
  respond_by: string,
  feedback_by: string,
  jti: string,
  opened_at: Date,
  updated_at: Date
}

const COLUMNS = `initiator, case_id, mode, owner, entry_id, domain, state, overdue, to_char(respond_by, 'YYYY-MM-DD') AS respond_by,
  to_char(feedback_by, 'YYYY-MM-DD') AS feedback_by, jti, opened_at, updated_at`

function toCase (r: CaseRow, cal: WorkingCalendar): CaseV1 {
  const s = r.state
  return {
    initiator: r.initiator,
    caseId: r.case_id,
    mode: r.mode,
    owner: r.owner,
    entryId: r.entry_id,
    entryVersion: s.entryVersion,
    domain: r.domain,
    status: s.status,
    overdue: r.overdue,
    measures: [...s.measures],
    respondBy: r.respond_by,
    feedbackBy: r.feedback_by,
    deadlineCalendar: {
      respondBy: deadlineCalendar(r.respond_by, cal), feedbackBy: deadlineCalendar(r.feedback_by, cal)
    },
    openObjection: s.openObjection,
    removedBy: s.removedBy,
    remediation: s.remediation.map((n) => ({ platform: n.platform, measures: [...n.measures] })),
    platforms: s.implementers.map((p) => {
      const pc = s.platforms[p]
      return {
        platform: p,
        state: platformState(s, p) ?? 'pushed',
        respondedBy: pc?.respondedBy ?? null,
        overdue: { response: pc?.overdue.response ?? false, feedback: pc?.overdue.feedback ?? false },
        outcomes: { ...pc?.outcomes },
        corrections: pc?.corrections ?? 0
      }
    }),
    openedAt: r.opened_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    jti: r.jti
  }
}

export interface CaseFilter {
  status?: string | undefined
  overdue?: boolean | undefined
  /** A platform sees the cases it initiated or implements; undefined: every case. */
  party?: string | undefined
  limit: number
  /** The loaded holiday calendar, to flag deadlines in years without an official one (default: none). */
  calendar?: WorkingCalendar | undefined
}

/** Cases, overdue first, then the most recently opened. */
export async function listCases (pool: pg.Pool, f: CaseFilter): Promise<CaseListV1> {
  const { rows } = await pool.query<CaseRow>(
    `SELECT ${COLUMNS} FROM cases
     WHERE ($1::text IS NULL OR status = $1) AND ($2::boolean IS NULL OR overdue = $2)
       AND ($3::text IS NULL OR initiator = $3 OR state->'implementers' ? $3)
     ORDER BY overdue DESC, opened_at DESC LIMIT $4`,
    [f.status ?? null, f.overdue ?? null, f.party ?? null, f.limit])
  return { cases: rows.map((r) => toCase(r, f.calendar ?? WEEKENDS_ONLY)) }
}

/** One case with its history, or undefined (also when `party` is not part of it). */
export async function readCase (
  pool: pg.Pool, initiator: string, caseId: string, party?: string, calendar: WorkingCalendar = WEEKENDS_ONLY
): Promise<CaseDetailV1 | undefined> {
  const { rows } = await pool.query<CaseRow>(`SELECT ${COLUMNS} FROM cases WHERE initiator = $1 AND case_id = $2`, [initiator, caseId])
  const row = rows[0]
  if (row === undefined) return undefined
  if (party !== undefined && party !== row.initiator && !row.state.implementers.includes(party)) return undefined
  const events = await pool.query<{
    at: Date, platform: string | null, event: Record<string, unknown>, status: string, jti: string | null
  }>(
    'SELECT at, platform, event, status, jti FROM case_events WHERE initiator = $1 AND case_id = $2 ORDER BY id', [initiator, caseId])
  return { ...toCase(row, calendar), events: events.rows.map((e) => ({ ...e, at: e.at.toISOString() })) }
}
