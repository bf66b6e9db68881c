import type { RegisteredListType } from '../../config/registry-schema.js'
import type { ErrorCode } from '../errors/gateway-error.js'

type Add = (path: string, code: ErrorCode, detail: string) => void

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const monthLength = (y: number, m: number): number => (
  m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)
)
  ? 29
  : DAYS[m - 1] ?? 31
const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

/** `date` (YYYY-MM-DD, a real day) plus `months`, the day clamped to the month's end (01-31 + 1 month = 02-28). */
export function addMonths (date: string, months: number): string {
  const total = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + months
  const y = Math.floor(total / 12)
  const m = total % 12 + 1
  return `${pad(y, 4)}-${pad(m)}-${pad(Math.min(Number(date.slice(8, 10)), monthLength(y, m)))}`
}

/** The day before `date`. */
export function dayBefore (date: string): string {
  const y = Number(date.slice(0, 4))
  const m = Number(date.slice(5, 7))
  const d = Number(date.slice(8, 10))
  if (d > 1) return `${date.slice(0, 8)}${pad(d - 1)}`
  const pm = m === 1 ? 12 : m - 1
  const py = m === 1 ? y - 1 : y
  return `${pad(py, 4)}-${pad(pm)}-${pad(monthLength(py, pm))}`
}

/**
 * A listing's period (联合惩戒期限, 国发〔2016〕33号 (二十一)) within its list type's exit rules (the
 * identifying standard states them, 国办发〔2020〕49号 (七)): a list type with `exit.maximumMonths`
 * requires `validUntil` (a black-list entry that never expires is punishment without a term), at most
 * `maximumMonths` after `validFrom`; and no earlier than `minimumMonths` after it, the earliest exit.
 * A list type without a maximum (no fixed term in law) does not require `validUntil`. `validUntil` is
 * the last day in force; both "same day" and "day before" conventions are accepted at either bound
 * (2026-03-15 + 36 months may end 2029-03-14 or 2029-03-15).
 */
export function checkValidityPeriod (
  lt: RegisteredListType, item: { validFrom?: unknown, validUntil?: unknown }, add: Add
): void {
  const { validFrom, validUntil } = item
  if (typeof validFrom !== 'string') return
  const { minimumMonths: min, maximumMonths: max } = lt.exit
  if (validUntil === undefined) {
    if (max !== undefined) add('/validUntil', 'SCHEMA_INVALID', `entries of the list type ${lt.code} end within ${max} months: validUntil is required (国发〔2016〕33号 (二十一))`)
    return
  }
  if (typeof validUntil !== 'string' || validUntil < validFrom) return
  if (max !== undefined && validUntil > addMonths(validFrom, max)) {
    add('/validUntil', 'VALIDITY_OUT_OF_RANGE', `the list type ${lt.code} lists for at most ${max} months: validUntil is after ${addMonths(validFrom, max)} (国发〔2016〕33号 (二十一))`)
  }
  if (min !== undefined && validUntil < dayBefore(addMonths(validFrom, min))) {
    add('/validUntil', 'VALIDITY_OUT_OF_RANGE', `the list type ${lt.code} lists for at least ${min} months: validUntil is before ${dayBefore(addMonths(validFrom, min))} (国发〔2016〕33号 (二十一))`)
  }
}
