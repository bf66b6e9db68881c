import t from 'tap'
import { subjectFlags } from '../../src/subjects/subject-flags.js'

t.test('red and black at once is flagged, across provinces or not; nothing is merged', async (t) => {
  const flags = subjectFlags([
    { owner: 'SH', entryId: 'r1', listType: 'red', domain: 'tax' },
    { owner: 'JS', entryId: 'b1', listType: 'black', domain: 'tax' }
  ])
  t.same(flags.contradictions, [{ red: ['SH:r1'], black: ['JS:b1'], acrossProvinces: true }])
  t.same(flags.repeatListings, [])
  t.same(subjectFlags([
    { owner: 'SH', entryId: 'r1', listType: 'red', domain: 'tax' },
    { owner: 'SH', entryId: 'b1', listType: 'black', domain: 'tax' }
  ]).contradictions[0]?.acrossProvinces, false, 'within one province')
})

t.test('the same listing in the same domain by several platforms is a repeat listing', async (t) => {
  const flags = subjectFlags([
    { owner: 'SH', entryId: 'a', listType: 'black', domain: 'food-drug' },
    { owner: 'AH', entryId: 'b', listType: 'black', domain: 'food-drug' },
    { owner: 'AH', entryId: 'c', listType: 'black', domain: 'ecology' },
    { owner: 'ZJ', entryId: 'd', listType: 'key-supervision', domain: 'food-drug' }
  ])
  t.same(flags.repeatListings, [{ listType: 'black', domain: 'food-drug', platforms: ['AH', 'SH'], entries: ['SH:a', 'AH:b'] }])
  t.same(flags.contradictions, [])
  t.same(subjectFlags([]), { contradictions: [], repeatListings: [] })
})
