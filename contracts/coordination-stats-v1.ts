import { Type, type Static } from '@sinclair/typebox'

const N = Type.Integer({ minimum: 0 })

/** Coordination figures for one month (China Standard Time), domain and province. */
export const CoordinationStatsRowV1 = Type.Object({
  month: Type.String({ description: 'YYYY-MM' }),
  domain: Type.String(),
  province: Type.String({ description: 'Initiator for cases opened, implementer for responses and feedback, owner for objections and repairs' }),
  casesOpened: N,
  casesOverdue: N,
  responses: Type.Object({ onTime: N, late: N, missing: N }),
  feedback: Type.Object({ onTime: N, late: N, incomplete: N }),
  objections: Type.Object({
    opened: N,
    open: N,
    upheld: N,
    corrected: N,
    revoked: N,
    withdrawn: N,
    overdue: Type.Integer({ minimum: 0, description: 'Not answered by the deadline (working days, 国发〔2016〕33号 (二十二)), answered since or not' })
  }),
  repairs: Type.Object({
    count: Type.Integer({ minimum: 0, description: 'Entries removed by repair (the owner\'s list.remove or a granted repair.decision)' }),
    requested: Type.Integer({ minimum: 0, description: 'repair.request received (by the month requested)' }),
    open: N,
    granted: N,
    refused: N,
    withdrawn: Type.Integer({ minimum: 0, description: 'Closed because the entry was removed otherwise' }),
    overdue: Type.Integer({ minimum: 0, description: 'Not decided by the deadline (working days, 国办发〔2020〕49号 (十二))' }),
    propagated: Type.Integer({ minimum: 0, description: 'Confirmed by every platform' }),
    medianPropagationSeconds: Type.Union([Type.Number(), Type.Null()]),
    maxPropagationSeconds: Type.Union([Type.Number(), Type.Null()])
  })
}, { title: 'CoordinationStatsRowV1' })
export type CoordinationStatsRowV1 = Static<typeof CoordinationStatsRowV1>

export const CoordinationStatsV1 = Type.Object({
  from: Type.String(),
  to: Type.String(),
  rows: Type.Array(CoordinationStatsRowV1)
}, { $id: 'CoordinationStatsV1' })
export type CoordinationStatsV1 = Static<typeof CoordinationStatsV1>
