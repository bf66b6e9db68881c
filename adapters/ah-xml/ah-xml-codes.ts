import type { NativeKind } from '../native-kinds.js'

/**
 * The code tables of the Anhui exchange interface (安徽省公共信用信息平台数据交换接口): each maps a
 * contract value to the code the platform stores. Codes are the platform's own (numeric where its
 * database uses dictionary tables), so a contract value outside a table cannot be sent.
 */
export type CodeTable = Readonly<Record<string, string>>

/** 消息类型 (XXLX): one message type per contract kind. */
export const KIND_CODES = {
  'list.upsert': 'MDFB', // 名单发布
  'list.remove': 'MDYC', // 名单移出
  'punishment.notice': 'CJFQ', // 联合奖惩发起
  'punishment.feedback': 'CJFK', // 联合奖惩反馈
  'objection.open': 'YYSQ', // 异议申请
  'objection.resolve': 'YYCL', // 异议处理结果
  'gateway.notice': 'WGTZ', // 网关通知
  'repair.request': 'XFSQ', // 信用修复申请 (assumed), 国办发〔2020〕49号 (十二)
  'repair.decision': 'XFJD' // 信用修复决定 (assumed), 国办发〔2020〕49号 (十一)
} as const satisfies Record<NativeKind, string>

/** 消息类型 of the export for reconciliation: 名单导出 (the gateway's query) and its answer 名单导出结果. */
export const EXPORT_CODES = { query: 'MDDC', answer: 'MDDCJG' } as const

/** The contract kind of a message type code, or undefined when the code is not one of ours. */
export function kindOfCode (code: string): NativeKind | undefined {
  for (const [kind, c] of Object.entries(KIND_CODES)) if (c === code) return kind as NativeKind
  return undefined
}

/** 名单类型 (MDLX). */
export const LIST_TYPE_CODES: CodeTable = { black: '01', red: '02', 'key-supervision': '03' }

/** 严重失信类别 (YZSXLB): the four categories of 国发〔2016〕33号 (九). */
export const SEVERE_CATEGORY_CODES: CodeTable = {
  'health-safety': '1',
  'market-order': '2',
  'legal-obligation': '3',
  'national-defence': '4'
}

/** 主体类型 (ZTLX). */
export const SUBJECT_TYPE_CODES: CodeTable = {
  enterprise: '01', // 企业
  'individual-business': '02', // 个体工商户
  'social-organisation': '03', // 社会组织
  'public-institution': '04', // 事业单位
  'government-body': '05', // 机关
  person: '06' // 自然人
}

/** 责任人角色 (ZRRJS), 国发〔2016〕33号 (十四). */
export const ROLE_CODES: CodeTable = {
  'legal-representative': '01', // 法定代表人
  principal: '02', // 主要负责人
  'actual-controller': '03', // 实际控制人
  'directly-responsible': '04' // 直接责任人员
}

/** 文书类型 (WSLX): the legally effective document, 国办发〔2020〕49号 (二). */
export const DOCUMENT_TYPE_CODES: CodeTable = {
  judgment: '01', // 判决书、裁定书
  'arbitral-award': '02', // 仲裁裁决书
  'penalty-decision': '03', // 行政处罚决定书
  'administrative-decision': '04', // 行政决定书
  'court-decision': '05', // 人民法院决定书 (assumed: the next free code)
  other: '99'
}

/** 告知方式 (GZFS, assumed), 告知 国办发〔2020〕49号 (八). */
export const NOTICE_CHANNEL_CODES: CodeTable = {
  'in-person': '01', // 直接送达
  post: '02', // 邮寄送达
  electronic: '03', // 电子送达
  'public-announcement': '04', // 公告送达
  other: '99'
}

/** 移出原因 (YCYY), 国办发〔2020〕49号 (十一)(十二); 05 and 06 for the court list (法发〔2020〕25号 20), assumed. */
export const REMOVAL_REASON_CODES: CodeTable = {
  repair: '01', // 信用修复
  expiry: '02', // 期满移出
  revoked: '03', // 撤销认定
  corrected: '04', // 更正
  fulfilled: '05', // 履行完毕（含执行和解协议履行完毕）
  'court-deleted': '06', // 人民法院删除失信信息
  other: '99'
}

