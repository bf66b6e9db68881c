import type { EnvelopeKindV1, ItemOf } from '../../contracts/envelope-v1.js'
import type { GatewayNoticeItemV1 } from '../../contracts/gateway-notice-item-v1.js'
import type { ListRemoveItemV1 } from '../../contracts/list-remove-item-v1.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import type { ObjectionOpenItemV1, ObjectionResolveItemV1 } from '../../contracts/objection-items-v1.js'
import type { PunishmentFeedbackItemV1 } from '../../contracts/punishment-feedback-item-v1.js'
import type { PunishmentNoticeItemV1 } from '../../contracts/punishment-notice-item-v1.js'
import type { RepairDecisionItemV1, RepairRequestItemV1 } from '../../contracts/repair-items-v1.js'
import { AdapterError } from '../types.js'
import {
  CASE_MODES, DATA_TYPES, DOCUMENT_TYPES, FEEDBACK_OUTCOMES, LIST_TYPES, MEASURE_NATURES, NOTICE_CHANNELS, NOTICE_TYPES,
  OBJECTION_OUTCOMES,
  REMOVAL_REASONS, REPAIR_OUTCOMES, SEVERE_CATEGORIES, YES_NO
} from './js-batch-codes.js'
import type { JsRow } from './js-batch-columns.js'
import { JsRowReader } from './js-row-reader.js'
import { JsRowWriter, NONE_MARKER } from './js-row-writer.js'
import { fieldsOf, subjectFromNative, subjectToNative } from './js-subject-mapping.js'
import type { NativeKind } from '../native-kinds.js'

/** A contract item of any kind together with its kind. */
export type JsItem = { [K in NativeKind]: { kind: K, item: ItemOf<K> } }[NativeKind]

type Writer = (w: JsRowWriter, item: unknown) => void

const KEYS: Record<NativeKind, readonly string[]> = {
  'list.upsert': ['entryId', 'owner', 'version', 'listType', 'listCode', 'domain', 'severeCategory', 'subject', 'facts', 'legalBasis', 'decision', 'measures', 'exitConditions', 'remedies', 'validFrom', 'validUntil', 'notification', 'repairable'],
  'list.remove': ['entryId', 'owner', 'version', 'reason', 'basis', 'effectiveOn'],
  'punishment.notice': ['caseId', 'mode', 'entryId', 'owner', 'initiatingDepartment', 'subject', 'measures', 'respondBy', 'feedbackBy', 'note'],
  'punishment.feedback': ['caseId', 'initiator', 'department', 'outcome', 'measure', 'appliedOn', 'reason'],
  'objection.open': ['objectionId', 'entryId', 'owner', 'lodgedOn', 'grounds'],
  'objection.resolve': ['objectionId', 'entryId', 'owner', 'outcome', 'resolvedOn', 'explanation', 'correctedVersion'],
  'gateway.notice': ['noticeId', 'noticeType', 'caseId', 'initiator', 'entryId', 'owner', 'objectionId', 'checkId', 'outcome', 'measures', 'dueOn', 'text'],
  'repair.request': ['repairId', 'entryId', 'owner', 'requestedOn', 'grounds'],
  'repair.decision': ['repairId', 'entryId', 'owner', 'outcome', 'decidedOn', 'reason']
}

