import t from 'tap'
import { startHarness, urlOf, type Harness } from '../helpers/harness.js'
import { sampleDay, sampleEntry } from '../../sim/sample-entries.js'
import { leafBytes, leafOfHistory, type HistoryRow } from '../../src/transparency/change-leaf.js'
import { leafHash, nodesCompletedBy, rangeHash, type NodeId } from '../../src/transparency/merkle-tree.js'
import { verifyProof } from '../../src/transparency/verify-proof.js'
import type { CheckpointV1, ConsistencyProofV1, InclusionProofV1 } from '../../contracts/transparency-v1.js'
import { ID_NUMBER_SHAPE } from '../helpers/id-number-shape.js'

const LOG = '/v1/transparency/logs/SH/food-drug-serious-violation'

async function publish (h: Harness, kind: 'list.upsert' | 'list.remove', items: unknown[]): Promise<void> {
  const { jws } = await h.sign('SH', { kind, items })
  const res = await h.post(jws)
  if (res.status !== 202) throw new Error(`publish failed: ${JSON.stringify(res.body)}`)
}

async function call (h: Harness, method: 'GET' | 'POST', url: string, token?: string): Promise<{ status: number, body: Record<string, unknown> }> {
  const res = await h.app.inject({ method, url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } })
  return { status: res.statusCode, body: res.json() }
}

/**
 * What a gateway rewriting history would have to do to hide it: rebuild the list's tree from the
 * altered history rows (leaf hashes, interior nodes, root) so that everything it serves agrees.
 */
async function rewriteLog (h: Harness, owner: string, listCode: string): Promise<void> {
  const { rows: [log] } = await h.db.query<{ id: number }>('SELECT id FROM transparency_logs WHERE owner = $1 AND list_code = $2', [owner, listCode])
  const logId = log?.id as number
  const { rows } = await h.db.query<HistoryRow & { idx: string }>(
    `SELECT l.idx, h.owner, $2::text AS list_code, h.entry_id, h.version, h.action, h.status, h.jti, h.data, h.recorded_at, h.salt
     FROM transparency_leaves l JOIN entry_history h ON h.id = l.history_id WHERE l.log_id = $1 ORDER BY l.idx`, [logId, listCode])
  const nodes = new Map<string, Uint8Array>()
  const lookup = (n: NodeId): Uint8Array => nodes.get(`${n.level}:${n.index}`) as Uint8Array
  rows.forEach((r, i) => {
    for (const n of nodesCompletedBy(i, leafHash(leafBytes(leafOfHistory(r))), lookup)) nodes.set(`${n.level}:${n.index}`, n.hash)
  })
  for (const [key, hash] of nodes) {
    const [level, idx] = key.split(':').map(Number) as [number, number]
    if (level === 0) await h.db.query('UPDATE transparency_leaves SET leaf_hash = $3 WHERE log_id = $1 AND idx = $2', [logId, idx, Buffer.from(hash)])
    else await h.db.query('UPDATE transparency_nodes SET hash = $4 WHERE log_id = $1 AND level = $2 AND idx = $3', [logId, level, idx, Buffer.from(hash)])
  }
  await h.db.query('UPDATE transparency_logs SET root_hash = $2 WHERE id = $1', [logId, Buffer.from(rangeHash([0, rows.length], lookup))])
}

