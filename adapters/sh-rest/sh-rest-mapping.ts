import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import type { TSchema } from '@sinclair/typebox'
import { ITEM_SCHEMAS, type EnvelopeKindV1, type ItemOf } from '../../contracts/envelope-v1.js'
import type { GatewayNoticeItemV1 } from '../../contracts/gateway-notice-item-v1.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import type { PunishmentFeedbackItemV1 } from '../../contracts/punishment-feedback-item-v1.js'
import type { PunishmentNoticeItemV1 } from '../../contracts/punishment-notice-item-v1.js'
import { unmappable } from '../types.js'
import type { NativeKind } from '../native-kinds.js'
import { decodeCode, encodeCode } from './sh-rest-codes.js'
import { nativeText, ShRecordReader, toShDate, toShFlag } from './sh-rest-fields.js'
import type {
  ShCreditList, ShFeedback, ShGatewayNotice, ShJointPunishNotice, ShMeasure, ShRecord, ShRecordType
} from './sh-rest-native.js'
import { flatFromNative, flatToNative, isShFlat, SH_FLAT_FIELDS } from './sh-flat-fields.js'
import { subjectFromNative, subjectToNative } from './sh-rest-subject.js'

/** A contract item together with its kind. */
export type ShContractItem = { [K in NativeKind]: { kind: K, item: ItemOf<K> } }[NativeKind]

/** The native record type that carries each contract kind. */
export const SH_RECORD_TYPES = {
  'list.upsert': 'creditList',
  'list.remove': 'listRemoval',
  'punishment.notice': 'jointPunishNotice',
  'punishment.feedback': 'feedback',
  'objection.open': 'objection',
  'objection.resolve': 'objectionResult',
  'gateway.notice': 'gatewayNotice',
  'repair.request': 'repairApply',
  'repair.decision': 'repairResult'
} as const satisfies Record<NativeKind, ShRecordType>

const checks = Object.fromEntries(
  Object.entries(ITEM_SCHEMAS).map(([kind, schema]) => [kind, TypeCompiler.Compile(schema as TSchema)])
) as Record<EnvelopeKindV1, TypeCheck<TSchema>>

/** Refuses what is not a valid contract item of `kind`, naming the first failing path (never the value). */
function assertContract (kind: EnvelopeKindV1, item: unknown, at: string): void {
  const check = checks[kind]
  if (check.Check(item)) return
  const first = check.Errors(item).First()
  throw unmappable(`${at}${first?.path.replaceAll('/', '.') ?? ''}: not a valid ${kind} item (${first?.message ?? 'schema'})`)
}

export function listUpsertToNative (e: ListUpsertItemV1, at = 'item'): ShCreditList {
  const d = e.decision
  const out: ShCreditList = {
    recordType: 'creditList',
    recordId: e.entryId,
    ownerProvince: e.owner,
    recordVersion: e.version,
    listCategory: encodeCode('listCategory', e.listType, `${at}.listType`),
    listTypeCode: e.listCode,
    industryField: e.domain,
    ...subjectToNative(e.subject, `${at}.subject`),
    listReason: nativeText(e.facts, 'listReason', `${at}.facts`),
    punishBasis: nativeText(e.legalBasis, 'punishBasis', `${at}.legalBasis`),
    decisionOrg: nativeText(d.authority, 'decisionOrg', `${at}.decision.authority`),
    decisionDocType: encodeCode('decisionDocType', d.documentType, `${at}.decision.documentType`),
    decisionDocName: nativeText(d.documentName, 'decisionDocName', `${at}.decision.documentName`),
    decisionDocNo: nativeText(d.documentNumber, 'decisionDocNo', `${at}.decision.documentNumber`),
    decisionDate: toShDate(d.decidedOn),
    measureList: e.measures.map((m, i) => {
      const measure: ShMeasure = { measureCode: m.code, mandatoryFlag: toShFlag(m.mandatory) }
      if (m.description !== undefined) measure.measureDesc = nativeText(m.description, 'measureDesc', `${at}.measures[${i}].description`)
      return measure
    }),
    removeCondition: nativeText(e.exitConditions, 'removeCondition', `${at}.exitConditions`),
    reliefMeasure: nativeText(e.remedies, 'reliefMeasure', `${at}.remedies`),
    validStart: toShDate(e.validFrom),
    repairFlag: toShFlag(e.repairable)
  }
  if (e.severeCategory !== undefined) out.seriousType = encodeCode('seriousType', e.severeCategory, `${at}.severeCategory`)
  if (d.authorityCode !== undefined) out.decisionOrgCode = d.authorityCode
  if (e.validUntil !== undefined) out.validEnd = toShDate(e.validUntil)
  if (e.notification !== undefined) {
    out.noticeDate = toShDate(e.notification.notifiedOn)
    out.noticeMode = encodeCode('noticeMode', e.notification.channel, `${at}.notification.channel`)
  }
  return out
}

