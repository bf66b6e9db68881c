import t from 'tap'
import fc from 'fast-check'
import { canonicalDigest, canonicalJson } from '../../src/canonical/canonical-json.js'

t.test('canonical JSON: keys sorted at every depth, no whitespace, arrays in order', async (t) => {
  t.equal(canonicalJson({ b: 1, a: [{ d: null, c: '税' }], e: true }), '{"a":[{"c":"税","d":null}],"b":1,"e":true}')
  t.equal(canonicalJson({ a: undefined, b: 2 }), '{"b":2}', 'undefined members are left out, as JSON.stringify does')
  t.not(canonicalDigest([1, 2]), canonicalDigest([2, 1]))
})

t.test('canonical JSON is the same whatever order keys were built in, and parses back to the value', async (t) => {
  fc.assert(fc.property(fc.jsonValue(), (v) => {
    const reordered = JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).reverse())
      : x))) as unknown
    return canonicalJson(reordered) === canonicalJson(v) && canonicalJson(
      JSON.parse(canonicalJson(v))
    ) === canonicalJson(v)
  }))
  t.pass('property held')
})
