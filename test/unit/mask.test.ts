import t from 'tap'
import fc from 'fast-check'
import { looksLikeIdNumber, maskIdNumber, scrubIdNumbers } from '../../src/identifiers/mask.js'

const ID_SHAPED = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/

t.test('maskIdNumber keeps the first 4 and last 4 of an 18-character number', async (t) => {
  t.equal(maskIdNumber('330106199001011234'), '3301**********1234')
  t.equal(maskIdNumber('11010519491231002X'), '1101**********002X', 'X-ending number')
})

t.test('maskIdNumber never shows a malformed input whole', async (t) => {
  t.equal(maskIdNumber(''), '', 'empty')
  t.equal(maskIdNumber('1'), '*', 'one character')
  t.equal(maskIdNumber('1234'), '****', 'four characters')
  t.equal(maskIdNumber('12345'), '1***5', 'five characters')
  t.equal(maskIdNumber('1234567890'), '12******90', 'ten characters')
  t.equal(maskIdNumber('11010519491231002'), '11*************02', '17 characters')
  t.equal(maskIdNumber('11010519491231002X0'), '11***************X0', '19 characters')

  let runs = 0
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (input) => {
    runs++
    const chars = Array.from(input)
    if (chars.length === 18) return true
    const masked = Array.from(maskIdNumber(input))
    const revealed = masked.filter((c) => c !== '*').length
    const middleHidden = masked.slice(2, -2).every((c) => c === '*')
    const shownAsIs = masked.every((c, i) => c === '*' || c === chars[i])
    return masked.length === chars.length && middleHidden && shownAsIs && revealed * 2 < Math.max(1, chars.length)
  }), { numRuns: 1000 })
  t.equal(runs, 1000, 'same length, middle hidden, less than half revealed, for 1000 random strings')
})

t.test('scrubIdNumbers masks identity numbers in free text', async (t) => {
  const text = '申请人330106199001011234，配偶 11010519491231002X; 子女:310115198002290013.'
  t.equal(
    scrubIdNumbers(text),
    '申请人3301**********1234，配偶 1101**********002X; 子女:3101**********0013.',
    'every number masked, including one written straight after Chinese text'
  )
  t.equal(scrubIdNumbers('id=11010519491231002x'), 'id=1101**********002x', 'lowercase x ending')
  t.equal(scrubIdNumbers('"330106199001011234"'), '"3301**********1234"', 'inside JSON quotes')
  t.equal(scrubIdNumbers('330106199001011239'), '3301**********1239', 'invalid check digit is masked all the same')
})

t.test('scrubIdNumbers leaves other things alone', async (t) => {
  t.equal(scrubIdNumbers(''), '', 'empty string')
  const uscc = 'party 91350100M000100Y43 signed'
  t.equal(scrubIdNumbers(uscc), uscc, 'unified social credit code with letters')
  const long = 'trace 1234567890123456789 end'
  t.equal(scrubIdNumbers(long), long, '19-digit run')
  const short = 'order 11010519491231002 end'
  t.equal(scrubIdNumbers(short), short, '17-digit run')
  t.equal(scrubIdNumbers('A330106199001011234'), 'A330106199001011234', 'letter before')
  t.equal(scrubIdNumbers('330106199001011234B'), '330106199001011234B', 'letter after')
  t.equal(scrubIdNumbers('11010519491231002YX'), '11010519491231002YX', 'a letter inside the run')
  // A company's credit code is public: an all-digit one is told apart by the GB 32100 checks.
  t.equal(scrubIdNumbers('914403001922038216'), '914403001922038216', 'all-digit USCC left alone')
})

t.test('property: no identity-number-shaped run that may be a number survives scrubbing', async (t) => {
  const unit = fc.constantFrom(...'0123456789', 'X', 'x', 'A', ' ', '-', '中')
  let runs = 0
  fc.assert(fc.property(fc.array(unit, { maxLength: 80 }).map((a) => a.join('')), (text) => {
    runs++
    const once = scrubIdNumbers(text)
    const left = [...once.matchAll(new RegExp(ID_SHAPED.source, 'g'))].map((m) => m[0])
    return left.every(
      (run) => !looksLikeIdNumber(run, false)
    ) && scrubIdNumbers(once) === once && once.length === text.length
  }), { numRuns: 1000 })
  t.equal(runs, 1000, 'ran 1000 random texts')
})