const WRITERS: Record<NativeKind, Writer> = {
  'list.upsert': (w, value) => {
    const i = fieldsOf('item', value, KEYS['list.upsert'])
    w.text('名单编号', 'entryId', i.entryId)
    w.text('名单归属平台', 'owner', i.owner)
    w.int('版本号', 'version', i.version)
    w.code('名单类型', LIST_TYPES, 'listType', i.listType)
    w.text('名单代码', 'listCode', i.listCode)
    w.text('所属领域', 'domain', i.domain)
    w.code('严重失信类别', SEVERE_CATEGORIES, 'severeCategory', i.severeCategory, true)
    subjectToNative(w, i.subject)
    w.text('失信事由', 'facts', i.facts)
    w.text('认定依据', 'legalBasis', i.legalBasis)
    const d = fieldsOf('decision', i.decision, ['authority', 'authorityCode', 'documentType', 'documentName', 'documentNumber', 'decidedOn'])
    w.text('认定部门', 'decision.authority', d.authority)
    w.text('认定部门代码', 'decision.authorityCode', d.authorityCode, true)
    w.code('决定文书类型', DOCUMENT_TYPES, 'decision.documentType', d.documentType)
    w.text('决定文书名称', 'decision.documentName', d.documentName)
    w.text('决定文书号', 'decision.documentNumber', d.documentNumber)
    w.date('决定日期', 'decision.decidedOn', d.decidedOn)
    w.nested('惩戒措施', 'measures', (w.list('measures', i.measures) ?? []).map((measure, n) => {
      const field = `measures[${n}]`
      const m = fieldsOf(field, measure, ['code', 'mandatory', 'description'])
      if (typeof m.mandatory !== 'boolean') throw new AdapterError(`${field}.mandatory must be a boolean`, { retryable: false })
      const parts = [w.part(`${field}.code`, m.code), w.label(MEASURE_NATURES, `${field}.mandatory`, m.mandatory)]
      if (m.description !== undefined) parts.push(w.part(`${field}.description`, m.description))
      return parts
    }))
    w.text('移出条件', 'exitConditions', i.exitConditions)
    w.text('救济途径', 'remedies', i.remedies)
    w.date('有效期起', 'validFrom', i.validFrom)
    w.date('有效期止', 'validUntil', i.validUntil, true)
    if (i.notification !== undefined) {
      const n = fieldsOf('notification', i.notification, ['notifiedOn', 'channel'])
      w.date('告知日期', 'notification.notifiedOn', n.notifiedOn)
      w.code('告知方式', NOTICE_CHANNELS, 'notification.channel', n.channel)
    }
    if (typeof i.repairable !== 'boolean') throw new AdapterError('repairable must be a boolean', { retryable: false })
    w.code('可否修复', YES_NO, 'repairable', i.repairable)
  },
  'list.remove': (w, value) => {
    const i = fieldsOf('item', value, KEYS['list.remove'])
    w.text('名单编号', 'entryId', i.entryId)
    w.text('名单归属平台', 'owner', i.owner)
    w.int('版本号', 'version', i.version)
    w.code('移出原因', REMOVAL_REASONS, 'reason', i.reason)
    w.text('移出依据', 'basis', i.basis)
    w.date('移出日期', 'effectiveOn', i.effectiveOn)
  },
  'punishment.notice': (w, value) => {
    const i = fieldsOf('item', value, KEYS['punishment.notice'])
    w.text('案件编号', 'caseId', i.caseId)
    w.code('奖惩类型', CASE_MODES, 'mode', i.mode)
    w.text('名单编号', 'entryId', i.entryId)
    w.text('名单归属平台', 'owner', i.owner)
    const dep = fieldsOf('initiatingDepartment', i.initiatingDepartment, ['name', 'code'])
    w.text('发起部门', 'initiatingDepartment.name', dep.name)
    w.text('发起部门代码', 'initiatingDepartment.code', dep.code, true)
    subjectToNative(w, i.subject)
    w.nested('惩戒措施', 'measures', (w.list('measures', i.measures) ?? []).map((code, n) => [w.part(`measures[${n}]`, code)]))
    w.date('响应期限', 'respondBy', i.respondBy)
    w.date('反馈期限', 'feedbackBy', i.feedbackBy)
    w.text('备注', 'note', i.note, true)
  },
  'punishment.feedback': (w, value) => {
    const i = fieldsOf('item', value, KEYS['punishment.feedback'])
    w.text('案件编号', 'caseId', i.caseId)
    w.text('发起平台', 'initiator', i.initiator)
    const dep = fieldsOf('department', i.department, ['name', 'code'])
    w.text('执行部门', 'department.name', dep.name)
    w.text('执行部门代码', 'department.code', dep.code, true)
    w.code('反馈结果', FEEDBACK_OUTCOMES, 'outcome', i.outcome)
    w.text('执行措施', 'measure', i.measure, true)
    w.date('执行日期', 'appliedOn', i.appliedOn, true)
    w.text('反馈说明', 'reason', i.reason, true)
  },
  'objection.open': (w, value) => {
    const i = fieldsOf('item', value, KEYS['objection.open'])
    w.text('异议编号', 'objectionId', i.objectionId)
    w.text('名单编号', 'entryId', i.entryId)
    w.text('名单归属平台', 'owner', i.owner)
    w.date('异议提出日期', 'lodgedOn', i.lodgedOn)
    w.text('异议理由', 'grounds', i.grounds)
  },
  'objection.resolve': (w, value) => {
    const i = fieldsOf('item', value, KEYS['objection.resolve'])
    w.text('异议编号', 'objectionId', i.objectionId)
    w.text('名单编号', 'entryId', i.entryId)
    w.text('名单归属平台', 'owner', i.owner)
    w.code('处理结果', OBJECTION_OUTCOMES, 'outcome', i.outcome)
    w.date('处理日期', 'resolvedOn', i.resolvedOn)
    w.text('处理说明', 'explanation', i.explanation)
    w.int('更正版本号', 'correctedVersion', i.correctedVersion, true)
  },
  'gateway.notice': (w, value) => {
    const i = fieldsOf('item', value, KEYS['gateway.notice'])
    w.text('通知编号', 'noticeId', i.noticeId)
    w.code('通知类型', NOTICE_TYPES, 'noticeType', i.noticeType)
    w.text('案件编号', 'caseId', i.caseId, true)
    w.text('发起平台', 'initiator', i.initiator, true)
    w.text('名单编号', 'entryId', i.entryId, true)
    w.text('名单归属平台', 'owner', i.owner, true)
    w.text('异议编号', 'objectionId', i.objectionId, true)
    w.text('核查编号', 'checkId', i.checkId, true)
    w.text('核查结论', 'outcome', i.outcome, true)
    const measures = w.list('measures', i.measures, true)
    // An empty list is written 无, so that it stays distinct from no list at all (an empty cell).
    if (measures !== undefined) w.nested('惩戒措施', 'measures', measures.map((code, n) => [w.part(`measures[${n}]`, code)]), NONE_MARKER)
    w.date('办理期限', 'dueOn', i.dueOn, true)
    w.text('通知内容', 'text', i.text)
  },
  'repair.request': (w, value) => {
    const i = fieldsOf('item', value, KEYS['repair.request'])
    w.text('修复编号', 'repairId', i.repairId)
    w.text('名单编号', 'entryId', i.entryId)
    w.text('名单归属平台', 'owner', i.owner)
    w.date('修复申请日期', 'requestedOn', i.requestedOn)
    w.text('修复理由', 'grounds', i.grounds)
  },
  'repair.decision': (w, value) => {
    const i = fieldsOf('item', value, KEYS['repair.decision'])
    w.text('修复编号', 'repairId', i.repairId)
    w.text('名单编号', 'entryId', i.entryId)
    w.text('名单归属平台', 'owner', i.owner)
    w.code('修复结果', REPAIR_OUTCOMES, 'outcome', i.outcome)
    w.date('修复决定日期', 'decidedOn', i.decidedOn)
    w.text('修复决定说明', 'reason', i.reason)
  }
}

