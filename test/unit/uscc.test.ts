import t from 'tap'
import fc from 'fast-check'
import {
  USCC_CHARSET,
  checkUscc,
  isValidUscc,
  orgCodeCheckCharacter,
  usccCheckCharacter,
  type UsccProblem
} from '../../src/identifiers/uscc.js'
import { REGISTRATION_AUTHORITIES } from '../../src/identifiers/uscc-categories.js'
import divisions from '../../src/identifiers/gbt2260-divisions.json' with { type: 'json' }

// Real, published codes. Each was checked against this implementation before being kept;
// several other codes found online attributed to big companies failed and were left out.
const SAMPLES: ReadonlyArray<{ code: string, source: string }> = [
  { code: '91350100M000100Y43', source: 'GB 32100-2015, the example in the standard itself' },
  { code: '914403001922038216', source: 'Huawei Technologies Co., Ltd. (华为技术有限公司), widely published' },
  { code: '9144030071526726XG', source: 'Tencent Technology (Shenzhen) Co., Ltd. (腾讯科技（深圳）有限公司), widely published' },
  { code: '91440300708461136T', source: 'Shenzhen Tencent Computer Systems Co., Ltd., also its TC260 AIGC-label producer code' },
  { code: '91110000802100433B', source: 'Beijing Baidu Netcom Science and Technology Co., Ltd. (org code 80210043-3), also its TC260 AIGC-label producer code' },
  { code: '91110108551385082Q', source: 'Xiaomi Technology Co., Ltd. (小米科技有限责任公司), widely published' },
  { code: '91330100799655058B', source: 'Alibaba (China) Co., Ltd. (阿里巴巴（中国）有限公司), widely published' },
  // The next three have letters from J on in their organisation code: they only validate with
  // GB 11714 letter values (A–Z = 10–35), not with the USCC charset index.
  { code: '91110108MA01R70K8D', source: 'Beijing Volcano Engine Technology Co., Ltd., organizationIdentifier NTRCN-… of its signing certificate' },
  { code: '91110102MACQD9K640', source: 'TC260 AIGC-label producer code published for ByteDance Doubao' },
  { code: '91440101MA9Y9T4H7A', source: 'TC260 AIGC-label producer code published for Alibaba Qwen' }
]

// Characters that are never valid anywhere: the five letters GB 32100 leaves out, every
// lowercase letter of the charset, and a few lookalikes that turn up in pasted data.
const NEVER_VALID: readonly string[] = [
  'I', 'O', 'S', 'V', 'Z',
  ...[...USCC_CHARSET].filter((c) => c >= 'A').map((c) => c.toLowerCase()),
  ' ', '-', '*', '０', '中'
]

/** GB 11714 value of an organisation-code character: base-36 digit value. */
function gbValue (c: string): number {
  return Number.parseInt(c, 36)
}

/** What replacing the character at `pos` must be reported as, derived from the rules alone. */
function expectedProblem (pos: number, original: string, replacement: string): UsccProblem {
  if (!USCC_CHARSET.includes(replacement)) return 'CHARSET'
  if (pos >= 2 && pos <= 7 && !/^\d$/.test(replacement)) return 'DIVISION'
  if (pos >= 8 && pos <= 15) {
    // The GB 11714 weights are all nonzero mod 11, so only a value change that is a multiple
    // of 11 slips past the organisation-code check; the GB 32100 check must then catch it.
    return (gbValue(replacement) - gbValue(original)) % 11 === 0 ? 'CHECK_CHARACTER' : 'ORG_CODE_CHECK'
  }
  if (pos === 16) return 'ORG_CODE_CHECK'
  return 'CHECK_CHARACTER'
}

t.test('published codes validate', async (t) => {
  for (const { code, source } of SAMPLES) {
    t.equal(checkUscc(code), null, `${code} (${source})`)
    t.ok(isValidUscc(code), `isValidUscc(${code})`)
  }
})

t.test('weights are 3^i mod 31 and reproduce the published check characters', async (t) => {
  for (const { code } of SAMPLES) {
    t.equal(usccCheckCharacter(code.slice(0, 17)), code.slice(17), `check character of ${code}`)
    t.equal(orgCodeCheckCharacter(code.slice(8, 16)), code.charAt(16), `organisation code check of ${code}`)
  }
  // A single 1 at position i contributes exactly wᵢ, so the check character exposes the weight.
  const failures: string[] = []
  for (let i = 0; i < 17; i++) {
    const prefix = '0'.repeat(i) + '1' + '0'.repeat(16 - i)
    const weight = Number((3n ** BigInt(i)) % 31n)
    const expected = USCC_CHARSET.charAt((31 - weight) % 31)
    if (usccCheckCharacter(prefix) !== expected) failures.push(`w${i}`)
  }
  t.same(failures, [], 'every weight is 3^i mod 31')
})

