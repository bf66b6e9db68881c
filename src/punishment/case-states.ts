import type { PlatformIdV1 } from '../../contracts/common-v1.js'
import type { EventKey, PlatformEventKey, RemovalReason } from './case-events.js'

/**
 * Case-level states. `open` and `suspended` are live; `closed`, `revoked` and `withdrawn` are final.
 * The status is stored, not derived, because suspension, revocation and withdrawal are facts about
 * the entry that the platforms' progress cannot show. One promotion is derived: an `open` case whose
 * implementing platforms are all `feedback-complete` is `closed`.
 */
export const CASE_STATUSES = ['open', 'suspended', 'closed', 'revoked', 'withdrawn'] as const

/** A case-level state. */
export type CaseStatus = typeof CASE_STATUSES[number]

/**
 * Per-platform progress. One promotion is derived: a platform that has an outcome for every measure
 * is `feedback-complete`. Suspension is case-wide (measures are suspended everywhere), so it lives
 * in the case status; `platformState()` reports `suspended` for every platform of a suspended case.
 * Overdue is a mark beside the progress, not a state: a platform can be late and still progress.
 */
export const PLATFORM_STATES = ['pushed', 'acknowledged', 'feedback-partial', 'feedback-complete'] as const

/** A per-platform progress state. */
export type PlatformState = typeof PLATFORM_STATES[number]

/**
 * Case-level transitions: status × event key → next status. A pair missing from the table is an
 * illegal transition. Final statuses accept nothing. Platform events must also pass
 * `PLATFORM_ALLOWED`. While suspended, platforms may still respond and deadlines may still be
 * marked, but no feedback is taken: measures are not executed during verification
 * (联合惩戒措施在信息核实期间暂不执行).
 */
export const ALLOWED: { readonly [S in CaseStatus]: Readonly<Partial<Record<EventKey, CaseStatus>>> } = {
  open: {
    acknowledge: 'open',
    feedback: 'open',
    'feedback-correction': 'open',
    'deadline-passed:response': 'open',
    'deadline-passed:feedback': 'open',
    'objection-opened': 'suspended',
    'entry-removed': 'withdrawn'
  },
  suspended: {
    acknowledge: 'suspended',
    'deadline-passed:response': 'suspended',
    'deadline-passed:feedback': 'suspended',
    'objection-resolved:upheld': 'open',
    'objection-resolved:corrected': 'open',
    'objection-resolved:revoked': 'revoked',
    'entry-removed': 'withdrawn'
  },
  closed: {},
  revoked: {},
  withdrawn: {}
}

/**
 * Per-platform transitions: progress × platform event key → next progress. Feedback before a
 * response is allowed and counts as the response (the platform evidently received the notice, and
 * refusing would lose the fact that a measure was applied). A response deadline can only pass before
 * the platform responded; a feedback deadline only before its feedback is complete. A correction
 * needs an outcome to correct.
 */
export const PLATFORM_ALLOWED: {
  readonly [S in PlatformState]: Readonly<Partial<Record<PlatformEventKey, PlatformState>>>
} = {
  pushed: {
    acknowledge: 'acknowledged',
    feedback: 'feedback-partial',
    'deadline-passed:response': 'pushed',
    'deadline-passed:feedback': 'pushed'
  },
  acknowledged: {
    feedback: 'feedback-partial',
    'deadline-passed:feedback': 'acknowledged'
  },
  'feedback-partial': {
    feedback: 'feedback-partial',
    'feedback-correction': 'feedback-partial',
    'deadline-passed:feedback': 'feedback-partial'
  },
  'feedback-complete': {
    'feedback-correction': 'feedback-complete'
  }
}

/** The recorded outcome of one measure on one platform. */
export type MeasureOutcome =
  | { readonly outcome: 'applied', readonly appliedOn: string }
  | { readonly outcome: 'declined', readonly reason: string }
  | { readonly outcome: 'not-applicable', readonly reason: string | null }

/** One implementing platform's part in a case. */
export interface PlatformCase {
  readonly platform: PlatformIdV1
  readonly state: PlatformState
  /** How the platform responded: explicitly, implicitly by its first feedback, or not yet. */
  readonly respondedBy: 'acknowledge' | 'feedback' | null
  /** Marks set when a deadline passed before the step was done; they stay once set. */
  readonly overdue: { readonly response: boolean, readonly feedback: boolean }
  /** Outcome per measure code; only measures of the case, at most one each. */
  readonly outcomes: Readonly<Record<string, MeasureOutcome>>
  /** How many outcomes were replaced by corrections. */
  readonly corrections: number
}

/** A platform that applied measures of a case later revoked, and must remedy them. */
export interface RemediationNotice {
  readonly platform: PlatformIdV1
  readonly measures: readonly string[]
}

/**
 * A joint punishment (or reward) case across implementing platforms. Plain JSON data, so the ledger
 * can store it as it is; every transition returns a new object.
 */
export interface CaseState {
  readonly caseId: string
  readonly mode: 'punishment' | 'reward'
  readonly entryId: string
  /** Version of the entry the case rests on; raised by an objection resolved as `corrected`. */
  readonly entryVersion: number
  readonly initiator: PlatformIdV1
  readonly measures: readonly string[]
  readonly status: CaseStatus
  /** Implementing platforms in notice order. */
  readonly implementers: readonly PlatformIdV1[]
  readonly platforms: Readonly<Record<PlatformIdV1, PlatformCase>>
  /** The objection that suspends the case, while one is open. */
  readonly openObjection: string | null
  /** Why the entry left the list, when the case was withdrawn. */
  readonly removedBy: RemovalReason | null
  /** Filled when the case is revoked: platforms that had applied measures, with those measures. */
  readonly remediation: readonly RemediationNotice[]
}