export function noticeToNative (n: PunishmentNoticeItemV1, at = 'item'): ShJointPunishNotice {
  const out: ShJointPunishNotice = {
    recordType: 'jointPunishNotice',
    caseNo: n.caseId,
    actionType: encodeCode('actionType', n.mode, `${at}.mode`),
    recordId: n.entryId,
    ownerProvince: n.owner,
    initiateDeptName: nativeText(n.initiatingDepartment.name, 'initiateDeptName', `${at}.initiatingDepartment.name`),
    ...subjectToNative(n.subject, `${at}.subject`),
    measureCodes: [...n.measures],
    respondDeadline: toShDate(n.respondBy),
    feedbackDeadline: toShDate(n.feedbackBy)
  }
  const code = n.initiatingDepartment.code
  if (code !== undefined) out.initiateDeptCode = nativeText(code, 'initiateDeptCode', `${at}.initiatingDepartment.code`)
  if (n.note !== undefined) out.remark = nativeText(n.note, 'remark', `${at}.note`)
  return out
}

export function feedbackToNative (f: PunishmentFeedbackItemV1, at = 'item'): ShFeedback {
  const out: ShFeedback = {
    recordType: 'feedback',
    caseNo: f.caseId,
    initiateProvince: f.initiator,
    feedbackDeptName: nativeText(f.department.name, 'feedbackDeptName', `${at}.department.name`),
    feedbackResult: encodeCode('feedbackResult', f.outcome, `${at}.outcome`)
  }
  if (f.department.code !== undefined) out.feedbackDeptCode = nativeText(f.department.code, 'feedbackDeptCode', `${at}.department.code`)
  if (f.measure !== undefined) out.measureCode = f.measure
  if (f.appliedOn !== undefined) out.implementDate = toShDate(f.appliedOn)
  if (f.reason !== undefined) out.declineReason = nativeText(f.reason, 'declineReason', `${at}.reason`)
  return out
}

export function gatewayNoticeToNative (n: GatewayNoticeItemV1, at = 'item'): ShGatewayNotice {
  const out: ShGatewayNotice = {
    recordType: 'gatewayNotice',
    noticeNo: n.noticeId,
    noticeType: encodeCode('noticeType', n.noticeType, `${at}.noticeType`),
    noticeContent: nativeText(n.text, 'noticeContent', `${at}.text`)
  }
  if (n.caseId !== undefined) out.caseNo = n.caseId
  if (n.initiator !== undefined) out.initiateProvince = n.initiator
  if (n.entryId !== undefined) out.recordId = n.entryId
  if (n.owner !== undefined) out.ownerProvince = n.owner
  if (n.objectionId !== undefined) out.objectionNo = n.objectionId
  if (n.checkId !== undefined) out.checkNo = n.checkId
  if (n.outcome !== undefined) out.checkResult = nativeText(n.outcome, 'checkResult', `${at}.outcome`)
  if (n.measures !== undefined) out.measureCodes = [...n.measures]
  if (n.dueOn !== undefined) out.handleDeadline = toShDate(n.dueOn)
  return out
}

/**
 * A contract item (as the gateway hands it over, unknown until checked) → Shanghai's record.
 * Refuses, not retryable, an item that is not valid for its kind or that Shanghai cannot store
 * (a text longer than its native field, a control character, a lone surrogate).
 */