/**
 * Translates one contract item of `kind` into the item columns of a Jiangsu batch row (数据类型
 * included; 批次号, 记录序号 and 数据来源省份 belong to the batch, see `encodeBatchFile`).
 * @throws AdapterError (not retryable) for a value the batch format cannot represent.
 */
export function toNative (kind: EnvelopeKindV1, item: unknown): JsRow {
  const w = new JsRowWriter()
  w.code('数据类型', DATA_TYPES, 'kind', kind)
  WRITERS[kind](w, item)
  return w.row
}

function put<T extends object, K extends keyof T> (target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value
}

function listUpsert (r: JsRowReader): ListUpsertItemV1 {
  const decision: ListUpsertItemV1['decision'] = {
    authority: r.text('认定部门'),
    documentType: r.code('决定文书类型', DOCUMENT_TYPES),
    documentName: r.text('决定文书名称'),
    documentNumber: r.text('决定文书号'),
    decidedOn: r.date('决定日期')
  }
  put(decision, 'authorityCode', r.optText('认定部门代码'))
  const item: ListUpsertItemV1 = {
    entryId: r.text('名单编号'),
    owner: r.text('名单归属平台'),
    version: r.int('版本号'),
    listType: r.code('名单类型', LIST_TYPES),
    listCode: r.text('名单代码'),
    domain: r.text('所属领域'),
    subject: subjectFromNative(r),
    facts: r.text('失信事由'),
    legalBasis: r.text('认定依据'),
    decision,
    measures: r.nested('惩戒措施').map((parts) => {
      const [code, nature, description, ...rest] = parts
      if (code === undefined || code === '' || nature === undefined || description === '' || rest.length > 0) {
        throw new AdapterError('惩戒措施 holds a record that is not 措施代码;强制|推荐[;措施说明]', { retryable: false })
      }
      const measure: ListUpsertItemV1['measures'][number] = { code, mandatory: JsRowReader.code(MEASURE_NATURES, nature) === 'true' }
      put(measure, 'description', description)
      return measure
    }),
    exitConditions: r.text('移出条件'),
    remedies: r.text('救济途径'),
    validFrom: r.date('有效期起'),
    repairable: r.flag('可否修复', YES_NO)
  }
  put(item, 'severeCategory', r.optCode('严重失信类别', SEVERE_CATEGORIES))
  put(item, 'validUntil', r.optDate('有效期止'))
  const notifiedOn = r.optDate('告知日期')
  const channel = r.optCode('告知方式', NOTICE_CHANNELS)
  // Both or neither: a date without its channel (or the reverse) is not a 告知 record.
  if (notifiedOn !== undefined || channel !== undefined) item.notification = { notifiedOn: r.date('告知日期'), channel: r.code('告知方式', NOTICE_CHANNELS) }
  return item
}

