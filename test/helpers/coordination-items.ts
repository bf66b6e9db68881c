import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import type { PunishmentNoticeItemV1 } from '../../contracts/punishment-notice-item-v1.js'
import type { PunishmentFeedbackItemV1 } from '../../contracts/punishment-feedback-item-v1.js'
import type { ObjectionOpenItemV1, ObjectionResolveItemV1 } from '../../contracts/objection-items-v1.js'
import type { RepairDecisionItemV1, RepairRequestItemV1 } from '../../contracts/repair-items-v1.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { addMonths, dayBefore } from '../../src/envelopes/validity-period.js'
import type { Harness } from './harness.js'

export const MEASURES = ['restrict-public-procurement', 'strict-supervision']

/** A court list entry (失信被执行人) its court marked not repairable; measures continue during objection. */
export function courtEntry (owner: string, region: string, n: number): ListUpsertItemV1 {
  const base = sampleEntry(owner, region, n)
  return {
    ...base,
    entryId: `${owner}-court-${n}`,
    listCode: 'court-dishonest-debtor',
    domain: 'court',
    severeCategory: 'legal-obligation',
    repairable: false,
    measures: [{ code: 'restrict-high-consumption', mandatory: true }],
    // A period of two years; the court list sets no fixed maximum (法发〔2020〕25号), validUntil stays optional.
    validUntil: dayBefore(addMonths(base.validFrom, 24))
  }
}

/** A notice on `entry`, naming the measures the entry carries (国办发〔2020〕49号 (十)) unless `over` says otherwise. */
export function notice (
  entry: ListUpsertItemV1, caseId: string, over: Partial<PunishmentNoticeItemV1> = {}
): PunishmentNoticeItemV1 {
  return {
    caseId,
    mode: 'punishment',
    entryId: entry.entryId,
    owner: entry.owner,
    initiatingDepartment: { name: '市场监督管理局' },
    subject: entry.subject,
    measures: entry.measures.length > 0 ? entry.measures.map((m) => m.code) : MEASURES,
    respondBy: '2026-12-01',
    feedbackBy: '2026-12-15',
    ...over
  }
}

export function feedback (initiator: string, caseId: string, outcome: PunishmentFeedbackItemV1['outcome'], measure?: string): PunishmentFeedbackItemV1 {
  return {
    caseId,
    initiator,
    department: { name: '财政局' },
    outcome,
    ...(measure === undefined ? {} : { measure }),
    ...(outcome === 'applied' ? { appliedOn: '2026-11-20' } : {}),
    ...(outcome === 'declined' ? { reason: '不属于本部门职责' } : {})
  }
}

export function objection (entry: ListUpsertItemV1, objectionId: string): ObjectionOpenItemV1 {
  return { objectionId, entryId: entry.entryId, owner: entry.owner, lodgedOn: '2026-11-21', grounds: '当事人提出处罚决定已被撤销' }
}

export function repairRequest (entry: ListUpsertItemV1, repairId: string, requestedOn: string): RepairRequestItemV1 {
  return { repairId, entryId: entry.entryId, owner: entry.owner, requestedOn, grounds: '已履行行政处罚决定并完成信用整改，作出信用承诺' }
}

export function repairDecision (entry: ListUpsertItemV1, repairId: string, outcome: RepairDecisionItemV1['outcome'], decidedOn = '2026-12-01'): RepairDecisionItemV1 {
  return { repairId, entryId: entry.entryId, owner: entry.owner, outcome, decidedOn, reason: outcome === 'granted' ? '符合信用修复条件' : '尚未履行行政处罚决定' }
}

export function resolution (entry: ListUpsertItemV1, objectionId: string, outcome: ObjectionResolveItemV1['outcome'], correctedVersion?: number): ObjectionResolveItemV1 {
  return {
    objectionId,
    entryId: entry.entryId,
    owner: entry.owner,
    outcome,
    resolvedOn: '2026-11-22',
    explanation: '经核实',
    ...(correctedVersion === undefined ? {} : { correctedVersion })
  }
}

type Kind = 'list.upsert' | 'list.remove' | 'punishment.notice' | 'punishment.feedback' | 'objection.open' | 'objection.resolve' | 'repair.request' | 'repair.decision'

/** Signs and posts one envelope; returns the status, the body and the jti. */
export async function send (h: Harness, iss: string, kind: Kind, items: unknown[]): Promise<{
  status: number, body: Record<string, unknown>, jti: string
}> {
  const { jws, jti } = await h.sign(iss, { kind, items })
  const res = await h.post(jws)
  return { ...res, jti }
}

/** Sends and insists on 202. */
export async function accept (h: Harness, iss: string, kind: Kind, items: unknown[]): Promise<string> {
  const r = await send(h, iss, kind, items)
  if (r.status !== 202) throw new Error(`${kind} from ${iss} not accepted: ${r.status} ${JSON.stringify(r.body)}`)
  return r.jti
}

/** GET as an admin-side operator. */
export async function read (h: Harness, url: string, role: 'admin' | 'operator' | 'auditor' = 'operator'): Promise<{ status: number, body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await h.app.inject({ url, headers: { authorization: `Bearer ${await h.adminToken(role)}`, 'x-query-purpose': 'test' } })
  return { status: res.statusCode, body: res.json() }
}