export function toNative (kind: NativeKind, item: unknown, at = 'item'): ShRecord {
  assertContract(kind, item, at)
  if (isShFlat(kind)) return flatToNative(SH_RECORD_TYPES[kind], SH_FLAT_FIELDS[kind], item as object, at)
  switch (kind) {
    case 'list.upsert': return listUpsertToNative(item as ListUpsertItemV1, at)
    case 'punishment.notice': return noticeToNative(item as PunishmentNoticeItemV1, at)
    case 'punishment.feedback': return feedbackToNative(item as PunishmentFeedbackItemV1, at)
    case 'gateway.notice': return gatewayNoticeToNative(item as GatewayNoticeItemV1, at)
  }
}

function listUpsertFromNative (r: ShRecordReader): ListUpsertItemV1 {
  const decision: ListUpsertItemV1['decision'] = {
    authority: nativeText(r.str('decisionOrg'), 'decisionOrg', `${r.at}.decisionOrg`),
    documentType: decodeCode('decisionDocType', r.str('decisionDocType'), `${r.at}.decisionDocType`),
    documentName: nativeText(r.str('decisionDocName'), 'decisionDocName', `${r.at}.decisionDocName`),
    documentNumber: nativeText(r.str('decisionDocNo'), 'decisionDocNo', `${r.at}.decisionDocNo`),
    decidedOn: r.date('decisionDate')
  }
  const orgCode = r.optStr('decisionOrgCode')
  if (orgCode !== undefined) decision.authorityCode = orgCode
  const e: ListUpsertItemV1 = {
    entryId: r.str('recordId'),
    owner: r.str('ownerProvince'),
    version: r.int('recordVersion'),
    listType: decodeCode('listCategory', r.str('listCategory'), `${r.at}.listCategory`),
    listCode: r.str('listTypeCode'),
    domain: r.str('industryField'),
    subject: subjectFromNative(r),
    facts: nativeText(r.str('listReason'), 'listReason', `${r.at}.listReason`),
    legalBasis: nativeText(r.str('punishBasis'), 'punishBasis', `${r.at}.punishBasis`),
    decision,
    measures: r.array('measureList').map((value, i) => {
      const m = new ShRecordReader(value, `${r.at}.measureList[${i}]`)
      const measure: ListUpsertItemV1['measures'][number] = { code: m.str('measureCode'), mandatory: m.flag('mandatoryFlag') }
      const desc = m.optStr('measureDesc')
      if (desc !== undefined) measure.description = nativeText(desc, 'measureDesc', `${m.at}.measureDesc`)
      return measure
    }),
    exitConditions: nativeText(r.str('removeCondition'), 'removeCondition', `${r.at}.removeCondition`),
    remedies: nativeText(r.str('reliefMeasure'), 'reliefMeasure', `${r.at}.reliefMeasure`),
    validFrom: r.date('validStart'),
    repairable: r.flag('repairFlag')
  }
  const serious = r.optStr('seriousType')
  if (serious !== undefined) e.severeCategory = decodeCode('seriousType', serious, `${r.at}.seriousType`)
  const validEnd = r.optDate('validEnd')
  if (validEnd !== undefined) e.validUntil = validEnd
  const noticeDate = r.optDate('noticeDate')
  const noticeMode = r.optStr('noticeMode')
  if (noticeDate !== undefined || noticeMode !== undefined) {
    // Both or neither: a date without its channel (or the reverse) is not a 告知 record.
    e.notification = { notifiedOn: r.date('noticeDate'), channel: decodeCode('noticeMode', r.str('noticeMode'), `${r.at}.noticeMode`) }
  }
  return e
}

function noticeFromNative (r: ShRecordReader): PunishmentNoticeItemV1 {
  const n: PunishmentNoticeItemV1 = {
    caseId: r.str('caseNo'),
    mode: decodeCode('actionType', r.str('actionType'), `${r.at}.actionType`),
    entryId: r.str('recordId'),
    owner: r.str('ownerProvince'),
    initiatingDepartment: { name: nativeText(r.str('initiateDeptName'), 'initiateDeptName', `${r.at}.initiateDeptName`) },
    subject: subjectFromNative(r),
    measures: r.strArray('measureCodes'),
    respondBy: r.date('respondDeadline'),
    feedbackBy: r.date('feedbackDeadline')
  }
  const code = r.optStr('initiateDeptCode')
  if (code !== undefined) n.initiatingDepartment.code = nativeText(code, 'initiateDeptCode', `${r.at}.initiateDeptCode`)
  const remark = r.optStr('remark')
  if (remark !== undefined) n.note = nativeText(remark, 'remark', `${r.at}.remark`)
  return n
}