function listRemove (r: JsRowReader): ListRemoveItemV1 {
  return { entryId: r.text('名单编号'), owner: r.text('名单归属平台'), version: r.int('版本号'), reason: r.code('移出原因', REMOVAL_REASONS), basis: r.text('移出依据'), effectiveOn: r.date('移出日期') }
}

function punishmentNotice (r: JsRowReader): PunishmentNoticeItemV1 {
  const initiatingDepartment: PunishmentNoticeItemV1['initiatingDepartment'] = { name: r.text('发起部门') }
  put(initiatingDepartment, 'code', r.optText('发起部门代码'))
  const item: PunishmentNoticeItemV1 = {
    caseId: r.text('案件编号'),
    mode: r.code('奖惩类型', CASE_MODES),
    entryId: r.text('名单编号'),
    owner: r.text('名单归属平台'),
    initiatingDepartment,
    subject: subjectFromNative(r),
    measures: r.nested('惩戒措施').map((parts) => {
      if (parts.length !== 1 || parts[0] === undefined || parts[0] === '') throw new AdapterError('惩戒措施 holds a record that is not one 措施代码', { retryable: false })
      return parts[0]
    }),
    respondBy: r.date('响应期限'),
    feedbackBy: r.date('反馈期限')
  }
  put(item, 'note', r.optText('备注'))
  return item
}

function punishmentFeedback (r: JsRowReader): PunishmentFeedbackItemV1 {
  const department: PunishmentFeedbackItemV1['department'] = { name: r.text('执行部门') }
  put(department, 'code', r.optText('执行部门代码'))
  const item: PunishmentFeedbackItemV1 = { caseId: r.text('案件编号'), initiator: r.text('发起平台'), department, outcome: r.code('反馈结果', FEEDBACK_OUTCOMES) }
  put(item, 'measure', r.optText('执行措施'))
  put(item, 'appliedOn', r.optDate('执行日期'))
  put(item, 'reason', r.optText('反馈说明'))
  return item
}

