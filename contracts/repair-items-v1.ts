import { Type, type Static } from '@sinclair/typebox'
import { DateV1, EntryRefV1, LocalIdV1, TextV1 } from './common-v1.js'

/**
 * `repair.request` item: a subject applied for credit repair (信用修复) of an entry at the platform
 * sending this, which forwards the application to the entry's owner (协同联动、"一网通办",
 * 国办发〔2020〕49号 (十二)). Refused before the list type's earliest exit (`exit.minimumMonths`
 * after `validFrom`) and for an entry that is not repairable (49号 (十一)). The owner must decide
 * within the list type's time limit (49号 (十二): "在规定时限内办结").
 */
export const RepairRequestItemV1 = Type.Object({
  repairId: LocalIdV1,
  ...EntryRefV1,
  requestedOn: DateV1,
  grounds: TextV1(4000, 'How the subject corrected the conduct and removed its effects (纠正失信行为、消除不良影响)')
}, { $id: 'RepairRequestItemV1', additionalProperties: false })
export type RepairRequestItemV1 = Static<typeof RepairRequestItemV1>

/**
 * `repair.decision` item: the entry's owner decides a repair request. `granted`: the decision
 * itself removes the entry (the gateway issues the `list.remove` with reason `repair` on the
 * owner's behalf, delivered to every platform and tracked, 49号 (十一) "及时将其移出"); `refused`:
 * the entry stays, the reason goes back to the platform that forwarded the request.
 */
export const RepairDecisionItemV1 = Type.Object({
  repairId: LocalIdV1,
  ...EntryRefV1,
  outcome: Type.Union([Type.Literal('granted'), Type.Literal('refused')]),
  decidedOn: DateV1,
  reason: TextV1(4000, 'Why the repair was granted or refused')
}, { $id: 'RepairDecisionItemV1', additionalProperties: false })
export type RepairDecisionItemV1 = Static<typeof RepairDecisionItemV1>
