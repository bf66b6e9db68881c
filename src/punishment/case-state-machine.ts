import type { PlatformIdV1 } from '../../contracts/common-v1.js'
import type { PunishmentNoticeItemV1 } from '../../contracts/punishment-notice-item-v1.js'
import { GatewayError } from '../errors/gateway-error.js'
import { eventKey, isPlatformEvent, platformEventKey, type CaseEvent, type FeedbackEvent, type PlatformEvent } from './case-events.js'
import {
  ALLOWED,
  PLATFORM_ALLOWED,
  type CaseState,
  type MeasureOutcome,
  type PlatformCase,
  type PlatformState,
  type RemediationNotice
} from './case-states.js'

/** Which rule refused a transition. */
export type CaseTransitionRule =
  | 'case-invalid'
  | 'case-table'
  | 'platform-table'
  | 'unknown-platform'
  | 'unknown-measure'
  | 'outcome-exists'
  | 'nothing-to-correct'
  | 'outcome-incomplete'
  | 'objection-mismatch'
  | 'version-not-newer'

/** An illegal case transition: the gateway's CASE_TRANSITION_INVALID (409, not retryable), with the rule broken. */
export class CaseTransitionError extends GatewayError {
  readonly rule: CaseTransitionRule
  readonly caseId: string

  constructor (rule: CaseTransitionRule, caseId: string, detail: string) {
    super('CASE_TRANSITION_INVALID', `case ${caseId}: ${detail}`, { retryable: false })
    this.name = 'CaseTransitionError'
    this.rule = rule
    this.caseId = caseId
  }
}

/** What opens a case: the notice's own fields, and the platforms from its envelope. */
export interface OpenCaseInput extends Pick<PunishmentNoticeItemV1, 'caseId' | 'mode' | 'entryId' | 'measures'> {
  readonly initiator: PlatformIdV1
  readonly implementers: readonly PlatformIdV1[]
  /** Version of the entry the notice rests on; 1 when not given. */
  readonly entryVersion?: number
}

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/

// Records keyed by codes must not see inherited properties such as `constructor`.
function own<T> (record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined
}

/**
 * Opens a case: every implementing platform `pushed`, the case `open`. The initiator cannot also be
 * an implementer (its own departments act through its own platform, not through the gateway).
 */
export function openCase (input: OpenCaseInput): CaseState {
  const refuse = (detail: string): CaseTransitionError => new CaseTransitionError('case-invalid', input.caseId, detail)
  if (input.implementers.length === 0) throw refuse('no implementing platform')
  if (new Set(input.implementers).size !== input.implementers.length) throw refuse('an implementing platform is named twice')
  if (input.implementers.includes(input.initiator)) throw refuse(`initiator ${input.initiator} cannot implement its own case`)
  if (input.measures.length === 0) throw refuse('no measure')
  if (new Set(input.measures).size !== input.measures.length) throw refuse('a measure is named twice')
  const platforms: Record<string, PlatformCase> = {}
  for (const platform of input.implementers) {
    platforms[platform] = {
      platform,
      state: 'pushed',
      respondedBy: null,
      overdue: { response: false, feedback: false },
      outcomes: {},
      corrections: 0
    }
  }
  return {
    caseId: input.caseId,
    mode: input.mode,
    entryId: input.entryId,
    entryVersion: input.entryVersion ?? 1,
    initiator: input.initiator,
    measures: [...input.measures],
    status: 'open',
    implementers: [...input.implementers],
    platforms,
    openObjection: null,
    removedBy: null,
    remediation: []
  }
}

function toOutcome (state: CaseState, event: FeedbackEvent): MeasureOutcome {
  const refuse = (detail: string): CaseTransitionError => new CaseTransitionError('outcome-incomplete', state.caseId, detail)
  switch (event.outcome) {
    case 'applied':
      if (event.appliedOn === undefined || !DATE.test(event.appliedOn)) throw refuse(`measure ${event.measure} applied without a date (YYYY-MM-DD)`)
      return { outcome: 'applied', appliedOn: event.appliedOn }
    case 'declined':
      if (event.reason === undefined || event.reason.trim() === '') throw refuse(`measure ${event.measure} declined without a reason`)
      return { outcome: 'declined', reason: event.reason }
    case 'not-applicable':
      return { outcome: 'not-applicable', reason: event.reason ?? null }
  }
}