t.test('organisation code check uses GB 11714 letter values', async (t) => {
  t.equal(orgCodeCheckCharacter('D2143569'), 'X', 'worked example D2143569-X usually quoted from GB 11714-1997')
  t.equal(orgCodeCheckCharacter('MA01R70K'), '8', 'R and K take 27 and 20 (GB 11714), not 25 and 19 (USCC index)')
  t.equal(orgCodeCheckCharacter('00000000'), '0', 'a check value of 11 is written 0')
  t.throws(() => orgCodeCheckCharacter('1234567'), RangeError, 'seven characters')
  t.throws(() => orgCodeCheckCharacter('1234567a'), RangeError, 'lowercase')
})

t.test('every single-character corruption of every sample is rejected', async (t) => {
  const failures: string[] = []
  const seen = new Set<UsccProblem>()
  let tried = 0
  for (const { code } of SAMPLES) {
    for (let pos = 0; pos < 18; pos++) {
      const original = code.charAt(pos)
      const replacements = [...[...USCC_CHARSET].filter((c) => c !== original), ...NEVER_VALID]
      for (const replacement of replacements) {
        const corrupted = code.slice(0, pos) + replacement + code.slice(pos + 1)
        const expected = expectedProblem(pos, original, replacement)
        const actual = checkUscc(corrupted)
        tried++
        seen.add(expected)
        if (actual !== expected) failures.push(`${corrupted} (position ${pos + 1}): got ${String(actual)}, want ${expected}`)
      }
    }
  }
  t.same(failures, [], 'each corruption gives the expected problem')
  t.equal(tried, SAMPLES.length * 18 * (30 + NEVER_VALID.length), 'tried every position × every replacement')
  t.same([...seen].sort(), ['CHARSET', 'CHECK_CHARACTER', 'DIVISION', 'ORG_CODE_CHECK'], 'every problem code was exercised')
})

t.test('length and charset', async (t) => {
  t.equal(checkUscc(''), 'LENGTH', 'empty')
  t.equal(checkUscc('91350100M000100Y4'), 'LENGTH', '17 characters')
  t.equal(checkUscc('91350100M000100Y433'), 'LENGTH', '19 characters')
  t.equal(checkUscc(' 91350100M000100Y43'), 'LENGTH', 'leading space is not trimmed')
  t.equal(checkUscc('91350100m000100y43'), 'CHARSET', 'lowercase is rejected')
  t.equal(checkUscc('91350100I000100Y43'), 'CHARSET', 'I is not in the charset')
  t.equal(checkUscc('9135010０M000100Y43'), 'CHARSET', 'fullwidth digit')
  t.notOk(isValidUscc('91350100m000100y43'), 'isValidUscc rejects lowercase')
})

t.test('division code must be six digits', async (t) => {
  const prefix = '91A50100M000100Y4'
  const code = prefix + usccCheckCharacter(prefix)
  t.equal(checkUscc(code), 'DIVISION', 'letter in positions 3–8 with otherwise correct check characters')
})

t.test('usccCheckCharacter rejects bad prefixes', async (t) => {
  t.throws(() => usccCheckCharacter('91350100M000100Y'), RangeError, 'sixteen characters')
  t.throws(() => usccCheckCharacter('91350100M000100YO'), RangeError, 'O is not in the charset')
})

const charsetChar = fc.constantFrom(...USCC_CHARSET)
// Positions 1–8 mean something (GB 32100-2015 authority and category, GB/T 2260 division): drawn from the tables.
const heads = Object.entries(REGISTRATION_AUTHORITIES).flatMap(
  ([a, { categories }]) => Object.keys(categories).map((c) => a + c)
)
const head = fc.constantFrom(...heads)
const division = fc.constantFrom(...Object.keys(divisions.current))
const chars = (arb: fc.Arbitrary<string>, n: number): fc.Arbitrary<string> =>
  fc.array(arb, { minLength: n, maxLength: n }).map((a) => a.join(''))

t.test('property: the computed check character is the only valid 18th character', async (t) => {
  let runs = 0
  fc.assert(fc.property(head, division, chars(charsetChar, 8), (authorityAndCategory, divisionCode, orgBody) => {
    runs++
    const first17 = authorityAndCategory + divisionCode + orgBody + orgCodeCheckCharacter(orgBody)
    const check = usccCheckCharacter(first17)
    if (checkUscc(first17 + check) !== null) return false
    return [...USCC_CHARSET].every((c) => c === check || checkUscc(first17 + c) === 'CHECK_CHARACTER')
  }), { numRuns: 500 })
  t.equal(runs, 500, 'ran 500 random prefixes')
})
