import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { decodeJwt } from 'jose'
import t from 'tap'
import { sampleDay, sampleEntry } from '../../sim/sample-entries.js'
import { buildApp } from '../../src/app.js'
import { canonicalJson } from '../../src/canonical/canonical-json.js'
import { dataHashOf, leafBytes, leafOfHistory, type HistoryRow } from '../../src/transparency/change-leaf.js'
import { verifyProof } from '../../src/transparency/verify-proof.js'
import {
  CHECKPOINT_TYP, type CheckpointClaimsV1, type CheckpointV1, type ConsistencyProofV1, type InclusionProofV1
} from '../../contracts/transparency-v1.js'
import type { ReceiptClaimsV1 } from '../../contracts/receipt-v1.js'
import { tempFiles } from '../helpers/temp-files.js'
import { startHarness, type Harness } from '../helpers/harness.js'
import { sm3Mth, sm3Of, sm3Path, sm3Proof } from '../helpers/independent-sm3-tree.js'

// Issue 19 item 3: a deployment whose proofHash is SM3 creates SM3 logs, signs checkpoints that say
// so, serves proofs that verify offline only as SM3, and issues receipts whose digest is the SM3 of
// the envelope's bytes; a SHA-256 log created before the setting changed stays SHA-256. Expected
// hashes come from an independent SM3 (sm-crypto) and RFC 6962 written out, not from the gateway.

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli.js')
const LIST = 'food-drug-serious-violation'
const DAY = 86_400_000

async function cli (args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return await new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr })
    })
  })
}

async function publish (h: Harness, app: FastifyInstance, iss: string, kind: 'list.upsert' | 'list.remove', items: unknown[]): Promise<{ jws: string, receipt: string }> {
  const { jws } = await h.sign(iss, { kind, items })
  const res = await app.inject({ method: 'POST', url: '/v1/envelopes', headers: { 'content-type': 'application/jose' }, payload: jws })
  if (res.statusCode !== 202) throw new Error(`publish failed: ${res.body}`)
  return { jws, receipt: res.json<{ receipt: string }>().receipt }
}