function objectionOpen (r: JsRowReader): ObjectionOpenItemV1 {
  return { objectionId: r.text('异议编号'), entryId: r.text('名单编号'), owner: r.text('名单归属平台'), lodgedOn: r.date('异议提出日期'), grounds: r.text('异议理由') }
}

function objectionResolve (r: JsRowReader): ObjectionResolveItemV1 {
  const item: ObjectionResolveItemV1 = { objectionId: r.text('异议编号'), entryId: r.text('名单编号'), owner: r.text('名单归属平台'), outcome: r.code('处理结果', OBJECTION_OUTCOMES), resolvedOn: r.date('处理日期'), explanation: r.text('处理说明') }
  put(item, 'correctedVersion', r.optInt('更正版本号'))
  return item
}

function gatewayNotice (r: JsRowReader): GatewayNoticeItemV1 {
  const item: GatewayNoticeItemV1 = { noticeId: r.text('通知编号'), noticeType: r.code('通知类型', NOTICE_TYPES), text: r.text('通知内容') }
  put(item, 'caseId', r.optText('案件编号'))
  put(item, 'initiator', r.optText('发起平台'))
  put(item, 'entryId', r.optText('名单编号'))
  put(item, 'owner', r.optText('名单归属平台'))
  put(item, 'objectionId', r.optText('异议编号'))
  put(item, 'checkId', r.optText('核查编号'))
  put(item, 'outcome', r.optText('核查结论'))
  const measures = r.optText('惩戒措施')
  if (measures !== undefined) {
    item.measures = measures === NONE_MARKER
      ? []
      : r.nested('惩戒措施').map((parts) => {
        if (parts.length !== 1 || parts[0] === undefined || parts[0] === '') throw new AdapterError('惩戒措施 holds a record that is not one 措施代码', { retryable: false })
        return parts[0]
      })
  }
  put(item, 'dueOn', r.optDate('办理期限'))
  return item
}

function repairRequest (r: JsRowReader): RepairRequestItemV1 {
  return { repairId: r.text('修复编号'), entryId: r.text('名单编号'), owner: r.text('名单归属平台'), requestedOn: r.date('修复申请日期'), grounds: r.text('修复理由') }
}

function repairDecision (r: JsRowReader): RepairDecisionItemV1 {
  return { repairId: r.text('修复编号'), entryId: r.text('名单编号'), owner: r.text('名单归属平台'), outcome: r.code('修复结果', REPAIR_OUTCOMES), decidedOn: r.date('修复决定日期'), reason: r.text('修复决定说明') }
}

/**
 * Translates one native row back into its contract kind and item: what the platform holds, in
 * the contract's shape. Absent optional fields (empty cells) stay absent.
 * @throws AdapterError (not retryable) for a row that is not a valid batch row.
 */
export function fromNative (row: JsRow): JsItem {
  const r = new JsRowReader(row)
  const kind = r.code('数据类型', DATA_TYPES)
  let result: JsItem
  switch (kind) {
    case 'list.upsert': result = { kind, item: listUpsert(r) }; break
    case 'list.remove': result = { kind, item: listRemove(r) }; break
    case 'punishment.notice': result = { kind, item: punishmentNotice(r) }; break
    case 'punishment.feedback': result = { kind, item: punishmentFeedback(r) }; break
    case 'objection.open': result = { kind, item: objectionOpen(r) }; break
    case 'objection.resolve': result = { kind, item: objectionResolve(r) }; break
    case 'gateway.notice': result = { kind, item: gatewayNotice(r) }; break
    case 'repair.request': result = { kind, item: repairRequest(r) }; break
    case 'repair.decision': result = { kind, item: repairDecision(r) }; break
  }
  r.done()
  return result
}
