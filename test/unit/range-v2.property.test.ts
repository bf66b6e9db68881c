import { createHash } from 'node:crypto'
import t from 'tap'
import fc from 'fast-check'
import { decodeAnswerV2, decodeRequestV2, encodeAnswerV2, encodeRequestV2, type RecordV2 } from '../../contracts/reconcile-v2.js'
import { compareElements } from '../../src/reconcile/compare-elements.js'
import { hashElement, type Element, type HashedElement } from '../../src/reconcile/element-hash.js'
import { answerRangeV2, rangeReconcileV2 } from '../../src/reconcile/range-v2.js'
import { MemoryList } from '../../sim/memory-list.js'
import { dedupe, elementArbitrary, toElement } from '../helpers/element-arbitrary.js'

const element = elementArbitrary(20000)

/** Runs version 2 between two in-memory lists, through the wire encoding both ways. */
async function reconcile (
  owner: HashedElement[], replica: HashedElement[], tamper?: (r: RecordV2[]) => RecordV2[]
): Promise<{ ids: string[], roundTrips: number }> {
  const theirs = new MemoryList(replica)
  const outcome = await rangeReconcileV2(new MemoryList(owner), 'SH', async (records) => {
    const answer = await answerRangeV2(theirs, decodeRequestV2(encodeRequestV2(records)))
    const sent = tamper === undefined ? answer.records : tamper(answer.records)
    return decodeAnswerV2(encodeAnswerV2(answer.whole, sent))
  })
  return { ids: outcome.differences.map((d) => d.entryId).sort(), roundTrips: outcome.roundTrips }
}

t.test('version 2 finds exactly the differences a full comparison finds, for any two lists', async (t) => {
  let largest = 0
  let deepest = 0
  await fc.assert(fc.asyncProperty(
    fc.array(element, { maxLength: 6000, size: 'max' }), fc.array(element, { maxLength: 60 }), fc.integer({ min: 0, max: 6000 }),
    async (base, changes, keep) => {
      const owner = dedupe(base.map(toElement))
      // The replica: a prefix of the owner's list, plus changed or extra entries.
      const replica = dedupe([...owner.slice(0, keep), ...changes.map(toElement)])
      const { ids, roundTrips } = await reconcile(owner, replica)
      largest = Math.max(largest, owner.length)
      deepest = Math.max(deepest, roundTrips)
      const expected = compareElements(owner, replica).map((d) => d.entryId).sort()
      if (expected.length === 0 && roundTrips !== 1) return false
      return JSON.stringify(ids) === JSON.stringify(expected)
    }), { numRuns: 60 })
  t.ok(largest > 4096 && deepest >= 3, `lists large enough to split twice (up to ${largest} elements, ${deepest} round trips)`)
})

t.test('ranges narrower than a bucket: elements crowded under one five-digit prefix are split there', async (t) => {
  // Key hashes chosen (hashElement takes one) so that 600 elements share "abcd0": the ranges below a
  // bucket are split from their elements, not from bucket sums.
  const crowded = (i: number, version = 1): HashedElement => hashElement('SH', toElement({ id: i, version, status: 'active', content: 'a' }),
    `abcd0${createHash('md5').update(String(i)).digest('hex').slice(0, 27)}`)
  const owner = Array.from({ length: 600 }, (_, i) => crowded(i))
  const replica = owner.map((e, i) => i % 50 === 7 ? crowded(i, 2) : e).filter((_, i) => i !== 300)
  const { ids, roundTrips } = await reconcile(owner, replica)
  t.same(ids, compareElements(owner, replica).map((d) => d.entryId).sort(), 'exactly the 13 differences')
  t.equal(ids.length, 13)
  t.ok(roundTrips >= 3, `down to the crowded ranges (${roundTrips} round trips)`)
})

t.test('the whole-list check: a replica answer that hides a difference fails the run instead of answering clean', async (t) => {
  const owner = dedupe(Array.from({ length: 500 }, (_, i) => toElement({ id: i, version: 1, status: 'active', content: 'a' })))
  const replica = [...owner.slice(0, 250), hashElement('SH', { ...owner[250] as Element, version: 2 }), ...owner.slice(251)]
  t.same((await reconcile(owner, replica)).ids, [(owner[250] as Element).entryId], 'the edited entry is found')
  // An answer without its details (as if a short fingerprint or tag had matched by chance).
  const hide = (records: RecordV2[]): RecordV2[] => records.map((r) => r.type === 'details' ? { ...r, details: [], lacking: [] } : r)
  await t.rejects(reconcile(owner, replica, hide), { name: 'WholeListMismatch' }, 'the sums no longer add up: the run fails')
})

t.test('the wire: records survive encoding; malformed bodies are refused', async (t) => {
  const fp = Buffer.alloc(8, 7)
  const request: RecordV2[] = [
    { type: 'children', prefix: '', fingerprints: Array.from({ length: 16 }, () => fp) },
    { type: 'children', prefix: 'a3f', fingerprints: Array.from({ length: 16 }, () => fp.subarray(0, 4)) },
    { type: 'tags', prefix: 'a3f01', tags: [1, 2 ** 31 - 1] },
    { type: 'needs', prefix: '0123456789abcdef0123456789abcdef', tags: [] }
  ]
  t.same(decodeRequestV2(encodeRequestV2(request)), request, 'a request')
  const answer: RecordV2[] = [
    { type: 'details', prefix: 'b', details: [{ entryId: 'SH-黑-1', version: 7, status: 'suspended', contentHash: 'ab'.repeat(32) }], lacking: [0, 3] },
    { type: 'tags', prefix: 'ffff', tags: [] }
  ]
  const whole = { n: 12, s1: (1n << 62n) - 1n, s2: 5n }
  t.same(decodeAnswerV2(encodeAnswerV2(whole, answer)), { whole, records: answer }, 'an answer')
  const body = encodeRequestV2(request)
  t.throws(() => decodeRequestV2(body.subarray(0, body.length - 1)), /ends inside a record/, 'a truncated body')
  t.throws(() => decodeRequestV2(Buffer.from([9, 0])), /unknown record type 9/, 'an unknown record type')
  t.throws(() => decodeRequestV2(Buffer.from([2, 33, ...Buffer.alloc(17)])), /prefix of 33 hex digits/, 'a prefix longer than a key')
  t.throws(() => decodeRequestV2(Buffer.from([2, 0, 0xff, 0xff, 0xff, 0xff])), /count 4294967295 over/, 'a count beyond the limit')
  t.throws(() => decodeRequestV2(encodeAnswerV2(whole, answer).subarray(24)), /details are sent by the replica only/, 'details in a request')
  t.throws(() => decodeAnswerV2(Buffer.concat([encodeAnswerV2(whole, []), encodeRequestV2([request[3] as RecordV2])])), /needs are sent by the gateway only/, 'needs in an answer')
  t.throws(() => decodeRequestV2(Buffer.from([1, 32, ...Buffer.alloc(16)])), /a full key has no sub-ranges/, 'children of a full key')
})
