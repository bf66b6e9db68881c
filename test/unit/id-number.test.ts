import t from 'tap'
import fc from 'fast-check'
import {
  checkIdNumber,
  idNumberCheckCharacter,
  isValidIdNumber,
  type IdNumberProblem
} from '../../src/identifiers/id-number.js'

// A fixed "today" keeps the corruption expectations stable as the calendar moves on.
const TODAY = new Date('2025-06-30T12:00:00+08:00')
const TODAY_NUMBER = 20250630

// 11010519491231002X is the worked example in GB 11643-1999; the others are fictitious numbers
// whose check characters were computed with idNumberCheckCharacter and checked by hand, chosen to
// cover the check characters X and 0 and the leap days 1980-02-29 and 2000-02-29.
const SAMPLES: readonly string[] = [
  '11010519491231002X',
  '33010619900101123X',
  '330102200810080040',
  '310115198002290013',
  '320102200002290021',
  '310101199912310059',
  '341221201201010073'
]

const NEVER_VALID: readonly string[] = ['x', 'A', 'a', ' ', '-', '*', '０', '中']

/** A real calendar date from 1900 to TODAY, worked out independently of the implementation. */
function isRealBirthDate (yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4))
  const m = Number(yyyymmdd.slice(4, 6))
  const d = Number(yyyymmdd.slice(6, 8))
  const date = new Date(Date.UTC(y, m - 1, d))
  const roundTrips = date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
  return roundTrips && y >= 1900 && Number(yyyymmdd) <= TODAY_NUMBER
}

function expectedProblem (pos: number, corrupted: string, replacement: string): IdNumberProblem {
  if (!/^[\dX]$/.test(replacement) || (replacement === 'X' && pos < 17)) return 'CHARSET'
  if (pos >= 6 && pos <= 13 && !isRealBirthDate(corrupted.slice(6, 14))) return 'BIRTH_DATE'
  // MOD 11-2 weights are nonzero mod 11 and two characters differ by at most 10, so every
  // single substitution changes the check.
  return 'CHECK_CHARACTER'
}

/** Builds a number with a correct check character around the given birth date. */
function withDate (yyyymmdd: string): string {
  const first17 = '110105' + yyyymmdd + '002'
  return first17 + idNumberCheckCharacter(first17)
}

t.test('sample numbers validate', async (t) => {
  for (const id of SAMPLES) {
    t.equal(checkIdNumber(id, TODAY), null, id)
    t.ok(isValidIdNumber(id), `isValidIdNumber(${id})`)
    t.equal(idNumberCheckCharacter(id.slice(0, 17)), id.charAt(17), `check character of ${id}`)
  }
})

t.test('every single-character corruption of every sample is rejected', async (t) => {
  const failures: string[] = []
  const seen = new Set<IdNumberProblem>()
  let tried = 0
  for (const id of SAMPLES) {
    for (let pos = 0; pos < 18; pos++) {
      const original = id.charAt(pos)
      const replacements = [...[...'0123456789X'].filter((c) => c !== original), ...NEVER_VALID]
      for (const replacement of replacements) {
        const corrupted = id.slice(0, pos) + replacement + id.slice(pos + 1)
        const expected = expectedProblem(pos, corrupted, replacement)
        const actual = checkIdNumber(corrupted, TODAY)
        tried++
        seen.add(expected)
        if (actual !== expected) failures.push(`${corrupted} (position ${pos + 1}): got ${String(actual)}, want ${expected}`)
      }
    }
  }
  t.same(failures, [], 'each corruption gives the expected problem')
  t.equal(tried, SAMPLES.length * 18 * (10 + NEVER_VALID.length), 'tried every position × every replacement')
  t.same([...seen].sort(), ['BIRTH_DATE', 'CHARSET', 'CHECK_CHARACTER'], 'every reachable problem code was exercised')
})

