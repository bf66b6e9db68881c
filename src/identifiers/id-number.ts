/** Why a string is not a resident identity number, in the order the checks run. */
export type IdNumberProblem = 'LENGTH' | 'CHARSET' | 'BIRTH_DATE' | 'CHECK_CHARACTER'

const ID_NUMBER_PATTERN = /^\d{17}[\dX]$/
const FIRST_17_PATTERN = /^\d{17}$/

/** ISO 7064 MOD 11-2 weights 2^(17−i) mod 11, i = 0..16. */
const WEIGHTS: readonly number[] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]

/** China Standard Time has no daylight saving, so a fixed offset gives the local date. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000

/** YYYYMMDD as a number, for the calendar date in China at `instant`. */
function chinaDateNumber (instant: Date): number {
  const local = new Date(instant.getTime() + CHINA_OFFSET_MS)
  return local.getUTCFullYear() * 10000 + (local.getUTCMonth() + 1) * 100 + local.getUTCDate()
}

function isValidBirthDate (yyyymmdd: string, today: Date): boolean {
  const year = Number(yyyymmdd.slice(0, 4))
  const month = Number(yyyymmdd.slice(4, 6))
  const day = Number(yyyymmdd.slice(6, 8))
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false
  // Day 0 of the next month is the last day of this one.
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  if (day > daysInMonth) return false
  return Number(yyyymmdd) <= chinaDateNumber(today)
}

/**
 * The check character of a resident identity number, from its first 17 digits (GB 11643-1999,
 * ISO 7064 MOD 11-2): (12 − Σ aᵢ·wᵢ mod 11) mod 11 with wᵢ = 2^(17−i) mod 11, 10 written `X`.
 * @throws RangeError when `first17` is not 17 digits.
 */
export function idNumberCheckCharacter (first17: string): string {
  if (!FIRST_17_PATTERN.test(first17)) {
    throw new RangeError('an identity number prefix is 17 digits')
  }
  let sum = 0
  for (let i = 0; i < 17; i++) {
    sum += Number(first17.charAt(i)) * (WEIGHTS[i] ?? 0)
  }
  const check = (12 - (sum % 11)) % 11
  return check === 10 ? 'X' : String(check)
}

/**
 * Checks an 18-character resident identity number (公民身份号码, GB 11643-1999).
 *
 * Checks, in order: 18 characters; 17 digits then a digit or uppercase `X` (a lowercase `x`
 * is rejected so that one person has one spelling); positions 7–14 a real calendar date
 * YYYYMMDD from 1900 up to today; the ISO 7064 MOD 11-2 check character.
 * @param today - the instant "today" is taken from, as a date in China (UTC+8) where the
 *   numbers are issued, so a server in another time zone agrees; injectable for tests.
 * @returns null when the number is valid, else the first problem found.
 */
export function checkIdNumber (id: string, today: Date = new Date()): IdNumberProblem | null {
  if (id.length !== 18) return 'LENGTH'
  if (!ID_NUMBER_PATTERN.test(id)) return 'CHARSET'
  if (!isValidBirthDate(id.slice(6, 14), today)) return 'BIRTH_DATE'
  if (idNumberCheckCharacter(id.slice(0, 17)) !== id.charAt(17)) return 'CHECK_CHARACTER'
  return null
}

/** Whether `id` is a valid resident identity number (GB 11643-1999); see {@link checkIdNumber}. */
export function isValidIdNumber (id: string): boolean {
  return checkIdNumber(id) === null
}
