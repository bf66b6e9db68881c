import t from 'tap'
import fc from 'fast-check'
import { scrubIdNumbers } from '../../src/identifiers/mask.js'
import { idNumberCheckCharacter } from '../../src/identifiers/id-number.js'
import { scrubAnswerText, scrubJsonText } from '../../src/privacy/scrub-answers.js'
import { storedErrorText } from '../../src/privacy/stored-error-text.js'
import { sampleIdNumber, sampleUscc } from '../../sim/sample-entries.js'

const ID = sampleIdNumber('330100', 17)
const MASKED = `${ID.slice(0, 4)}**********${ID.slice(14)}`
const percent = (s: string): string => [...s].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('')
const fullWidth = (s: string): string => [...s].map((c) => String.fromCharCode(c === 'X' ? 0xFF38 : c.charCodeAt(0) - 0x30 + 0xFF10)).join('')
/** Whether any 5 consecutive characters of the number are readable in `text` (the mask shows 4 and 4). */
const shows = (text: string, id: string): boolean => Array.from(
  { length: 14 }, (_, i) => id.slice(i, i + 5)
).some((part) => text.includes(part))

t.test('numbers are found however they are written', async (t) => {
  t.equal(scrubIdNumbers(`证件号码${ID}。`), `证件号码${MASKED}。`, 'straight after Chinese text')
  t.equal(scrubIdNumbers(`No.${ID}b`), `No.${MASKED}b`, 'a whole, valid number touching letters')
  t.equal(scrubIdNumbers(`${ID.slice(0, 6)} ${ID.slice(6, 14)} ${ID.slice(14)}`), `${ID.slice(0, 4)}** ******** ${ID.slice(14)}`, 'grouped 6-8-4 as on the card')
  t.equal(scrubIdNumbers(`${ID.slice(0, 6)}-${ID.slice(6, 10)}-${ID.slice(10, 14)}-${ID.slice(14)}`), `${ID.slice(0, 4)}**-****-****-${ID.slice(14)}`, 'grouped 6-4-4-4')
  t.equal(scrubIdNumbers(`/v1/subjects/${percent(ID)}/entries`), `/v1/subjects/${percent(ID.slice(0, 4))}**********${percent(ID.slice(14))}/entries`, 'percent-encoded')
  t.equal(scrubIdNumbers(`/v1/subjects/${percent(ID).toLowerCase()}`), `/v1/subjects/${percent(ID.slice(0, 4)).toLowerCase()}**********${percent(ID.slice(14)).toLowerCase()}`, 'percent-encoded, lowercase hex')
  t.equal(scrubIdNumbers(`id=${ID.slice(0, 9)}${percent(ID.slice(9))}`), `id=${ID.slice(0, 4)}*****${'*'.repeat(5)}${percent(ID.slice(14))}`, 'partly percent-encoded')
  t.equal(scrubIdNumbers(`号码${fullWidth(ID)}`), `号码${fullWidth(ID.slice(0, 4))}**********${fullWidth(ID.slice(14))}`, 'full-width digits')
  const encodedFullWidth = encodeURIComponent(`申请人${fullWidth(ID)}`)
  t.notOk(shows(decodeURIComponent(scrubIdNumbers(encodedFullWidth)).replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFF10 + 0x30)), ID), 'percent-encoded UTF-8 full-width digits')
  t.equal(scrubIdNumbers(`%E7${ID}`), `%E7${MASKED}`, 'after a stray encoded byte')
})

t.test('what is not an identity number stays', async (t) => {
  const digitsOnly = sampleUscc('330100', 5).replace(/[A-Z]/g, '1')
  for (const uscc of ['91350100M000100Y43', '914403001922038216', sampleUscc('310000', 3)]) {
    t.equal(scrubIdNumbers(`企业 ${uscc} 已公示`), `企业 ${uscc} 已公示`, `credit code ${uscc} left alone`)
  }
  t.ok(digitsOnly.length === 18, 'a control value')
  t.equal(scrubIdNumbers('order 100000000000000000 shipped'), 'order 100000000000000000 shipped', 'no birth date, no check character: a counter')
  t.equal(scrubIdNumbers('trace 1234567890123456789 end'), 'trace 1234567890123456789 end', '19 digits')
  const hash = 'a'.repeat(10) + ID + 'f'.repeat(36)
  t.equal(scrubIdNumbers(`${ID.slice(0, 6)} ${ID.slice(6, 14)} ${ID.slice(14, 17)}${ID.endsWith('1') ? '2' : '1'}`).includes('*'), false, 'grouped digits that are not a valid number')
  t.equal(scrubAnswerText(`{"x":"${hash}"}`).includes('*'), true, 'a whole valid number inside hex is masked all the same (privacy first)')
})