async function get<T> (app: FastifyInstance, url: string, token: string, method: 'GET' | 'POST' = 'GET'): Promise<T> {
  const res = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` } })
  if (res.statusCode >= 300) throw new Error(`${url}: ${res.body}`)
  return res.json<T>()
}

/** The leaf bytes of a log, in order, as the ledger's history rows give them. */
async function leavesOf (h: Harness, owner: string, listCode: string, alg: 'SHA-256' | 'SM3'): Promise<Buffer[]> {
  const { rows } = await h.db.query<HistoryRow>(
    `SELECT h.owner, $2::text AS list_code, h.entry_id, h.version, h.action, h.status, h.jti, h.data, h.recorded_at, h.salt, h.leaf_data_hash
     FROM transparency_leaves l JOIN transparency_logs g ON g.id = l.log_id JOIN entry_history h ON h.id = l.history_id
     WHERE g.owner = $1 AND g.list_code = $2 ORDER BY l.idx`, [owner, listCode])
  return rows.map((r) => leafBytes(leafOfHistory(r, alg)))
}

async function logHash (h: Harness, owner: string, listCode: string): Promise<string | undefined> {
  const { rows } = await h.db.query<{ hash: string }>('SELECT hash FROM transparency_logs WHERE owner = $1 AND list_code = $2', [owner, listCode])
  return rows[0]?.hash
}

t.test('proofHash SM3: SM3 logs, checkpoints and proofs that say so and verify offline (and fail when the hash is lied about), SM3 receipts', async (t) => {
  const h = await startHarness(t, { settings: { proofHash: 'SM3', personalDataRetentionDays: 30 } })
  const file = tempFiles(t, 'sm3-proof')
  const jwks = h.gatewayKeys.jwks
  const jwksFile = file('jwks.json', jwks)
  const admin = await h.adminToken('admin')
  const owner = await h.platformToken('SH')
  const LOG = `/v1/transparency/logs/SH/${LIST}`

  // Receipts: the digest is SM3 of the exact bytes received, and says so; the ledger keeps SHA-256 for replays.
  const entries = Array.from({ length: 5 }, (_, i) => sampleEntry('SH', '310000', i))
  const first = await publish(h, h.app, 'SH', 'list.upsert', entries)
  const claims = decodeJwt(first.receipt) as unknown as ReceiptClaimsV1
  t.equal(claims.digestAlg, 'SM3', 'the receipt names its digest\'s hash')
  t.equal(claims.digest, sm3Of(Buffer.from(first.jws, 'ascii')).toString('base64url'), 'the receipt\'s digest is the SM3 of the envelope as sent (sm-crypto)')
  const sha256 = createHash('sha256').update(first.jws).digest('base64url')
  const { rows: [stored] } = await h.db.query<{ digest: string, receipt: string }>('SELECT digest, receipt FROM envelopes WHERE receipt = $1', [first.receipt])
  t.equal(stored?.digest, sha256, 'envelopes.digest stays the SHA-256 replays are judged on')
  const again = await h.post(first.jws)
  t.same([again.status, again.body.receipt], [200, first.receipt], 'the same bytes again: the original receipt')
  const verified = await cli(['verify-receipt', first.receipt, '--jwks', jwksFile])
  t.equal(verified.code, 0, verified.stderr)
  t.match(JSON.parse(verified.stdout), { valid: true, claims: { digest: claims.digest, digestAlg: 'SM3' } }, 'credit-gw verify-receipt shows the SM3 digest')
  const sent = await cli(['verify-receipt', first.receipt, '--jwks', jwksFile, '--envelope', file('sent.jws', first.jws)])
  t.equal(sent.code, 0, sent.stderr)
  t.match(JSON.parse(sent.stdout), { envelope: { digest: 'matches', digestAlg: 'SM3' } }, 'and checks it against the envelope sent, with SM3')

  // The log is created SM3, and every checkpoint of it signs that.
  const cp1 = await get<CheckpointV1>(h.app, `${LOG}/checkpoints`, admin, 'POST')
  t.equal(await logHash(h, 'SH', LIST), 'SM3', 'the log records its hash')
  t.equal(cp1.hash, 'SM3')
  t.equal((decodeJwt(cp1.checkpoint) as unknown as CheckpointClaimsV1).hash, 'SM3', 'the checkpoint signs its hash')
  const leaves5 = await leavesOf(h, 'SH', LIST, 'SM3')
  t.equal(leaves5.length, 5)
  t.equal(cp1.rootHash, sm3Mth(leaves5).toString('base64url'), 'the signed root is the independent SM3 MTH of the leaves')
  const logs = await get<{ logs: Array<{ owner: string, hash: string }> }>(h.app, '/v1/transparency/logs', owner)
  t.same(logs.logs.map((l) => [l.owner, l.hash]), [['SH', 'SM3']], 'the log list says its hash')

  // An inclusion proof, with the owner's salt: SM3 throughout, down to the item's dataHash.
  const inc = await get<InclusionProofV1>(h.app, `${LOG}/inclusion?entryId=${entries[2]?.entryId ?? ''}&version=1`, owner)
  t.equal(inc.hash, 'SM3')
  t.same(inc.auditPath, sm3Path(2, leaves5).map((b) => b.toString('base64url')), 'the audit path is the independent PATH(2, D[5])')
  t.equal(inc.leafHash, sm3Of(Uint8Array.of(0), leaves5[2] as Buffer).toString('base64url'))
  t.equal(inc.leaf.dataHash, sm3Of(Buffer.from(inc.salt ?? '', 'base64url'), Buffer.from(canonicalJson(entries[2]), 'utf8')).toString('base64url'),
    'dataHash is SM3(salt || canonical JSON of the item)')
  const ok = await verifyProof({ jwks, checkpoint: cp1.checkpoint, inclusion: inc, item: entries[2] })
  t.ok(ok.ok, ok.message)
  t.match(ok.message, /\(size 5, SM3, /)
  const incFile = file('inclusion.json', inc)
  const itemFile = file('item.json', entries[2])
  const incCli = await cli(['verify-proof', '--jwks', jwksFile, '--inclusion', incFile, '--item', itemFile])
  t.equal(incCli.code, 0, incCli.stderr)
  t.match(incCli.stdout, /^valid: checkpoint of SH\/food-drug-serious-violation \(size 5, SM3, .*\) signed by gw-k1; version 1 of .* is leaf 2 of it, with the given content\n$/)

  // Lies about the hash: the answer's, or a checkpoint signing another hash over the same root.
  const { hash: _stated, ...noHash } = inc
  for (const [what, lie] of [['says SHA-256', { ...inc, hash: 'SHA-256' as const }], ['says nothing (SHA-256)', noHash]] as const) {
    const r = await verifyProof({ jwks, checkpoint: cp1.checkpoint, inclusion: lie })
    t.same([r.ok, r.ok ? undefined : r.code], [false, 'PROOF_MALFORMED'], `an answer that ${what} is refused`)
  }
  const liedFile = file('lied.json', { ...inc, hash: 'SHA-256' })
  const liedCli = await cli(['verify-proof', '--jwks', jwksFile, '--inclusion', liedFile])
  t.equal(liedCli.code, 1)
  t.match(liedCli.stderr, /the inclusion proof says the log hashes with SHA-256, the checkpoint signs SM3/)
  const signed = decodeJwt(cp1.checkpoint) as unknown as CheckpointClaimsV1
  const { hash: _h, ...unstated } = signed
  for (const [what, lie, answer] of [['SHA-256', { ...signed, hash: 'SHA-256' as const }, { ...inc, hash: 'SHA-256' as const }], ['no hash (SHA-256)', unstated, noHash]] as const) {
    const cp = await h.gatewayKeys.sign(lie, CHECKPOINT_TYP)
    const r = await verifyProof({ jwks, checkpoint: cp, inclusion: answer })
    t.same([r.ok, r.ok ? undefined : r.code], [false, 'PROOF_MISMATCH'], `an SM3 tree under a checkpoint signing ${what} does not verify`)
  }

  // The log grows (a removal, new listings): a consistency proof, SM3, checked against the stored checkpoint.
  await publish(h, h.app, 'SH', 'list.remove', [{ entryId: entries[0]?.entryId, owner: 'SH', version: 2, reason: 'repair', basis: '信用修复', effectiveOn: sampleDay() }])
  await publish(h, h.app, 'SH', 'list.upsert', [sampleEntry('SH', '310000', 10), sampleEntry('SH', '310000', 11)])
  const cp2 = await get<CheckpointV1>(h.app, `${LOG}/checkpoints`, admin, 'POST')
  const leaves8 = await leavesOf(h, 'SH', LIST, 'SM3')
  t.same([cp2.treeSize, cp2.hash, cp2.rootHash], [8, 'SM3', sm3Mth(leaves8).toString('base64url')])
  const cons = await get<ConsistencyProofV1>(h.app, `${LOG}/consistency?first=5`, owner)
  t.equal(cons.hash, 'SM3')
  t.same(cons.proof, sm3Proof(5, leaves8).map((b) => b.toString('base64url')), 'the proof is the independent PROOF(5, D[8])')
  const consCli = await cli(['verify-proof', '--jwks', jwksFile, '--checkpoint', file('cp2.json', cp2), '--consistency', file('cons.json', cons), '--old-checkpoint', file('cp1.jws', cp1.checkpoint)])
  t.equal(consCli.code, 0, consCli.stderr)
  t.match(consCli.stdout, /it extends the checkpoint of size 5 .* without rewriting it/)
  const liedCons = await verifyProof({ jwks, checkpoint: cp2.checkpoint, oldCheckpoint: cp1.checkpoint, consistency: { ...cons, hash: 'SHA-256' } })
  t.same([liedCons.ok, liedCons.ok ? undefined : liedCons.code], [false, 'PROOF_MALFORMED'], 'a consistency answer lying about the hash is refused')
  const oldAsSha = await h.gatewayKeys.sign({ ...signed, hash: 'SHA-256' }, CHECKPOINT_TYP)
  const replaced = await verifyProof({ jwks, checkpoint: cp2.checkpoint, oldCheckpoint: oldAsSha, consistency: cons })
  t.same([replaced.ok, replaced.ok ? undefined : replaced.code], [false, 'HISTORY_REWRITTEN'], 'two checkpoints of one log signing two hashes: the log was replaced')

  // A check receipt's answer digest is SM3 too.
  const check = await h.app.inject({
    method: 'POST', url: '/v1/checks', headers: { authorization: `Bearer ${await h.platformToken('AH')}` }, payload: { subject: entries[3]?.subject.creditCode, purpose: 'licence 9', decisionType: 'public-procurement' }
  })
  t.equal(check.statusCode, 200, check.body)
  const { receipt: checkReceipt, ...answer } = JSON.parse(check.body) as { receipt: string }
  const answered = (decodeJwt(checkReceipt) as { answered: { digest: string, digestAlg?: string } }).answered
  t.same([answered.digestAlg, answered.digest], ['SM3', sm3Of(Buffer.from(canonicalJson(answer), 'utf8')).toString('base64url')],
    'the check receipt\'s answered.digest is the SM3 of the canonical answer')

  // Erasing a repaired entry's personal fields keeps the SM3 dataHash its leaf committed to.
  const person = sampleEntry('SH', '310000', 20, { person: true })
  await publish(h, h.app, 'SH', 'list.upsert', [person])
  await publish(h, h.app, 'SH', 'list.remove', [{ entryId: person.entryId, owner: 'SH', version: 2, reason: 'repair', basis: '信用修复决定书', effectiveOn: sampleDay() }])
  await get<CheckpointV1>(h.app, `${LOG}/checkpoints`, admin, 'POST')
  const before = await get<InclusionProofV1>(h.app, `${LOG}/inclusion?entryId=${person.entryId}&version=1`, owner)
  const { rows: [removed] } = await h.db.query<{ at: Date }>('SELECT updated_at AS at FROM entries WHERE entry_id = $1', [person.entryId])
  t.equal((await h.app.coordination.runNow(new Date((removed?.at as Date).getTime() + 31 * DAY))).erased, 2, 'this and the entry repaired before')
  const after = await get<InclusionProofV1>(h.app, `${LOG}/inclusion?entryId=${person.entryId}&version=1`, owner)
  t.same(after.leaf, before.leaf, 'the leaf is rebuilt as it was logged')
  const cp3 = await get<CheckpointV1>(h.app, `${LOG}/checkpoints/latest`, owner)
  const withSalt = { ...after, salt: before.salt }
  t.ok((await verifyProof({ jwks, checkpoint: cp3.checkpoint, inclusion: withSalt, item: person })).ok,
    'the owner\'s copy and salt still match the SM3 dataHash after the erasure')
})

t.test('a SHA-256 log keeps SHA-256 when the deployment turns to SM3; logs created afterwards are SM3', async (t) => {
  const h = await startHarness(t, { settings: { personalDataRetentionDays: 30 } })
  const jwks = h.gatewayKeys.jwks
  const admin = await h.adminToken('admin')
  const reader = await h.platformToken('ZJ')
  const SH_LOG = `/v1/transparency/logs/SH/${LIST}`
  const JS_LOG = `/v1/transparency/logs/JS/${LIST}`
  const old = await publish(h, h.app, 'SH', 'list.upsert', [sampleEntry('SH', '310000', 0), sampleEntry('SH', '310000', 1)])
  t.equal((decodeJwt(old.receipt) as unknown as ReceiptClaimsV1).digestAlg, undefined, 'a SHA-256 deployment\'s receipt names no hash, as before')
  t.equal((decodeJwt(old.receipt) as unknown as ReceiptClaimsV1).digest, createHash('sha256').update(old.jws).digest('base64url'))
  const cp1 = await get<CheckpointV1>(h.app, `${SH_LOG}/checkpoints`, admin, 'POST')
  t.same([cp1.hash, (decodeJwt(cp1.checkpoint) as unknown as CheckpointClaimsV1).hash], ['SHA-256', 'SHA-256'])

  // The same ledger, now served by a gateway configured with SM3.
  const sm3App = await buildApp({
    config: { ...h.config, settings: { ...h.config.settings, proofHash: 'SM3' } }, runtime: h.runtime, gatewayKeys: h.gatewayKeys, workers: false
  })
  t.teardown(async () => { await sm3App.close() })
  await sm3App.ready()
  const added = sampleEntry('SH', '310000', 2)
  const receipt = (await publish(h, sm3App, 'SH', 'list.upsert', [added])).receipt
  t.equal((decodeJwt(receipt) as unknown as ReceiptClaimsV1).digestAlg, 'SM3', 'receipts follow the setting at once')
  await publish(h, sm3App, 'JS', 'list.upsert', [sampleEntry('JS', '320000', 0)])
  // A person's change erased before it is sequenced: its kept dataHash is of the log it will join (SHA-256).
  const person = sampleEntry('SH', '310000', 20, { person: true })
  await publish(h, sm3App, 'SH', 'list.upsert', [person])
  await publish(h, sm3App, 'SH', 'list.remove', [{ entryId: person.entryId, owner: 'SH', version: 2, reason: 'repair', basis: '信用修复决定书', effectiveOn: sampleDay() }])
  const { rows: [removed] } = await h.db.query<{ at: Date }>('SELECT updated_at AS at FROM entries WHERE entry_id = $1', [person.entryId])
  t.equal((await sm3App.coordination.runNow(new Date((removed?.at as Date).getTime() + 31 * DAY))).erased, 1)
  const { rows: [kept] } = await h.db.query<{ leaf_data_hash: string, salt: Buffer }>(
    'SELECT leaf_data_hash, salt FROM entry_history WHERE entry_id = $1 AND version = 1', [person.entryId])
  t.equal(kept?.leaf_data_hash, dataHashOf(person, kept?.salt, 'SHA-256'), 'the kept dataHash is SHA-256, the hash of the list\'s existing log')

  const cp2 = await get<CheckpointV1>(sm3App, `${SH_LOG}/checkpoints`, admin, 'POST')
  t.same([cp2.treeSize, cp2.hash, await logHash(h, 'SH', LIST)], [5, 'SHA-256', 'SHA-256'], 'the existing log stays SHA-256')
  t.equal((decodeJwt(cp2.checkpoint) as unknown as CheckpointClaimsV1).hash, 'SHA-256')
  const cons = await get<ConsistencyProofV1>(sm3App, `${SH_LOG}/consistency?first=2`, reader)
  t.equal(cons.hash, 'SHA-256')
  t.ok((await verifyProof({ jwks, checkpoint: cp2.checkpoint, oldCheckpoint: cp1.checkpoint, consistency: cons })).ok,
    'the log grown under SM3 is consistent with its SHA-256 checkpoint')
  const inc = await get<InclusionProofV1>(sm3App, `${SH_LOG}/inclusion?entryId=${added.entryId}&version=1`, await h.platformToken('SH'))
  t.equal(inc.hash, 'SHA-256')
  t.ok((await verifyProof({ jwks, checkpoint: cp2.checkpoint, inclusion: inc, item: added })).ok, 'a change added under SM3 proves as SHA-256')

  const js = await get<CheckpointV1>(sm3App, `${JS_LOG}/checkpoints`, admin, 'POST')
  t.same([js.hash, await logHash(h, 'JS', LIST)], ['SM3', 'SM3'], 'a log created after the change is SM3')
  t.equal(js.rootHash, sm3Mth(await leavesOf(h, 'JS', LIST, 'SM3')).toString('base64url'))
  const logs = await get<{ logs: Array<{ owner: string, hash: string }> }>(h.app, '/v1/transparency/logs', reader)
  t.same(logs.logs.map((l) => [l.owner, l.hash]), [['JS', 'SM3'], ['SH', 'SHA-256']], 'the first gateway reads both logs with their own hashes')
})