function feedbackFromNative (r: ShRecordReader): PunishmentFeedbackItemV1 {
  const f: PunishmentFeedbackItemV1 = {
    caseId: r.str('caseNo'),
    initiator: r.str('initiateProvince'),
    department: { name: nativeText(r.str('feedbackDeptName'), 'feedbackDeptName', `${r.at}.feedbackDeptName`) },
    outcome: decodeCode('feedbackResult', r.str('feedbackResult'), `${r.at}.feedbackResult`)
  }
  const code = r.optStr('feedbackDeptCode')
  if (code !== undefined) f.department.code = nativeText(code, 'feedbackDeptCode', `${r.at}.feedbackDeptCode`)
  const measure = r.optStr('measureCode')
  if (measure !== undefined) f.measure = measure
  const appliedOn = r.optDate('implementDate')
  if (appliedOn !== undefined) f.appliedOn = appliedOn
  const reason = r.optStr('declineReason')
  if (reason !== undefined) f.reason = nativeText(reason, 'declineReason', `${r.at}.declineReason`)
  return f
}

function gatewayNoticeFromNative (r: ShRecordReader): GatewayNoticeItemV1 {
  const n: GatewayNoticeItemV1 = {
    noticeId: r.str('noticeNo'),
    noticeType: decodeCode('noticeType', r.str('noticeType'), `${r.at}.noticeType`),
    text: nativeText(r.str('noticeContent'), 'noticeContent', `${r.at}.noticeContent`)
  }
  const caseNo = r.optStr('caseNo')
  if (caseNo !== undefined) n.caseId = caseNo
  const initiator = r.optStr('initiateProvince')
  if (initiator !== undefined) n.initiator = initiator
  const recordId = r.optStr('recordId')
  if (recordId !== undefined) n.entryId = recordId
  const owner = r.optStr('ownerProvince')
  if (owner !== undefined) n.owner = owner
  const objectionNo = r.optStr('objectionNo')
  if (objectionNo !== undefined) n.objectionId = objectionNo
  const checkNo = r.optStr('checkNo')
  if (checkNo !== undefined) n.checkId = checkNo
  const checkResult = r.optStr('checkResult')
  if (checkResult !== undefined) n.outcome = nativeText(checkResult, 'checkResult', `${r.at}.checkResult`)
  if (r.optArray('measureCodes') !== undefined) n.measures = r.strArray('measureCodes')
  const due = r.optDate('handleDeadline')
  if (due !== undefined) n.dueOn = due
  return n
}

function readItem (r: ShRecordReader): ShContractItem {
  const type = r.str('recordType')
  switch (type) {
    case 'creditList': return { kind: 'list.upsert', item: listUpsertFromNative(r) }
    case 'listRemoval': return { kind: 'list.remove', item: flatFromNative(r, 'list.remove') }
    case 'jointPunishNotice': return { kind: 'punishment.notice', item: noticeFromNative(r) }
    case 'feedback': return { kind: 'punishment.feedback', item: feedbackFromNative(r) }
    case 'objection': return { kind: 'objection.open', item: flatFromNative(r, 'objection.open') }
    case 'objectionResult': return { kind: 'objection.resolve', item: flatFromNative(r, 'objection.resolve') }
    case 'gatewayNotice': return { kind: 'gateway.notice', item: gatewayNoticeFromNative(r) }
    case 'repairApply': return { kind: 'repair.request', item: flatFromNative(r, 'repair.request') }
    case 'repairResult': return { kind: 'repair.decision', item: flatFromNative(r, 'repair.decision') }
    default: throw unmappable(`${r.at}.recordType: unknown record type`)
  }
}

/**
 * One of Shanghai's records (parsed JSON, unknown until read) → the contract item it carries, with
 * its kind. What Shanghai holds must also be a valid contract item; anything else is refused.
 */
export function fromNative (record: unknown, at = 'record'): ShContractItem {
  const result = readItem(new ShRecordReader(record, at))
  assertContract(result.kind, result.item, at)
  return result
}
