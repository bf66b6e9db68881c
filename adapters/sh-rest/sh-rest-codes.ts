import { unmappable } from '../types.js'

/**
 * Shanghai's code tables, contract value → native code. Each table is one-to-one, so a code maps
 * back to exactly one contract value.
 */
export const SH_CODE_TABLES = {
  /** 主体类别 (creditSubjectType). */
  subjectType: {
    enterprise: '01',
    'individual-business': '02',
    'social-organisation': '03',
    'public-institution': '04',
    'government-body': '05',
    person: '09'
  },
  /** 责任人角色 (dutyRole): 法定代表人、主要负责人、实际控制人、直接责任人. */
  dutyRole: {
    'legal-representative': 'FR',
    principal: 'FZR',
    'actual-controller': 'SJKZR',
    'directly-responsible': 'ZJZRR'
  },
  /** 名单类别 (listCategory): 严重失信主体名单、诚信典型红名单、重点监管名单. */
  listCategory: {
    black: '01',
    red: '02',
    'key-supervision': '03'
  },
  /** 严重失信类别 (seriousType), the four categories of 国发〔2016〕33号 (九). */
  seriousType: {
    'health-safety': '1',
    'market-order': '2',
    'legal-obligation': '3',
    'national-defence': '4'
  },
  /** 认定文书类型 (decisionDocType): 判决书、仲裁裁决书、行政处罚决定书、行政决定书、人民法院决定书 (assumed 05)、其他. */
  decisionDocType: {
    judgment: '01',
    'arbitral-award': '02',
    'penalty-decision': '03',
    'administrative-decision': '04',
    'court-decision': '05',
    other: '99'
  },
  /**
   * 移出原因 (removeReason): 信用修复、期满、撤销、更正、其他 (国办发〔2020〕49号 (十一)); the court list's
   * 履行完毕 and 法院删除 (法发〔2020〕25号 20) take the next free codes, 05 and 06 (assumed).
   */
  removeReason: {
    repair: '01',
    expiry: '02',
    revoked: '03',
    corrected: '04',
    fulfilled: '05',
    'court-deleted': '06',
    other: '99'
  },
  /** 奖惩类型 (actionType): 惩戒 P, 激励 R. */
  actionType: {
    punishment: 'P',
    reward: 'R'
  },
  /** 反馈结果 (feedbackResult): 已签收、已实施、未实施、不适用. */
  feedbackResult: {
    acknowledged: '00',
    applied: '01',
    declined: '02',
    'not-applicable': '03'
  },
  /** 异议处理结果 (handleResult): 维持、更正、撤销. */
  handleResult: {
    upheld: '1',
    corrected: '2',
    revoked: '3'
  },
  /** 信用修复结果 (repairResult, assumed): 准予修复 1、不予修复 0 (国办发〔2020〕49号 (十一)). */
  repairResult: {
    granted: '1',
    refused: '0'
  },
  /** 告知方式 (noticeMode, assumed): 直接送达、邮寄送达、电子送达、公告送达、其他 (告知, 国办发〔2020〕49号 (八)). */
  noticeMode: {
    'in-person': '01',
    post: '02',
    electronic: '03',
    'public-announcement': '04',
    other: '99'
  },
  /** 通知类型 (noticeType) of a gateway notice: 催办、纠错、核查结果. */
  noticeType: {
    reminder: '01',
    remediation: '02',
    'check.outcome': '03'
  }
} as const

type Tables = typeof SH_CODE_TABLES
export type ShCodeTable = keyof Tables

/** The native code of a contract value; a value without a code cannot be sent to Shanghai. */
export function encodeCode<T extends ShCodeTable> (table: T, value: keyof Tables[T] & string, field: string): string {
  const codes: Readonly<Record<string, string>> = SH_CODE_TABLES[table]
  const code = codes[value]
  if (code === undefined) throw unmappable(`${field}: Shanghai has no ${table} code for "${value}"`)
  return code
}

/** The contract value of a native code; an unknown code is an invalid record. */
export function decodeCode<T extends ShCodeTable> (table: T, code: string, field: string): keyof Tables[T] & string {
  const codes: Readonly<Record<string, string>> = SH_CODE_TABLES[table]
  for (const [value, c] of Object.entries(codes)) {
    if (c === code) return value as keyof Tables[T] & string
  }
  // Only a short code is quoted: a misplaced identity number must not end up in a message.
  const shown = /^[0-9A-Z]{1,6}$/.test(code) ? ` "${code}"` : ''
  throw unmappable(`${field}: unknown ${table} code${shown}`)
}

/** The identity document type Shanghai uses for a resident identity number (居民身份证). */
export const SH_CERT_TYPE_ID_CARD = '01'