/** 奖惩类型 (JCLX). */
export const MODE_CODES: CodeTable = { punishment: '1', reward: '2' }

/** 反馈结果 (FKJG). */
export const FEEDBACK_OUTCOME_CODES: CodeTable = {
  acknowledged: '01', // 已签收
  applied: '02', // 已执行
  declined: '03', // 不予执行
  'not-applicable': '04' // 不适用
}

/** 异议处理结果 (CLJG), 国发〔2016〕33号 (二十二). */
export const RESOLUTION_CODES: CodeTable = { upheld: '01', corrected: '02', revoked: '03' }

/** 信用修复处理结果 (CLJG in a XFJD record, assumed), 国办发〔2020〕49号 (十一). */
export const REPAIR_OUTCOME_CODES: CodeTable = { granted: '01', refused: '02' } // 准予修复 / 不予修复

/** 通知类型 (TZLX) of a gateway notice. */
export const NOTICE_TYPE_CODES: CodeTable = {
  reminder: '01', // 催办
  remediation: '02', // 纠错
  'check.outcome': '03' // 核查结果
}

/** 是/否 flags (SFQZ, SFKXF). */
export const YES = '1'
export const NO = '0'

/** 证件类型 (ZJLX) of every identity number sent: 111, 居民身份证 (GA/T 517). */
export const ID_CARD_TYPE = '111'

/** 返回代码 (DM) of the platform's receipts. */
export const RESULT_CODES = {
  OK: '0000', // 成功
  DUPLICATE: '0001', // 重复报文，已处理
  MALFORMED: 'E100', // 报文格式错误
  DIGEST_MISMATCH: 'E101', // 摘要校验失败
  DECRYPTION_FAILED: 'E102', // 解密失败
  PARTY_UNKNOWN: 'E103', // 发送方未登记或接收方不符
  HEADER_MISMATCH: 'E104', // 报文头与报文体不一致
  UNSUPPORTED: 'E105', // 消息类型或协议版本不支持
  FIELD_INVALID: 'E201', // 字段校验不通过
  PARTIAL: 'E202', // 部分记录未通过校验
  BUSY: 'E500' // 系统繁忙，请稍后重试
} as const
export type AhResultCode = (typeof RESULT_CODES)[keyof typeof RESULT_CODES]

/** The platform's wording of each result code, as its receipts carry it in XX. */
export const RESULT_TEXT: Readonly<Record<string, string>> = {
  '0000': '成功',
  '0001': '重复报文，已处理',
  E100: '报文格式错误',
  E101: '摘要校验失败',
  E102: '解密失败',
  E103: '发送方未登记或接收方不符',
  E104: '报文头与报文体不一致',
  E105: '消息类型或协议版本不支持',
  E201: '字段校验不通过',
  E202: '部分记录未通过校验',
  E500: '系统繁忙，请稍后重试'
}

/** Codes that mean the platform took the message (a duplicate was taken before). */
export const isAccepted = (code: string): boolean => code === RESULT_CODES.OK || code === RESULT_CODES.DUPLICATE
/** Codes that may pass later: the platform's E5xx family. */
export const isBusy = (code: string): boolean => /^E5\d\d$/.test(code)

/**
 * 协议版本 (XYBB): 2.0 authenticates header, IV and ciphertext with an SM3-HMAC (RZM) before
 * anything is decrypted; 1.0 (legacy, only where a platform's config says `legacyCbc`) has the
 * unkeyed SM3 digest of the plaintext alone.
 */
export const PROTOCOL_VERSION = '2.0'
export const LEGACY_PROTOCOL_VERSION = '1.0'

/**
 * The one refusal for every message that does not authenticate (MAC, padding, UTF-8, digest):
 * the same code and text whatever failed, so the answer is no decryption oracle.
 */
export const AUTH_FAILED_CODE = RESULT_CODES.DIGEST_MISMATCH
export const AUTH_FAILED_DETAIL = 'the message could not be authenticated with the keys agreed for the sender'
