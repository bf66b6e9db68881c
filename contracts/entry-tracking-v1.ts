import { Type, type Static } from '@sinclair/typebox'
import { DeadlineCalendarV1 } from './case-v1.js'

/** Where one message stands at each destination. */
export const PropagationV1 = Type.Object({
  jti: Type.String(),
  kind: Type.String(),
  receivedAt: Type.String(),
  destinations: Type.Array(Type.Object({
    platform: Type.String(),
    status: Type.String({ description: 'queued, delivering, delivered, retrying or dead' }),
    deliveredAt: Type.Union([Type.String(), Type.Null()])
  })),
  complete: Type.Boolean({ description: 'Every destination has confirmed' }),
  completedAt: Type.Union([Type.String(), Type.Null()], { description: 'When the last destination confirmed' })
}, { title: 'PropagationV1' })
export type PropagationV1 = Static<typeof PropagationV1>

/**
 * An entry's state and how its last change and its objections have spread: a removal is tracked
 * until every platform has confirmed it. No subject data: this is about propagation, not about
 * whom the entry concerns.
 */
export const EntryTrackingV1 = Type.Object({
  owner: Type.String(),
  entryId: Type.String(),
  version: Type.Integer(),
  status: Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('removed')]),
  listCode: Type.String(),
  domain: Type.String(),
  wrongful: Type.Boolean({ description: 'Revoked as wrongful after an objection' }),
  removal: Type.Union([Type.Object({ reason: Type.String(), effectiveOn: Type.String() }), Type.Null()]),
  lastChange: PropagationV1,
  objections: Type.Array(Type.Object({
    objectionId: Type.String(),
    status: Type.String(),
    raisedBy: Type.String(),
    measuresContinue: Type.Boolean(),
    openedAt: Type.String(),
    resolvedAt: Type.Union([Type.String(), Type.Null()]),
    answerBy: Type.Union([Type.String(), Type.Null()], { description: 'Day the owner must resolve it by (working days, 24:00 CST, 国发〔2016〕33号 (二十二)); null before migration 014' }),
    answerByCalendar: Type.Union([DeadlineCalendarV1, Type.Null()], { description: 'The holiday calendar of answerBy\'s year as loaded now (official, provisional or none), as a case\'s deadlineCalendar; null with answerBy' }),
    overdue: Type.Boolean({ description: 'Not resolved by answerBy' }),
    suspension: PropagationV1
  })),
  repairs: Type.Array(Type.Object({
    repairId: Type.String(),
    status: Type.String({ description: 'open, granted, refused or withdrawn' }),
    raisedBy: Type.String({ description: 'The platform that received the application' }),
    requestedOn: Type.String(),
    decideBy: Type.String({ description: 'Day the owner must decide by (working days, 24:00 CST, 国办发〔2020〕49号 (十二))' }),
    decideByCalendar: DeadlineCalendarV1,
    overdue: Type.Boolean(),
    decidedAt: Type.Union([Type.String(), Type.Null()]),
    removal: Type.Union([PropagationV1, Type.Null()], { description: 'The removal a granted repair caused, tracked until every platform confirmed it' })
  }))
}, { $id: 'EntryTrackingV1' })
export type EntryTrackingV1 = Static<typeof EntryTrackingV1>