function platformStep (state: CaseState, event: PlatformEvent): PlatformCase {
  const current = own(state.platforms, event.platform)
  if (current === undefined) {
    throw new CaseTransitionError('unknown-platform', state.caseId, `platform ${event.platform} does not implement the case`)
  }
  const key = platformEventKey(event)
  const next = PLATFORM_ALLOWED[current.state][key]
  if (next === undefined) {
    throw new CaseTransitionError('platform-table', state.caseId, `event ${key} not allowed for platform ${event.platform} in state ${current.state}`)
  }
  switch (event.type) {
    case 'acknowledge':
      return { ...current, state: next, respondedBy: 'acknowledge' }
    case 'deadline-passed':
      // Idempotent: a timer may fire twice; the mark is a fact, set once.
      return { ...current, state: next, overdue: { ...current.overdue, [event.which]: true } }
    case 'feedback': {
      if (!state.measures.includes(event.measure)) {
        throw new CaseTransitionError('unknown-measure', state.caseId, `measure ${event.measure} is not in the case`)
      }
      const had = own(current.outcomes, event.measure) !== undefined
      if (event.correction === true && !had) {
        throw new CaseTransitionError('nothing-to-correct', state.caseId, `platform ${event.platform} has no outcome for ${event.measure} to correct`)
      }
      if (event.correction !== true && had) {
        throw new CaseTransitionError('outcome-exists', state.caseId, `platform ${event.platform} already gave an outcome for ${event.measure}; send a correction`)
      }
      const outcomes = { ...current.outcomes, [event.measure]: toOutcome(state, event) }
      const complete = state.measures.every((m) => own(outcomes, m) !== undefined)
      const settled: PlatformState = complete ? 'feedback-complete' : next
      return {
        ...current,
        state: settled,
        respondedBy: current.respondedBy ?? 'feedback',
        outcomes,
        corrections: current.corrections + (event.correction === true ? 1 : 0)
      }
    }
  }
}

function remediationOf (state: CaseState): RemediationNotice[] {
  const notices: RemediationNotice[] = []
  for (const platform of state.implementers) {
    const outcomes = own(state.platforms, platform)?.outcomes ?? {}
    const measures = state.measures.filter((m) => own(outcomes, m)?.outcome === 'applied')
    if (measures.length > 0) notices.push({ platform, measures })
  }
  return notices
}

/**
 * Applies one event to a case and returns the new case; the input is not changed. Throws
 * `CaseTransitionError` (code `CASE_TRANSITION_INVALID`) when the event is illegal: not in
 * `ALLOWED` for the case status, not in `PLATFORM_ALLOWED` for the platform's state, or breaking a
 * data rule (unknown platform or measure, a second outcome without `correction`, a correction with
 * nothing to correct, an incomplete outcome, another objection's resolution, a correction that does
 * not raise the entry version).
 */
export function transition (state: CaseState, event: CaseEvent): CaseState {
  const key = eventKey(event)
  const next = ALLOWED[state.status][key]
  if (next === undefined) {
    throw new CaseTransitionError('case-table', state.caseId, `event ${key} not allowed in case state ${state.status}`)
  }
  if (isPlatformEvent(event)) {
    const platforms = { ...state.platforms, [event.platform]: platformStep(state, event) }
    const done = state.implementers.every((p) => own(platforms, p)?.state === 'feedback-complete')
    return { ...state, status: next === 'open' && done ? 'closed' : next, platforms }
  }
  switch (event.type) {
    case 'objection-opened':
      return { ...state, status: next, openObjection: event.objectionId }
    case 'objection-resolved': {
      if (event.objectionId !== state.openObjection) {
        throw new CaseTransitionError('objection-mismatch', state.caseId, `objection ${event.objectionId} is not the open one (${state.openObjection ?? 'none'})`)
      }
      let entryVersion = state.entryVersion
      if (event.outcome === 'corrected') {
        if (event.correctedVersion === undefined || event.correctedVersion <= state.entryVersion) {
          throw new CaseTransitionError('version-not-newer', state.caseId, `corrected version must be newer than ${state.entryVersion}`)
        }
        entryVersion = event.correctedVersion
      }
      const remediation = event.outcome === 'revoked' ? remediationOf(state) : state.remediation
      return { ...state, status: next, openObjection: null, entryVersion, remediation }
    }
    case 'entry-removed':
      return { ...state, status: next, openObjection: null, removedBy: event.reason }
  }
}

/**
 * A closed case whose entry is revoked as wrongful after an objection raised once the case had
 * closed (错误认定的补救): the case becomes `revoked` and every platform that applied a measure is
 * owed a remediation notice. Only a closed case qualifies: a live one is revoked through
 * {@link transition} when its objection resolves.
 */
export function revokeClosed (state: CaseState): CaseState {
  if (state.status !== 'closed') throw new CaseTransitionError('case-table', state.caseId, `only a closed case is revoked this way (state ${state.status})`)
  return { ...state, status: 'revoked', remediation: remediationOf(state) }
}

/** Whether `transition(state, event)` would succeed. */
export function canApply (state: CaseState, event: CaseEvent): boolean {
  try {
    transition(state, event)
    return true
  } catch (err) {
    if (err instanceof CaseTransitionError) return false
    throw err
  }
}

/**
 * A platform's effective state: `suspended` while the case is suspended (measures are suspended
 * everywhere), else its progress. Undefined for a platform that does not implement the case.
 */
export function platformState (state: CaseState, platform: PlatformIdV1): PlatformState | 'suspended' | undefined {
  const current = own(state.platforms, platform)
  if (current === undefined) return undefined
  return state.status === 'suspended' ? 'suspended' : current.state
}

/** Platforms that must be told to remedy measures applied under a revoked case (empty otherwise). */
export function remediationNotices (state: CaseState): readonly RemediationNotice[] {
  return state.status === 'revoked' ? state.remediation : []
}
