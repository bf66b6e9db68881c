import type { NativeKind } from '../native-kinds.js'
import {
  DOCUMENT_TYPE_CODES, FEEDBACK_OUTCOME_CODES, LIST_TYPE_CODES, MODE_CODES, NOTICE_CHANNEL_CODES, NOTICE_TYPE_CODES,
  REMOVAL_REASON_CODES,
  REPAIR_OUTCOME_CODES, RESOLUTION_CODES, ROLE_CODES, SEVERE_CATEGORY_CODES, SUBJECT_TYPE_CODES, type CodeTable
} from './ah-xml-codes.js'

interface Base {
  /** The native element (pinyin initials of the Chinese field name). */
  code: string
  /** The contract property. */
  key: string
  optional?: boolean
}

/**
 * How one contract property is carried in a record (记录, JL): the field tables of the Anhui
 * interface, written once and read by both directions of the mapping so they cannot drift apart.
 * `max` is the platform's column length in characters, where it is narrower than or equal to
 * the contract's; a longer value cannot be stored there and is refused before sending.
 */
export type FieldSpec =
  | Base & { type: 'text', max: number }
  | Base & { type: 'date' } // YYYY-MM-DD in the contract, YYYYMMDD natively
  | Base & { type: 'int' }
  | Base & { type: 'bool' } // 1 是 / 0 否
  | Base & { type: 'enum', table: CodeTable }
  | Base & { type: 'id-number' } // ZJLX 111 (居民身份证) next to ZJHM
  | Base & { type: 'group', fields: readonly FieldSpec[] } // a nested element
  | Base & { type: 'flat', fields: readonly FieldSpec[] } // a contract object spread over the record
  | Base & { type: 'list', item: string, fields: readonly FieldSpec[] } // LIST > ITEM* of elements
  | Base & { type: 'code-list', item: string, max: number } // LIST > ITEM* of codes

/** 责任人 (ZRR): 法定代表人、主要负责人、实际控制人, 国发〔2016〕33号 (十四). */
const RESPONSIBLE_PERSON: readonly FieldSpec[] = [
  { code: 'ZRRJS', key: 'role', type: 'enum', table: ROLE_CODES },
  { code: 'XM', key: 'name', type: 'text', max: 50 },
  { code: 'ZJHM', key: 'idNumber', type: 'id-number', optional: true },
  { code: 'TYSHXYDM', key: 'creditCode', type: 'text', max: 18, optional: true }
]

/** 信用主体 (XYZT). */
const SUBJECT: readonly FieldSpec[] = [
  { code: 'ZTLX', key: 'type', type: 'enum', table: SUBJECT_TYPE_CODES },
  { code: 'ZTMC', key: 'name', type: 'text', max: 200 },
  { code: 'TYSHXYDM', key: 'creditCode', type: 'text', max: 18, optional: true },
  { code: 'ZJHM', key: 'idNumber', type: 'id-number', optional: true },
  { code: 'ZRRLB', key: 'responsiblePersons', type: 'list', item: 'ZRR', fields: RESPONSIBLE_PERSON, optional: true }
]

/** 认定信息: the deciding department and the legally effective document, 国办发〔2020〕49号 (二). */
const DECISION: readonly FieldSpec[] = [
  { code: 'RDBM', key: 'authority', type: 'text', max: 100 },
  { code: 'RDBMDM', key: 'authorityCode', type: 'text', max: 18, optional: true },
  { code: 'WSLX', key: 'documentType', type: 'enum', table: DOCUMENT_TYPE_CODES },
  { code: 'WSMC', key: 'documentName', type: 'text', max: 100 },
  { code: 'WSH', key: 'documentNumber', type: 'text', max: 64 },
  { code: 'JDRQ', key: 'decidedOn', type: 'date' }
]

/** 告知信息 (GZXX, assumed): how the subject was told before the decision, 国办发〔2020〕49号 (八). */
const NOTIFICATION: readonly FieldSpec[] = [
  { code: 'GZRQ', key: 'notifiedOn', type: 'date' },
  { code: 'GZFS', key: 'channel', type: 'enum', table: NOTICE_CHANNEL_CODES }
]

