import { Type, type Static } from '@sinclair/typebox'

const MeasureOutcomeV1 = Type.Object({
  outcome: Type.Union([Type.Literal('applied'), Type.Literal('declined'), Type.Literal('not-applicable')]),
  appliedOn: Type.Optional(Type.String()),
  reason: Type.Optional(Type.Union([Type.String(), Type.Null()]))
})

/** One implementing platform's part in a case: response, feedback per measure, late marks. */
export const CasePlatformV1 = Type.Object({
  platform: Type.String(),
  state: Type.Union([Type.Literal('pushed'), Type.Literal('acknowledged'), Type.Literal('feedback-partial'), Type.Literal('feedback-complete'), Type.Literal('suspended')]),
  respondedBy: Type.Union([Type.Literal('acknowledge'), Type.Literal('feedback'), Type.Null()], { description: 'How it responded: explicitly, by its first feedback, or not yet' }),
  overdue: Type.Object({ response: Type.Boolean(), feedback: Type.Boolean() }),
  outcomes: Type.Record(Type.String(), MeasureOutcomeV1, { description: 'Outcome per measure code' }),
  corrections: Type.Integer()
}, { title: 'CasePlatformV1' })

/**
 * The holiday calendar a working-day deadline rests on: `official`, `provisional` (a calendar file
 * not yet the State Council's arrangement) or `none` (no calendar for its year: weekends only).
 */
export const DeadlineCalendarV1 = Type.Union([Type.Literal('official'), Type.Literal('provisional'), Type.Literal('none')], { title: 'DeadlineCalendarV1' })

/** A joint punishment (or reward) case as a coordination job sees it. */
export const CaseV1 = Type.Object({
  initiator: Type.String(),
  caseId: Type.String(),
  mode: Type.Union([Type.Literal('punishment'), Type.Literal('reward')]),
  owner: Type.String(),
  entryId: Type.String(),
  entryVersion: Type.Integer(),
  domain: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('suspended'), Type.Literal('closed'), Type.Literal('revoked'), Type.Literal('withdrawn')]),
  overdue: Type.Boolean({ description: 'Some platform missed a deadline' }),
  measures: Type.Array(Type.String()),
  respondBy: Type.String({ description: 'Working-day deadline for responses (24:00 CST)' }),
  feedbackBy: Type.String({ description: 'Working-day deadline for feedback (24:00 CST)' }),
  deadlineCalendar: Type.Object({ respondBy: DeadlineCalendarV1, feedbackBy: DeadlineCalendarV1 },
    { description: 'Per deadline, the holiday calendar of its year as loaded now: a provisional or missing one makes the working-day date uncertain' }),
  openObjection: Type.Union([Type.String(), Type.Null()]),
  removedBy: Type.Union([Type.String(), Type.Null()]),
  remediation: Type.Array(Type.Object({ platform: Type.String(), measures: Type.Array(Type.String()) })),
  platforms: Type.Array(CasePlatformV1),
  openedAt: Type.String(),
  updatedAt: Type.String(),
  jti: Type.String({ description: 'The notice message' })
}, { $id: 'CaseV1' })
export type CaseV1 = Static<typeof CaseV1>

export const CaseEventV1 = Type.Object({
  at: Type.String(),
  platform: Type.Union([Type.String(), Type.Null()]),
  event: Type.Record(Type.String(), Type.Unknown()),
  status: Type.String(),
  jti: Type.Union([Type.String(), Type.Null()])
})

export const CaseDetailV1 = Type.Composite([CaseV1, Type.Object({ events: Type.Array(CaseEventV1) })], { $id: 'CaseDetailV1' })
export type CaseDetailV1 = Static<typeof CaseDetailV1>

export const CaseListV1 = Type.Object({ cases: Type.Array(CaseV1) }, { $id: 'CaseListV1' })
export type CaseListV1 = Static<typeof CaseListV1>