t.test('length and charset', async (t) => {
  t.equal(checkIdNumber(''), 'LENGTH', 'empty')
  t.equal(checkIdNumber('11010519491231002'), 'LENGTH', '17 characters')
  t.equal(checkIdNumber('11010519491231002X0'), 'LENGTH', '19 characters')
  t.equal(checkIdNumber('110105194912310'), 'LENGTH', 'old 15-digit numbers are not accepted')
  t.equal(checkIdNumber('11010519491231002x'), 'CHARSET', 'lowercase x is rejected')
  t.notOk(isValidIdNumber('11010519491231002x'), 'isValidIdNumber rejects lowercase x')
  t.equal(checkIdNumber('1101051949123100X2'), 'CHARSET', 'X only in last position')
})

t.test('birth date', async (t) => {
  t.equal(checkIdNumber(withDate('19900230'), TODAY), 'BIRTH_DATE', 'February 30')
  t.equal(checkIdNumber(withDate('19000229'), TODAY), 'BIRTH_DATE', '1900 is not a leap year')
  t.equal(checkIdNumber(withDate('20000229'), TODAY), null, '2000 is a leap year')
  t.equal(checkIdNumber(withDate('19901301'), TODAY), 'BIRTH_DATE', 'month 13')
  t.equal(checkIdNumber(withDate('19900100'), TODAY), 'BIRTH_DATE', 'day 0')
  t.equal(checkIdNumber(withDate('18991231'), TODAY), 'BIRTH_DATE', 'before 1900')
  t.equal(checkIdNumber(withDate('19000101'), TODAY), null, '1900-01-01 is the earliest date')
  t.equal(checkIdNumber(withDate('20250630'), TODAY), null, 'born today')
  t.equal(checkIdNumber(withDate('20250701'), TODAY), 'BIRTH_DATE', 'born tomorrow')
  t.equal(checkIdNumber(withDate('29991231')), 'BIRTH_DATE', 'far future, with the real clock')
  // The second example in GB 11643-1999 has a correct check character but an 1880 birth date.
  t.equal(idNumberCheckCharacter('44052418800101001'), '4', 'GB 11643-1999 example check character')
  t.equal(checkIdNumber('440524188001010014', TODAY), 'BIRTH_DATE', 'GB 11643-1999 example born in 1880')
  // 20:00 UTC on 1 March is already 2 March in China, where the numbers are issued.
  const lateUtc = new Date('2024-03-01T20:00:00Z')
  t.equal(checkIdNumber(withDate('20240302'), lateUtc), null, 'today is taken in China time')
  t.equal(checkIdNumber(withDate('20240303'), lateUtc), 'BIRTH_DATE', 'the day after China today')
})

t.test('idNumberCheckCharacter rejects bad prefixes', async (t) => {
  t.throws(() => idNumberCheckCharacter('1101051949123100'), RangeError, 'sixteen digits')
  t.throws(() => idNumberCheckCharacter('1101051949123100X'), RangeError, 'X in the prefix')
})

const digits = (n: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: n, maxLength: n }).map((a) => a.join(''))

/** YYYYMMDD of the calendar date in China (UTC+8) at `instant`. */
function chinaDate (instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10).replaceAll('-', '')
}

t.test('property: the computed check character is the only valid 18th character', async (t) => {
  let runs = 0
  const birth = fc.date({ min: new Date('1900-01-01T00:00:00+08:00'), max: TODAY, noInvalidDate: true })
  fc.assert(fc.property(digits(6), birth, digits(3), (region, born, sequence) => {
    runs++
    const first17 = region + chinaDate(born) + sequence
    const check = idNumberCheckCharacter(first17)
    if (checkIdNumber(first17 + check, TODAY) !== null) return false
    return [...'0123456789X'].every((c) => c === check || checkIdNumber(first17 + c, TODAY) === 'CHECK_CHARACTER')
  }), { numRuns: 500 })
  t.equal(runs, 500, 'ran 500 random numbers')
})