/** 惩戒（激励）措施 (CJCS), from the measures list, 国发〔2016〕33号 (二十). */
const MEASURE: readonly FieldSpec[] = [
  { code: 'CSDM', key: 'code', type: 'text', max: 64 },
  { code: 'SFQZ', key: 'mandatory', type: 'bool' },
  { code: 'CSMS', key: 'description', type: 'text', max: 500, optional: true }
]

const department = (prefix: string): readonly FieldSpec[] => [
  { code: `${prefix}MC`, key: 'name', type: 'text', max: 100 },
  { code: `${prefix}DM`, key: 'code', type: 'text', max: 64, optional: true }
]

/** The entry a record is about and the platform that owns it. */
const ENTRY_REF: readonly FieldSpec[] = [
  { code: 'TMBH', key: 'entryId', type: 'text', max: 64 },
  { code: 'SJLY', key: 'owner', type: 'text', max: 16 }
]

const OBJECTION_NO: FieldSpec = { code: 'YYBH', key: 'objectionId', type: 'text', max: 64 }
const REPAIR_NO: FieldSpec = { code: 'XFBH', key: 'repairId', type: 'text', max: 64 }

/**
 * An application about an entry, forwarded to its owner (异议申请, 信用修复申请): its number, the
 * entry, the date it was lodged (SQRQ) and its grounds. Each kind names these in its own words.
 */
const applicationFields = (id: FieldSpec, lodgedOn: string, groundsCode: string): readonly FieldSpec[] => [
  id,
  ...ENTRY_REF,
  { code: 'SQRQ', key: lodgedOn, type: 'date' },
  { code: groundsCode, key: 'grounds', type: 'text', max: 4000 }
]

/** The owner's answer to such an application: its number, the entry, 处理结果, 处理日期 and 处理说明. */
const answerFields = (id: FieldSpec, outcomes: CodeTable, decidedOn: string, reason: string): readonly FieldSpec[] => [
  id,
  ...ENTRY_REF,
  { code: 'CLJG', key: 'outcome', type: 'enum', table: outcomes },
  { code: 'CLRQ', key: decidedOn, type: 'date' },
  { code: 'CLSM', key: reason, type: 'text', max: 4000 }
]

