import type { PlatformIdV1 } from '../../contracts/common-v1.js'

/** What an implementing platform reports for one measure (执行反馈). */
export type FeedbackOutcome = 'applied' | 'declined' | 'not-applicable'

/** An implementing platform's response (响应): it received the notice and will act on it. */
export interface AcknowledgeEvent {
  readonly type: 'acknowledge'
  readonly platform: PlatformIdV1
}

/**
 * Feedback on one measure. `applied` needs `appliedOn`, `declined` needs `reason`; `not-applicable`
 * may give one. `correction: true` replaces an outcome already given for the measure; without it a
 * second outcome for the same measure is refused.
 */
export interface FeedbackEvent {
  readonly type: 'feedback'
  readonly platform: PlatformIdV1
  readonly measure: string
  readonly outcome: FeedbackOutcome
  readonly appliedOn?: string
  readonly reason?: string
  readonly correction?: boolean
}

/** A deadline passed for a platform. The clock is outside: the caller states the fact. */
export interface DeadlinePassedEvent {
  readonly type: 'deadline-passed'
  readonly which: 'response' | 'feedback'
  readonly platform: PlatformIdV1
}

/** A subject disputes the entry the case rests on (异议, 国发〔2016〕33号 (二十二)). */
export interface ObjectionOpenedEvent {
  readonly type: 'objection-opened'
  readonly objectionId: string
}

/**
 * The owner's outcome of the open objection. `corrected` carries the entry's new version, on which
 * the case continues.
 */
export interface ObjectionResolvedEvent {
  readonly type: 'objection-resolved'
  readonly objectionId: string
  readonly outcome: 'upheld' | 'corrected' | 'revoked'
  readonly correctedVersion?: number
}

/** Why an entry left its list: the `list.remove` reasons (repair, expiry, revoked, corrected, other; fulfilled and
 * court-deleted for court lists). */
export type RemovalReason = 'repair' | 'expiry' | 'revoked' | 'corrected' | 'other' | 'fulfilled' | 'court-deleted'

/** The entry left the list (信用修复 repair, its period expired, or its owner took it off): its measures stop. */
export interface EntryRemovedEvent {
  readonly type: 'entry-removed'
  readonly reason: RemovalReason
}

/** An event about one implementing platform. */
export type PlatformEvent = AcknowledgeEvent | FeedbackEvent | DeadlinePassedEvent

/** Every event a case accepts, discriminated by `type`. */
export type CaseEvent = PlatformEvent | ObjectionOpenedEvent | ObjectionResolvedEvent | EntryRemovedEvent

/**
 * Keys of the transition tables for platform events. Finer than `type` where the sub-kind changes
 * what is allowed: a correction, and which deadline passed.
 */
export const PLATFORM_EVENT_KEYS = [
  'acknowledge',
  'feedback',
  'feedback-correction',
  'deadline-passed:response',
  'deadline-passed:feedback'
] as const

/** A key of the per-platform transition table. */
export type PlatformEventKey = typeof PLATFORM_EVENT_KEYS[number]

/** Keys of the case-level transition table: platform events, then case events by outcome. */
export const EVENT_KEYS = [
  ...PLATFORM_EVENT_KEYS,
  'objection-opened',
  'objection-resolved:upheld',
  'objection-resolved:corrected',
  'objection-resolved:revoked',
  'entry-removed'
] as const

/** A key of the case-level transition table. */
export type EventKey = typeof EVENT_KEYS[number]

/** Whether an event is about one implementing platform. */
export function isPlatformEvent (event: CaseEvent): event is PlatformEvent {
  return event.type === 'acknowledge' || event.type === 'feedback' || event.type === 'deadline-passed'
}

/** The per-platform table key of a platform event. */
export function platformEventKey (event: PlatformEvent): PlatformEventKey {
  switch (event.type) {
    case 'acknowledge': return 'acknowledge'
    case 'feedback': return event.correction === true ? 'feedback-correction' : 'feedback'
    case 'deadline-passed': return event.which === 'response' ? 'deadline-passed:response' : 'deadline-passed:feedback'
  }
}

/** The case-level table key of any event. */
export function eventKey (event: CaseEvent): EventKey {
  switch (event.type) {
    case 'objection-opened': return 'objection-opened'
    case 'objection-resolved': return `objection-resolved:${event.outcome}`
    case 'entry-removed': return 'entry-removed'
    default: return platformEventKey(event)
  }
}
