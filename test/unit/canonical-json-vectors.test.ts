import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { canonicalJson } from '../../src/canonical/canonical-json.js'

// The official test vectors of RFC 8785's reference implementation (test/fixtures/jcs/README.md).

function vectorsDir (): string {
  const here = dirname(fileURLToPath(import.meta.url))
  // Compiled to dist/test/unit; the fixtures stay in the source tree.
  const candidates = [
    resolve(here, '..', '..', '..', 'test', 'fixtures', 'jcs'),
    resolve(here, '..', 'fixtures', 'jcs')
  ]
  return candidates.find((c) => existsSync(join(c, 'input'))) ?? candidates[0] as string
}
const dir = vectorsDir()

/** The published SHA-256 of the first 1 000 lines of es6testfile100m.txt (testdata/README.md). */
const FIRST_1000_SHA256 = 'be18b62b6f69cdab33a7e0dae0d9cfa869fda80ddc712221570f9f40a5878687'

const doubleOf = (hex: string): number => Buffer.from(hex.padStart(16, '0'), 'hex').readDoubleBE(0)

t.test('testdata/input canonicalises to the bytes of testdata/output', async (t) => {
  for (const name of ['arrays', 'french', 'structures', 'unicode', 'values', 'weird']) {
    const input = JSON.parse(readFileSync(join(dir, 'input', `${name}.json`), 'utf8')) as unknown
    const expected = readFileSync(join(dir, 'output', `${name}.json`))
    t.same(Buffer.from(canonicalJson(input), 'utf8'), expected, name)
  }
})

t.test('ES6 number serialisation: the first 1 000 lines of es6testfile100m.txt', async (t) => {
  const text = readFileSync(join(dir, 'es6testfile-first-1000.txt'))
  t.equal(createHash('sha256').update(text).digest('hex'), FIRST_1000_SHA256, 'the fixture is the official prefix')
  const lines = text.toString('utf8').split('\n').filter((l) => l !== '')
  t.equal(lines.length, 1000)
  const wrong = lines.filter((line) => {
    const [hex = '', expected] = line.split(',')
    return canonicalJson(doubleOf(hex)) !== expected
  })
  t.same(wrong, [], 'every value written as expected')
})

t.test('ES6 number serialisation: a sample of lines 1 001–10 000 (pseudo-random values)', async (t) => {
  const lines = readFileSync(join(dir, 'es6testfile-sample-1001-10000.txt'), 'utf8').split('\n').filter((l) => l !== '')
  t.equal(lines.length, 900)
  const wrong = lines.filter((line) => {
    const [hex = '', expected] = line.split(',')
    return canonicalJson(doubleOf(hex)) !== expected
  })
  t.same(wrong, [], 'every value written as expected')
})

t.test('the samples of testdata/README.md and node-es6/verify-numbers.js', async (t) => {
  for (const [hex, expected] of [
    ['4340000000000001', '9007199254740994'],
    ['4340000000000002', '9007199254740996'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['8000000000000000', '0'],
    ['0', '0']
  ] as const) t.equal(canonicalJson(doubleOf(hex)), expected, hex)
  // The reference writes "null" for these; RFC 8785 has no such numbers, and a digest over null would
  // stand for a value that was never sent: refused.
  for (const hex of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
    t.throws(() => canonicalJson(doubleOf(hex)), TypeError, `${hex} refused`)
  }
})

t.test('what is not JSON is refused with an error naming where it was met', async (t) => {
  t.throws(() => canonicalJson({ items: [{ amount: Number.NaN }] }),
    { name: 'TypeError', message: 'canonical JSON (RFC 8785): NaN is not a JSON number at /items/0/amount' })
  t.throws(() => canonicalJson({ 'a/b': Number.POSITIVE_INFINITY }),
    { message: /Infinity is not a JSON number at \/a~1b$/ })
  t.throws(() => canonicalJson([1, undefined]), { message: /undefined is not a JSON value at \/1$/ })
  t.throws(() => canonicalJson({ n: 1n }), { message: /bigint is not a JSON value at \/n$/ })
  t.throws(() => canonicalJson({ at: new Date(0) }),
    { message: /Date \(it has toJSON\) is not a JSON value: convert it first at \/at$/ })
  t.throws(() => canonicalJson(undefined), { message: /undefined is not a JSON value at \/$/ })
  t.equal(canonicalJson({ a: undefined, b: [] }), '{"b":[]}', 'an undefined member is left out, as JSON.stringify does')
})