t.test('the fraction of a decimal number is left alone unless it is a whole valid number (a metric value was masked)', async (t) => {
  // 18 fraction digits with a plausible birth date (19900307) at positions 7–14: masked before, in a /metrics page.
  const fraction = '036512199003073335'
  t.equal(scrubIdNumbers(`gw_x 0.${fraction}`), `gw_x 0.${fraction}`, 'a metric value')
  t.equal(scrubJsonText(`{"v":0.${fraction}}`), `{"v":0.${fraction}}`, 'a JSON float')
  t.equal(scrubIdNumbers(`gw_x 1.${ID}`), `gw_x 1.${MASKED}`, 'a whole valid number is masked all the same')
  t.equal(scrubIdNumbers(`证件.${fraction}`).includes('*'), true, 'a dot after a letter is no decimal point')
})

t.test('a compact JWS in an answer is never altered (its signature would break); the text around it is scrubbed', async (t) => {
  const seg = (s: string): string => Buffer.from(s).toString('base64url')
  const jws = `${seg('{"alg":"ES256"}')}.${seg(`{"n":"${ID}"}`)}.${'_' + ID + '-sig'}`
  const body = JSON.stringify({ jws, note: `申请人${ID}` })
  const out = scrubAnswerText(body)
  t.ok(out.includes(jws), 'the JWS is byte for byte the same')
  t.ok(out.includes(`申请人${MASKED}`), 'the note beside it is masked')
})

t.test('a JSON answer stays JSON: a number sent as a JSON number becomes a masked string', async (t) => {
  const body = `{"n":${ID.slice(0, 17)}0,"s":"${ID}","k":[1,2]}`
  const out = scrubJsonText(body)
  const parsed = JSON.parse(out) as { n: unknown, s: string, k: number[] }
  t.type(parsed.n, 'string', 'the number became a string')
  t.match(parsed.n, /^\d{4}\*{10}\d{4}$/, 'masked')
  t.equal(parsed.s, MASKED)
  t.same(parsed.k, [1, 2], 'other numbers as they were')
  t.equal(scrubJsonText('{"a":"b"}'), '{"a":"b"}', 'nothing to mask: the same text')
})

t.test('property: scrubbing is idempotent and leaves no valid number readable, however it is written', async (t) => {
  const idArb = fc.tuple(
    fc.integer({ min: 110000, max: 659999 }), fc.integer({ min: 0, max: 30000 }), fc.integer({ min: 0, max: 999 })
  ).map(([r, d, s]) => {
    const born = new Date(Date.UTC(1940, 0, 1) + d * 86400_000).toISOString().slice(0, 10).replaceAll('-', '')
    const first17 = `${r}${born}${String(s).padStart(3, '0')}`
    return first17 + idNumberCheckCharacter(first17)
  })
  const forms = [(id: string) => id, percent, fullWidth, (id: string) => `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`, (id: string) => encodeURIComponent(fullWidth(id))]
  const around = fc.constantFrom('', ' ', '号码', 'ID:', '(', '%20', '"', '。', 'No.')
  let runs = 0
  fc.assert(fc.property(idArb, fc.integer(
    { min: 0, max: forms.length - 1 }
  ), around, around, (id, f, before, after) => {
    runs++
    const text = `${before}${(forms[f] ?? String)(id)}${after}`
    const once = scrubIdNumbers(text)
    const readable = decodeURIComponent(once.replace(/%(?![0-9A-Fa-f]{2})/g, '%25')).replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFF10 + 0x30)).replace(/ /g, '')
    return scrubIdNumbers(once) === once && !shows(readable, id)
  }), { numRuns: 2000 })
  t.equal(runs, 2000)
})

t.test('stored error text: masked first, then cut', async (t) => {
  const text = `${'x'.repeat(990)}${ID}`
  t.notOk(shows(storedErrorText(text), ID), 'cut through the number after masking')
  t.equal(storedErrorText(`a\u0000b ${ID}`), `a b ${MASKED}`, 'control characters dropped')
})
