import type { NativeKind } from '../native-kinds.js'

/**
 * A two-way code table between a contract enumeration and the Chinese label the Jiangsu platform
 * stores. Both directions are derived from one literal, so they can never drift apart.
 */
export interface CodeTable<T extends string> {
  /** The column (or cell part) the table is for, named in error messages. */
  readonly what: string
  readonly toLabel: ReadonlyMap<T, string>
  readonly fromLabel: ReadonlyMap<string, T>
}

function table<T extends string> (what: string, pairs: Record<T, string>): CodeTable<T> {
  const entries = Object.entries(pairs) as Array<[T, string]>
  return {
    what,
    toLabel: new Map(entries),
    fromLabel: new Map(entries.map(([code, label]) => [label, code]))
  }
}

/** 数据类型: which contract kind a row carries. */
export const DATA_TYPES = table<NativeKind>('数据类型', {
  'list.upsert': '01',
  'list.remove': '02',
  'punishment.notice': '03',
  'punishment.feedback': '04',
  'objection.open': '05',
  'objection.resolve': '06',
  'gateway.notice': '07',
  'repair.request': '08', // 信用修复申请 (assumed), 国办发〔2020〕49号 (十二)
  'repair.decision': '09' // 信用修复决定 (assumed), 国办发〔2020〕49号 (十一)
})

/** 名单类型. */
export const LIST_TYPES = table('名单类型', { black: '黑名单', red: '红名单', 'key-supervision': '重点监管名单' })

/** 严重失信类别: the four severe categories of 国发〔2016〕33号 (九), in its own words. */
export const SEVERE_CATEGORIES = table('严重失信类别', {
  'health-safety': '严重危害人民群众身体健康和生命安全',
  'market-order': '严重破坏市场公平竞争秩序和社会正常秩序',
  'legal-obligation': '拒不履行法定义务严重影响司法机关行政机关公信力',
  'national-defence': '拒不履行国防义务'
})

/** 主体类型: the five subject classes plus individual businesses. */
export const SUBJECT_TYPES = table('主体类型', {
  enterprise: '企业',
  'individual-business': '个体工商户',
  'social-organisation': '社会组织',
  'public-institution': '事业单位',
  'government-body': '机关',
  person: '自然人'
})

/** 责任人角色 (国发〔2016〕33号 (十四)). */
export const PERSON_ROLES = table('责任人角色', {
  'legal-representative': '法定代表人',
  principal: '主要负责人',
  'actual-controller': '实际控制人',
  'directly-responsible': '直接责任人'
})

/** 决定文书类型: the legally effective document an entry rests on (国办发〔2020〕49号 (二)). */
export const DOCUMENT_TYPES = table('决定文书类型', {
  judgment: '判决书',
  'arbitral-award': '仲裁裁决书',
  'penalty-decision': '行政处罚决定书',
  'administrative-decision': '行政决定书',
  'court-decision': '人民法院决定书',
  other: '其他'
})

/** 告知方式 (assumed): how the subject was told before the decision (告知, 国办发〔2020〕49号 (八)). */
export const NOTICE_CHANNELS = table('告知方式', {
  'in-person': '直接送达',
  post: '邮寄送达',
  electronic: '电子送达',
  'public-announcement': '公告送达',
  other: '其他'
})

/** 措施性质 inside the 惩戒措施 cell: mandatory (强制性) or recommended (推荐性). */
export const MEASURE_NATURES = table('措施性质', { true: '强制', false: '推荐' })

/** 移出原因 (国办发〔2020〕49号 (十一)(十二)); 履行完毕 and 法院删除 for the court list (法发〔2020〕25号 20). */
export const REMOVAL_REASONS = table('移出原因', {
  repair: '信用修复',
  expiry: '期满移出',
  revoked: '撤销认定',
  corrected: '更正',
  fulfilled: '履行完毕',
  'court-deleted': '法院删除',
  other: '其他'
})

/** 奖惩类型. */
export const CASE_MODES = table('奖惩类型', { punishment: '惩戒', reward: '激励' })

/** 反馈结果: 响应 (国发〔2016〕33号 (十五)) and 执行反馈 ((十八)). */
export const FEEDBACK_OUTCOMES = table('反馈结果', {
  acknowledged: '已响应',
  applied: '已执行',
  declined: '不予执行',
  'not-applicable': '不适用'
})

/** 处理结果 of an objection (国发〔2016〕33号 (二十二)). */
export const OBJECTION_OUTCOMES = table('处理结果', { upheld: '维持', corrected: '更正', revoked: '撤销' })

/** 修复结果 of a credit repair decision (assumed), 国办发〔2020〕49号 (十一). */
export const REPAIR_OUTCOMES = table('修复结果', { granted: '准予修复', refused: '不予修复' })

/** 通知类型 of a gateway notice (网关通知): 催办、纠错、核查结果. */
export const NOTICE_TYPES = table('通知类型', { reminder: '催办', remediation: '纠错', 'check.outcome': '核查结果' })

/** 可否修复. */
export const YES_NO = table('可否修复', { true: '是', false: '否' })
