/**
 * Shanghai's native records (上海市公共信用信息服务平台, interface v2), one type per record kind.
 * Dates are `yyyyMMdd`, flags are `"1"`/`"0"`, enumerations are the platform's own codes (see
 * sh-rest-codes.ts); an optional field is left out when it has no value, never sent as null.
 */

/** `"1"` yes, `"0"` no. */
export type ShFlag = '1' | '0'

/** A responsible person of the subject (法定代表人、主要负责人、实际控制人、直接责任人). */
export interface ShDutyPerson {
  dutyRole: string
  dutyName: string
  /** Resident identity number; personal information. */
  dutyCertNo?: string
  /** Unified social credit code of a responsible organisation (e.g. an actual controller that is a company). */
  dutyUnifiedCode?: string
}

/** The subject fields, flattened into every record that names a subject. */
export interface ShSubjectFields {
  creditSubjectType: string
  creditSubjectName: string
  /** Unified social credit code (organisations). */
  unifiedCode?: string
  /** Identity document type, `"01"` (居民身份证) whenever `certNo` is present. */
  certType?: string
  /** Resident identity number (persons); personal information. */
  certNo?: string
  dutyPersons?: ShDutyPerson[]
}

/** A measure an entry calls for. */
export interface ShMeasure {
  measureCode: string
  mandatoryFlag: ShFlag
  measureDesc?: string
}

/** A list entry in full (红黑名单及重点监管名单信息). */
export interface ShCreditList extends ShSubjectFields {
  recordType: 'creditList'
  recordId: string
  ownerProvince: string
  recordVersion: number
  listCategory: string
  listTypeCode: string
  industryField: string
  seriousType?: string
  listReason: string
  punishBasis: string
  decisionOrg: string
  decisionOrgCode?: string
  decisionDocType: string
  decisionDocName: string
  decisionDocNo: string
  decisionDate: string
  measureList: ShMeasure[]
  removeCondition: string
  reliefMeasure: string
  validStart: string
  validEnd?: string
  /** 告知日期 (assumed): when the subject was told before the decision; with `noticeMode`. */
  noticeDate?: string
  /** 告知方式 (assumed), see sh-rest-codes.ts. */
  noticeMode?: string
  repairFlag: ShFlag
}

/** The owner takes an entry off its list (移出). */
export interface ShListRemoval {
  recordType: 'listRemoval'
  recordId: string
  ownerProvince: string
  recordVersion: number
  removeReason: string
  removeBasis: string
  removeDate: string
}

/** A joint punishment or reward case opened by an initiating department (联合奖惩发起). */
export interface ShJointPunishNotice extends ShSubjectFields {
  recordType: 'jointPunishNotice'
  caseNo: string
  actionType: string
  recordId: string
  ownerProvince: string
  initiateDeptName: string
  initiateDeptCode?: string
  measureCodes: string[]
  respondDeadline: string
  feedbackDeadline: string
  remark?: string
}

/** An implementing department's response or feedback on one measure (响应、执行反馈). */
export interface ShFeedback {
  recordType: 'feedback'
  caseNo: string
  initiateProvince: string
  feedbackDeptName: string
  feedbackDeptCode?: string
  feedbackResult: string
  measureCode?: string
  implementDate?: string
  declineReason?: string
}

/** A subject's objection to an entry (异议申请). */
export interface ShObjection {
  recordType: 'objection'
  objectionNo: string
  recordId: string
  ownerProvince: string
  applyDate: string
  objectionReason: string
}

/** The owner's outcome of an objection (异议处理结果). */
export interface ShObjectionResult {
  recordType: 'objectionResult'
  objectionNo: string
  recordId: string
  ownerProvince: string
  handleResult: string
  handleDate: string
  handleOpinion: string
  newRecordVersion?: number
}

/** A subject's application for credit repair, forwarded to the entry's owner (信用修复申请, assumed; 国办发〔2020〕49号 (十二)). */
export interface ShRepairApply {
  recordType: 'repairApply'
  repairNo: string
  recordId: string
  ownerProvince: string
  applyDate: string
  repairReason: string
}

/** The owner's decision on a credit repair application (信用修复结果, assumed; 国办发〔2020〕49号 (十一)). */
export interface ShRepairResult {
  recordType: 'repairResult'
  repairNo: string
  recordId: string
  ownerProvince: string
  repairResult: string
  handleDate: string
  repairOpinion: string
}

/** A notice the gateway itself issues (网关通知): a reminder, a remediation notice, a check outcome. */
export interface ShGatewayNotice {
  recordType: 'gatewayNotice'
  noticeNo: string
  noticeType: string
  caseNo?: string
  initiateProvince?: string
  recordId?: string
  ownerProvince?: string
  objectionNo?: string
  checkNo?: string
  checkResult?: string
  measureCodes?: string[]
  handleDeadline?: string
  noticeContent: string
}

export type ShRecord = ShCreditList | ShListRemoval | ShJointPunishNotice | ShFeedback | ShObjection |
  ShObjectionResult | ShGatewayNotice | ShRepairApply | ShRepairResult
export type ShRecordType = ShRecord['recordType']
