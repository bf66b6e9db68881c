import { AdapterError, unmappable } from '../types.js'
import type { ShFlag } from './sh-rest-native.js'

/**
 * Longest text Shanghai stores in each native field, in characters (Unicode code points). Most
 * match the contract; `creditSubjectName` (100) and the long narratives `listReason`,
 * `objectionReason` and `handleOpinion` (2,000) are shorter than the contract allows, so such
 * values cannot be sent to Shanghai and are refused rather than cut. The credit-repair fields
 * `repairReason` and `repairOpinion` (assumed) hold what the contract allows.
 */
export const SH_TEXT_LIMITS = {
  creditSubjectName: 100,
  dutyName: 100,
  listReason: 2000,
  punishBasis: 2000,
  decisionOrg: 200,
  decisionDocName: 200,
  decisionDocNo: 100,
  measureDesc: 500,
  removeCondition: 2000,
  reliefMeasure: 2000,
  removeBasis: 2000,
  initiateDeptName: 200,
  initiateDeptCode: 64,
  remark: 2000,
  feedbackDeptName: 200,
  feedbackDeptCode: 64,
  declineReason: 2000,
  objectionReason: 2000,
  handleOpinion: 2000,
  repairReason: 4000,
  repairOpinion: 4000,
  checkResult: 64,
  noticeContent: 2000
} as const
export type ShTextField = keyof typeof SH_TEXT_LIMITS

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** C0 controls and DEL, except tab, line feed and carriage return, which free text may carry. */
function hasControlCharacter (value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true
  }
  return false
}

/**
 * Checks that Shanghai can store `value` in native field `field`: UTF-8 (so no lone surrogate),
 * no control characters (the platform refuses them), within the field's length. The message
 * names the field and the limit, never the value, which may be personal information.
 */
export function nativeText (value: string, field: ShTextField, at: string): string {
  if (LONE_SURROGATE.test(value)) throw unmappable(`${at}: contains a lone surrogate, which UTF-8 cannot carry`)
  if (hasControlCharacter(value)) throw unmappable(`${at}: contains a control character, which Shanghai's ${field} refuses`)
  const max = SH_TEXT_LIMITS[field]
  let length = 0
  for (const _ of value) length++ // eslint-disable-line @typescript-eslint/no-unused-vars
  if (length > max) throw unmappable(`${at}: ${length} characters, Shanghai's ${field} holds at most ${max}`)
  return value
}

/** Contract date `YYYY-MM-DD` → Shanghai's `yyyyMMdd`. */
export function toShDate (date: string): string {
  return date.replaceAll('-', '')
}

/** Shanghai's `yyyyMMdd` → contract date `YYYY-MM-DD`. */
export function fromShDate (date: string, at: string): string {
  if (!/^\d{8}$/.test(date)) throw unmappable(`${at}: not a yyyyMMdd date`)
  return `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`
}

export const toShFlag = (value: boolean): ShFlag => value ? '1' : '0'

/**
 * Reads one native record (parsed JSON) field by field, refusing a wrong type with the field's
 * path. An absent field and a JSON null both read as absent.
 */
export class ShRecordReader {
  private readonly rec: Readonly<Record<string, unknown>>
  readonly at: string

  constructor (value: unknown, at: string) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(at, 'an object')
    this.rec = value as Record<string, unknown>
    this.at = at
  }

  optStr (key: string): string | undefined {
    const v = this.rec[key]
    if (v === undefined || v === null) return undefined
    if (typeof v !== 'string' || v === '') throw invalid(`${this.at}.${key}`, 'a non-empty string')
    return v
  }

  str (key: string): string {
    const v = this.optStr(key)
    if (v === undefined) throw missing(`${this.at}.${key}`)
    return v
  }

  optInt (key: string): number | undefined {
    const v = this.rec[key]
    if (v === undefined || v === null) return undefined
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw invalid(`${this.at}.${key}`, 'an integer')
    return v
  }

  int (key: string): number {
    const v = this.optInt(key)
    if (v === undefined) throw missing(`${this.at}.${key}`)
    return v
  }

  date (key: string): string {
    return fromShDate(this.str(key), `${this.at}.${key}`)
  }

  optDate (key: string): string | undefined {
    const v = this.optStr(key)
    return v === undefined ? undefined : fromShDate(v, `${this.at}.${key}`)
  }

  flag (key: string): boolean {
    const v = this.str(key)
    if (v !== '1' && v !== '0') throw invalid(`${this.at}.${key}`, '"1" or "0"')
    return v === '1'
  }

  optArray (key: string): unknown[] | undefined {
    const v = this.rec[key]
    if (v === undefined || v === null) return undefined
    if (!Array.isArray(v)) throw invalid(`${this.at}.${key}`, 'an array')
    return v
  }

  array (key: string): unknown[] {
    const v = this.optArray(key)
    if (v === undefined) throw missing(`${this.at}.${key}`)
    return v
  }

  strArray (key: string): string[] {
    return this.array(key).map((v, i) => {
      if (typeof v !== 'string' || v === '') throw invalid(`${this.at}.${key}[${i}]`, 'a non-empty string')
      return v
    })
  }
}

const invalid = (at: string, expected: string): AdapterError => unmappable(`${at}: expected ${expected}`)
const missing = (at: string): AdapterError => unmappable(`${at}: required field missing`)