/** The record layout of each message type. */
export const RECORD_FIELDS: Readonly<Record<NativeKind, readonly FieldSpec[]>> = {
  // 名单发布: the entry in full, 国办发〔2020〕49号 (八).
  'list.upsert': [
    ...ENTRY_REF,
    { code: 'BBH', key: 'version', type: 'int' },
    { code: 'MDLX', key: 'listType', type: 'enum', table: LIST_TYPE_CODES },
    { code: 'MDDM', key: 'listCode', type: 'text', max: 64 },
    { code: 'LYDM', key: 'domain', type: 'text', max: 64 },
    { code: 'YZSXLB', key: 'severeCategory', type: 'enum', table: SEVERE_CATEGORY_CODES, optional: true },
    { code: 'XYZT', key: 'subject', type: 'group', fields: SUBJECT },
    { code: 'SY', key: 'facts', type: 'text', max: 4000 },
    { code: 'YJ', key: 'legalBasis', type: 'text', max: 2000 },
    { code: '', key: 'decision', type: 'flat', fields: DECISION },
    { code: 'CJCSLB', key: 'measures', type: 'list', item: 'CJCS', fields: MEASURE },
    { code: 'YCTJ', key: 'exitConditions', type: 'text', max: 2000 },
    { code: 'JJTJ', key: 'remedies', type: 'text', max: 2000 },
    { code: 'YXQQ', key: 'validFrom', type: 'date' },
    { code: 'YXQZ', key: 'validUntil', type: 'date', optional: true },
    { code: 'GZXX', key: 'notification', type: 'group', fields: NOTIFICATION, optional: true },
    { code: 'SFKXF', key: 'repairable', type: 'bool' }
  ],
  // 名单移出, 国办发〔2020〕49号 (十一).
  'list.remove': [
    ...ENTRY_REF,
    { code: 'BBH', key: 'version', type: 'int' },
    { code: 'YCYY', key: 'reason', type: 'enum', table: REMOVAL_REASON_CODES },
    { code: 'YCYJ', key: 'basis', type: 'text', max: 2000 },
    { code: 'SXRQ', key: 'effectiveOn', type: 'date' }
  ],
  // 联合奖惩发起, 国发〔2016〕33号 (十五).
  'punishment.notice': [
    { code: 'AJBH', key: 'caseId', type: 'text', max: 64 },
    { code: 'JCLX', key: 'mode', type: 'enum', table: MODE_CODES },
    ...ENTRY_REF,
    { code: '', key: 'initiatingDepartment', type: 'flat', fields: department('FQBM') },
    { code: 'XYZT', key: 'subject', type: 'group', fields: SUBJECT },
    { code: 'CSLB', key: 'measures', type: 'code-list', item: 'CSDM', max: 64 },
    { code: 'XYQX', key: 'respondBy', type: 'date' },
    { code: 'FKQX', key: 'feedbackBy', type: 'date' },
    { code: 'BZ', key: 'note', type: 'text', max: 2000, optional: true }
  ],
  // 联合奖惩反馈 (响应、执行反馈), 国发〔2016〕33号 (十五)(十八).
  'punishment.feedback': [
    { code: 'AJBH', key: 'caseId', type: 'text', max: 64 },
    { code: 'FQF', key: 'initiator', type: 'text', max: 16 },
    { code: '', key: 'department', type: 'flat', fields: department('ZXBM') },
    { code: 'FKJG', key: 'outcome', type: 'enum', table: FEEDBACK_OUTCOME_CODES },
    { code: 'CSDM', key: 'measure', type: 'text', max: 64, optional: true },
    { code: 'ZXRQ', key: 'appliedOn', type: 'date', optional: true },
    { code: 'LY', key: 'reason', type: 'text', max: 2000, optional: true }
  ],
  // 异议申请, 国发〔2016〕33号 (二十二).
  'objection.open': applicationFields(OBJECTION_NO, 'lodgedOn', 'YYNR'),
  // 异议处理结果.
  'objection.resolve': [
    ...answerFields(OBJECTION_NO, RESOLUTION_CODES, 'resolvedOn', 'explanation'),
    { code: 'GZBBH', key: 'correctedVersion', type: 'int', optional: true }
  ],
  // 信用修复申请 (assumed), forwarded to the entry's owner, 国办发〔2020〕49号 (十二).
  'repair.request': applicationFields(REPAIR_NO, 'requestedOn', 'XFLY'),
  // 信用修复决定 (assumed): the owner grants or refuses, 国办发〔2020〕49号 (十一).
  'repair.decision': answerFields(REPAIR_NO, REPAIR_OUTCOME_CODES, 'decidedOn', 'reason'),
  // 网关通知: issued by the gateway only (催办、纠错、核查结果).
  'gateway.notice': [
    { code: 'TZBH', key: 'noticeId', type: 'text', max: 64 },
    { code: 'TZLX', key: 'noticeType', type: 'enum', table: NOTICE_TYPE_CODES },
    { code: 'AJBH', key: 'caseId', type: 'text', max: 64, optional: true },
    { code: 'FQF', key: 'initiator', type: 'text', max: 16, optional: true },
    { code: 'TMBH', key: 'entryId', type: 'text', max: 64, optional: true },
    { code: 'SJLY', key: 'owner', type: 'text', max: 16, optional: true },
    { code: 'YYBH', key: 'objectionId', type: 'text', max: 64, optional: true },
    { code: 'HCBH', key: 'checkId', type: 'text', max: 64, optional: true },
    { code: 'HCJG', key: 'outcome', type: 'text', max: 64, optional: true },
    { code: 'CSLB', key: 'measures', type: 'code-list', item: 'CSDM', max: 64, optional: true },
    { code: 'BLQX', key: 'dueOn', type: 'date', optional: true },
    { code: 'TZNR', key: 'text', type: 'text', max: 2000 }
  ]
}

/** Paths (from `base`) of every repeatable element, so a list of one still parses as a list. */
export function repeatablePaths (base: string): Set<string> {
  const paths = new Set<string>()
  const walk = (fields: readonly FieldSpec[], at: string): void => {
    for (const f of fields) {
      if (f.type === 'group') walk(f.fields, `${at}.${f.code}`)
      if (f.type === 'flat') walk(f.fields, at)
      if (f.type === 'list') { paths.add(`${at}.${f.code}.${f.item}`); walk(f.fields, `${at}.${f.code}.${f.item}`) }
      if (f.type === 'code-list') paths.add(`${at}.${f.code}.${f.item}`)
    }
  }
  for (const fields of Object.values(RECORD_FIELDS)) walk(fields, base)
  return paths
}