t.test('checkpoints and proofs over HTTP, verified offline against the gateway\'s JWKS; a rewritten history is caught', async (t) => {
  const h = await startHarness(t, { listen: true })
  const jwksUrl = `${urlOf(h)}/.well-known/jwks.json`
  const admin = await h.adminToken('admin')
  const reader = await h.platformToken('ZJ')
  const entries = Array.from({ length: 5 }, (_, i) => sampleEntry('SH', '310000', i))
  await publish(h, 'list.upsert', entries)

  t.equal((await call(h, 'GET', `${LOG}/checkpoints/latest`)).status, 401, 'no token: 401')
  t.equal((await call(h, 'GET', `${LOG}/checkpoints/latest`, reader)).body.code, 'NOT_FOUND', 'nothing sequenced yet')
  const forbidden = await call(h, 'POST', `${LOG}/checkpoints`, await h.adminToken('auditor'))
  t.equal(forbidden.status, 403, 'an auditor may read, not sign')
  t.equal(forbidden.body.code, 'FORBIDDEN')

  // On demand: pending changes are sequenced, then the log is signed.
  const signed = await call(h, 'POST', `${LOG}/checkpoints`, admin)
  t.equal(signed.status, 201)
  const cp1 = signed.body as unknown as CheckpointV1
  t.equal(cp1.treeSize, 5)
  t.same((await call(h, 'GET', `${LOG}/checkpoints/latest`, reader)).body, cp1, 'a platform reads the latest checkpoint')
  const action = await h.db.query('SELECT principal, action, target FROM admin_actions')
  t.same(action.rows, [{ principal: 'admin-console:admin-user', action: 'checkpoint.sign', target: 'SH/food-drug-serious-violation' }], 'the signing is recorded')

  const inc1 = (await call(h, 'GET', `${LOG}/inclusion?entryId=${entries[2]?.entryId ?? ''}&version=1`, reader)).body as unknown as InclusionProofV1
  t.equal(inc1.treeSize, 5, 'against the newest checkpoint by default')
  t.equal(inc1.leafIndex, 2)
  t.equal(inc1.checkpoint, cp1.checkpoint, 'the checkpoint of that size comes with the proof')
  t.notMatch(JSON.stringify(inc1), ID_NUMBER_SHAPE, 'no identity number in the proof')
  const ok1 = await verifyProof({ jwks: jwksUrl, checkpoint: cp1.checkpoint, inclusion: inc1, item: entries[2] })
  t.ok(ok1.ok, `inclusion verifies against the JWKS URL: ${ok1.message}`)
  const wrongItem = await verifyProof({ jwks: jwksUrl, checkpoint: cp1.checkpoint, inclusion: inc1, item: { ...entries[2], facts: 'x' } })
  t.same([wrongItem.ok, wrongItem.message], [false, 'the item\'s content does not hash to the leaf\'s dataHash'])

  // The log grows: a removal, a correction, new listings.
  await publish(h, 'list.remove', [{ entryId: entries[0]?.entryId, owner: 'SH', version: 2, reason: 'repair', basis: '信用修复', effectiveOn: sampleDay() }])
  await publish(h, 'list.upsert', [{ ...entries[1], version: 2, facts: '更正。' }, sampleEntry('SH', '310000', 10), sampleEntry('SH', '310000', 11)])
  const cp2 = (await call(h, 'POST', `${LOG}/checkpoints`, admin)).body as unknown as CheckpointV1
  t.equal(cp2.treeSize, 9)
  const list = (await call(h, 'GET', `${LOG}/checkpoints?limit=1`, reader)).body
  t.same((list.checkpoints as CheckpointV1[]).map((c) => c.treeSize), [9], 'newest first')
  t.equal(list.nextBefore, cp2.id)
  const older = (await call(h, 'GET', `${LOG}/checkpoints?before=${cp2.id}`, await h.adminToken('auditor'))).body
  t.same((older.checkpoints as CheckpointV1[]).map((c) => c.treeSize), [5])
  const logs = (await call(h, 'GET', '/v1/transparency/logs', reader)).body.logs as Array<{ owner: string, listCode: string, treeSize: number, latestCheckpoint: { treeSize: number } }>
  t.same(logs.map((l) => [l.owner, l.listCode, l.treeSize, l.latestCheckpoint.treeSize]), [['SH', 'food-drug-serious-violation', 9, 9]])

  const jwks = h.gatewayKeys.jwks
  const cons = (await call(h, 'GET', `${LOG}/consistency?first=5`, reader)).body as unknown as ConsistencyProofV1
  t.same([cons.first, cons.second, cons.firstCheckpoint, cons.secondCheckpoint], [5, 9, cp1.checkpoint, cp2.checkpoint])
  const ok2 = await verifyProof({ jwks, checkpoint: cp2.checkpoint, oldCheckpoint: cp1.checkpoint, consistency: cons })
  t.ok(ok2.ok, `the newer checkpoint extends the stored one: ${ok2.message}`)
  const removalProof = (await call(h, 'GET', `${LOG}/inclusion?entryId=${entries[0]?.entryId ?? ''}&version=2`, reader)).body as unknown as InclusionProofV1
  t.same([removalProof.leaf.action, removalProof.leaf.status, removalProof.leafIndex], ['remove', 'removed', 5])
  t.ok((await verifyProof({ jwks, checkpoint: cp2.checkpoint, inclusion: removalProof })).ok, 'the removal is provably in the log')
  const oldAgainstNew = (await call(h, 'GET', `${LOG}/inclusion?entryId=${entries[2]?.entryId ?? ''}&version=1&treeSize=9`, reader)).body as unknown as InclusionProofV1
  t.ok((await verifyProof({ jwks, checkpoint: cp2.checkpoint, inclusion: oldAgainstNew })).ok, 'an old change is still in the newer tree')
  const mismatch = await verifyProof({ jwks, checkpoint: cp2.checkpoint, inclusion: inc1 })
  t.same([mismatch.ok, mismatch.message], [false, 'the proof is for tree size 5, the checkpoint signs size 9'])
  const foreign = await verifyProof({ jwks: { keys: [] }, checkpoint: cp2.checkpoint })
  t.equal(foreign.ok, false, 'another key set does not verify the checkpoint')
  t.match(foreign.message, /^checkpoint signature does not verify/)

  t.equal((await call(h, 'GET', '/v1/transparency/logs/SH/no-such-list/checkpoints/latest', reader)).body.code, 'NOT_FOUND')
  t.equal((await call(h, 'GET', `${LOG}/consistency?first=5&second=10`, reader)).body.code, 'BAD_REQUEST', 'beyond the log')
  t.equal((await call(h, 'GET', `${LOG}/inclusion?entryId=${entries[0]?.entryId ?? ''}&version=2&treeSize=5`, reader)).body.code, 'BAD_REQUEST', 'leaf after the tree asked for')
  t.equal((await call(h, 'GET', `${LOG}/inclusion?entryId=nope&version=1`, reader)).body.code, 'NOT_FOUND')
  t.equal((await call(h, 'GET', `${LOG}/inclusion?entryId=nope&version=9999999999`, reader)).body.code, 'NOT_FOUND', 'a version beyond the contract\'s range')
  t.equal((await call(h, 'GET', `${LOG}/consistency?first=0`, reader)).body.code, 'BAD_REQUEST')
  const docs = (await h.app.inject({ url: '/docs/json' })).json<{ paths: Record<string, unknown> }>()
  t.same(Object.keys(docs.paths).filter((p) => p.startsWith('/v1/transparency')).sort(), [
    '/v1/transparency/logs',
    '/v1/transparency/logs/{owner}/{listCode}/checkpoints',
    '/v1/transparency/logs/{owner}/{listCode}/checkpoints/latest',
    '/v1/transparency/logs/{owner}/{listCode}/consistency',
    '/v1/transparency/logs/{owner}/{listCode}/inclusion'
  ], 'every route is in the OpenAPI document')

  // Rewriting one history row in the database: the change no longer proves against what was signed.
  await h.db.query(
    'UPDATE entry_history SET data = jsonb_set(data, \'{facts}\', \'"改写的事实。"\') WHERE owner = \'SH\' AND entry_id = $1 AND version = 1', [entries[3]?.entryId])
  const tampered = (await call(h, 'GET', `${LOG}/inclusion?entryId=${entries[3]?.entryId ?? ''}&version=1&treeSize=5`, reader)).body as unknown as InclusionProofV1
  const bad1 = await verifyProof({ jwks, checkpoint: cp1.checkpoint, inclusion: tampered })
  t.same([bad1.ok, bad1.message], [false, 'inclusion proof for leaf 3 does not lead to the root of tree size 5'], 'an altered history row fails its inclusion proof')

  // Covering it up by rebuilding the tree: a new checkpoint signs the forged root, but it cannot
  // be proven consistent with the checkpoint the platform stored.
  await rewriteLog(h, 'SH', 'food-drug-serious-violation')
  const cp3 = (await call(h, 'POST', `${LOG}/checkpoints`, admin)).body as unknown as CheckpointV1
  t.equal(cp3.treeSize, 9)
  t.not(cp3.rootHash, cp2.rootHash, 'the forged tree has another root')
  t.ok((await verifyProof({ jwks, checkpoint: cp3.checkpoint, inclusion: (await call(h, 'GET', `${LOG}/inclusion?entryId=${entries[3]?.entryId ?? ''}&version=1`, reader)).body as unknown as InclusionProofV1 })).ok,
    'the forged tree is self-consistent (proofs against its own checkpoint hold)')
  const forged = (await call(h, 'GET', `${LOG}/consistency?first=5&second=9`, reader)).body as unknown as ConsistencyProofV1
  const bad2 = await verifyProof(
    { jwks, checkpoint: cp3.checkpoint, oldCheckpoint: cp1.checkpoint, consistency: forged }
  )
  t.same([bad2.ok, bad2.message], [false, 'consistency proof does not lead to the root of tree size 5: history was rewritten'], 'the stored checkpoint exposes the rewrite')
  const bad3 = await verifyProof(
    { jwks, checkpoint: cp3.checkpoint, oldCheckpoint: cp2.checkpoint, consistency: { ...forged, first: 9, proof: [] } }
  )
  t.same([bad3.ok, bad3.message], [false, 'two different roots for tree size 9: history was rewritten'], 'two signed roots for one size are proof of a rewrite')
})
