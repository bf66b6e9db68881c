import { isKnownDivision } from './division-codes.js'
import { organisationCategory, REGISTRATION_AUTHORITIES } from './uscc-categories.js'

/**
 * The GB 32100-2015 code character set, in value order: a character's value is its index.
 * I, O, S, V and Z are left out because they are easily confused with 1, 0, 5, U and 2.
 */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'

/**
 * Why a string is not a unified social credit code, in the order the checks run: the form and check
 * characters first (a mistyped code is reported as such), then what positions 1–8 mean.
 */
export type UsccProblem = 'LENGTH' | 'CHARSET' | 'DIVISION' | 'ORG_CODE_CHECK' | 'CHECK_CHARACTER' | 'REGISTRATION_AUTHORITY' | 'ORGANISATION_CATEGORY'

const CHARSET_PATTERN = /^[0-9A-HJ-NPQRTUWXY]+$/
const DIVISION_PATTERN = /^\d{6}$/
const FIRST_17_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{17}$/
const ORG_BODY_PATTERN = /^[0-9A-Z]{8}$/

/** wᵢ = 3ⁱ mod 31 for i = 0..16 (GB 32100-2015, 5.1). */
const USCC_WEIGHTS: readonly number[] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

/** GB 11714 weights over the 8-character organisation code body. */
const ORG_WEIGHTS: readonly number[] = [3, 7, 9, 10, 5, 8, 4, 2]

const USCC_VALUES: ReadonlyMap<string, number> = new Map([...USCC_CHARSET].map((c, i) => [c, i]))

/**
 * Value of an organisation-code character for its GB 11714 check: digits 0–9, letters A–Z 10–35.
 *
 * Why not the USCC charset index: the two agree for digits and A–H but differ from J onwards
 * (J is 19 in GB 11714, 18 in the USCC charset). Published codes whose organisation code contains
 * such letters, e.g. 91110108MA01R70K8D (Beijing Volcano Engine, in its signing certificate) or
 * 91440101MA9Y9T4H7A, only validate with the GB 11714 values; the GB 32100-2015 example
 * 91350100M000100Y43 validates either way by coincidence (M and Y differ by 1 and 4, times 3 and 2).
 */
function orgCharValue (c: string): number {
  return Number.parseInt(c, 36)
}

/**
 * The check character of a GB 11714 organisation code (the 9th character), from its first 8.
 * C = 11 − (Σ vᵢ·wᵢ mod 11), with 10 written `X` and 11 written `0`.
 * @throws RangeError when `first8` is not 8 digits or uppercase letters.
 */
export function orgCodeCheckCharacter (first8: string): string {
  if (!ORG_BODY_PATTERN.test(first8)) {
    throw new RangeError('an organisation code body is 8 digits or uppercase letters')
  }
  let sum = 0
  for (let i = 0; i < 8; i++) {
    sum += orgCharValue(first8.charAt(i)) * (ORG_WEIGHTS[i] ?? 0)
  }
  const check = 11 - (sum % 11)
  if (check === 10) return 'X'
  if (check === 11) return '0'
  return String(check)
}

/**
 * The 18th character of a unified social credit code, from its first 17 (GB 32100-2015, 5.1):
 * the charset character whose value is (31 − Σ cᵢ·wᵢ mod 31) mod 31, wᵢ = 3ⁱ mod 31.
 * Only the character set is checked here, so fixtures can be built from any prefix.
 * @throws RangeError when `first17` is not 17 characters of {@link USCC_CHARSET}.
 */
export function usccCheckCharacter (first17: string): string {
  if (!FIRST_17_PATTERN.test(first17)) {
    throw new RangeError('a unified social credit code prefix is 17 characters of the GB 32100 charset')
  }
  let sum = 0
  for (let i = 0; i < 17; i++) {
    sum += (USCC_VALUES.get(first17.charAt(i)) ?? 0) * (USCC_WEIGHTS[i] ?? 0)
  }
  return USCC_CHARSET.charAt((31 - (sum % 31)) % 31)
}

/**
 * Checks a unified social credit code (统一社会信用代码, GB 32100-2015) and says what is wrong.
 *
 * Checks, in order: 18 characters; all in {@link USCC_CHARSET} (uppercase only: codes are
 * compared as keys, so a lowercase copy is rejected rather than silently accepted); positions
 * 3–8 are 6 digits; positions 9–17 are a GB 11714 organisation code with a valid check character;
 * position 18 is the GB 32100 check character. Then what the code says: position 1 is a
 * registration authority (登记管理部门) and position 2 one of its organisation categories (机构类别),
 * GB 32100-2015 as amended (src/identifiers/uscc-categories.ts); positions 3–8 name an
 * administrative division (GB/T 2260, current or since abolished: src/identifiers/division-codes.ts).
 * Whether the category fits the subject type an entry states is usccFitsSubjectType's
 * question, asked where the type is known.
 * @returns null when the code is valid, else the first problem found.
 */
export function checkUscc (code: string): UsccProblem | null {
  if (code.length !== 18) return 'LENGTH'
  if (!CHARSET_PATTERN.test(code)) return 'CHARSET'
  if (!DIVISION_PATTERN.test(code.slice(2, 8))) return 'DIVISION'
  if (orgCodeCheckCharacter(code.slice(8, 16)) !== code.charAt(16)) return 'ORG_CODE_CHECK'
  if (usccCheckCharacter(code.slice(0, 17)) !== code.charAt(17)) return 'CHECK_CHARACTER'
  if (REGISTRATION_AUTHORITIES[code.charAt(0)] === undefined) return 'REGISTRATION_AUTHORITY'
  if (organisationCategory(code) === undefined) return 'ORGANISATION_CATEGORY'
  if (!isKnownDivision(code.slice(2, 8))) return 'DIVISION'
  return null
}

/** Whether `code` is a valid unified social credit code (GB 32100-2015); see {@link checkUscc}. */
export function isValidUscc (code: string): boolean {
  return checkUscc(code) === null
}
