import t from 'tap'
import { execFile } from 'node:child_process'
import { resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempFiles } from '../helpers/temp-files.js'
import { startHarness, urlOf, type Harness } from '../helpers/harness.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { generatePrivateJwk, publicPart } from '../../src/keys/signing-keys.js'
import type { CheckpointV1, ConsistencyProofV1, InclusionProofV1 } from '../../contracts/transparency-v1.js'

// `credit-gw verify-proof` as a platform runs it: files from the API, the gateway's JWKS, exit code.

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli.js')
const LOG = '/v1/transparency/logs/JS/food-drug-serious-violation'

async function cli (args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return await new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'verify-proof', ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr })
    })
  })
}

async function get (h: Harness, url: string, method: 'GET' | 'POST' = 'GET', token?: string): Promise<unknown> {
  const res = await h.app.inject({ method, url, headers: { authorization: `Bearer ${token ?? await h.adminToken('admin')}` } })
  if (res.statusCode >= 300) throw new Error(`${url}: ${res.body}`)
  return res.json()
}

t.test('credit-gw verify-proof: exit 0 when the checkpoint and proof hold, 1 with the reason when not', async (t) => {
  const h = await startHarness(t, { listen: true })
  const file = tempFiles(t, 'verify-proof')
  const entries = Array.from({ length: 3 }, (_, i) => sampleEntry('JS', '320000', i))
  const publish = async (items: unknown[]): Promise<void> => {
    const { jws } = await h.sign('JS', { kind: 'list.upsert', items })
    t.equal((await h.post(jws)).status, 202)
  }
  await publish(entries)
  const cp1 = await get(h, `${LOG}/checkpoints`, 'POST') as CheckpointV1
  await publish([sampleEntry('JS', '320000', 7), sampleEntry('JS', '320000', 8)])
  const cp2 = await get(h, `${LOG}/checkpoints`, 'POST') as CheckpointV1
  // As the entry's owner: its answer carries the salt the v2 leaf's dataHash needs.
  const inclusion = await get(h, `${LOG}/inclusion?entryId=${entries[1]?.entryId ?? ''}&version=1`, 'GET', await h.platformToken('JS')) as InclusionProofV1
  const unsalted = await get(h, `${LOG}/inclusion?entryId=${entries[1]?.entryId ?? ''}&version=1`) as InclusionProofV1
  const consistency = await get(h, `${LOG}/consistency?first=${cp1.treeSize}`) as ConsistencyProofV1
  const jwks = file('jwks.json', h.gatewayKeys.jwks)

  const inc = await cli(['--jwks', jwks, '--inclusion', file('inclusion.json', inclusion), '--item', file('item.json', entries[1])])
  t.equal(inc.code, 0, inc.stderr)
  t.match(inc.stdout, /^valid: checkpoint of JS\/food-drug-serious-violation \(size 5, .*\) signed by gw-k1; version 1 of JS-black-1 is leaf 1 of it, with the given content\n$/)
  const noSalt = await cli(['--jwks', jwks, '--inclusion', file('unsalted.json', unsalted), '--item', file('item.json', entries[1])])
  t.equal(noSalt.code, 1, 'an admin\'s proof has no salt: the content cannot be checked')
  t.match(noSalt.stderr, /the leaf is v2 \(salted dataHash\) and the proof carries no salt/)
  t.equal((await cli(['--jwks', jwks, '--inclusion', file('unsalted.json', unsalted)])).code, 0, 'its inclusion still verifies')

  const cons = await cli(['--jwks', `${urlOf(h)}/.well-known/jwks.json`, '--checkpoint', file('cp2.json', cp2), '--consistency', file('consistency.json', consistency), '--old-checkpoint', file('cp1.jws', cp1.checkpoint)])
  t.equal(cons.code, 0, cons.stderr)
  t.match(cons.stdout, /it extends the checkpoint of size 3 .* without rewriting it/, 'checked against the JWKS URL')

  const flipped = { ...consistency, proof: consistency.proof.map((p, i) => (i === 0 ? `${p[0] === 'A' ? 'B' : 'A'}${p.slice(1)}` : p)) }
  const bad = await cli(['--jwks', jwks, '--checkpoint', cp2.checkpoint, '--consistency', file('bad.json', flipped), '--old-checkpoint', cp1.checkpoint])
  t.equal(bad.code, 1, 'a tampered proof: exit 1')
  t.match(bad.stderr, /^credit-gw: proof does not hold: consistency proof does not lead to the root of tree size/)

  const otherKeys = file('other.json', { keys: [publicPart(await generatePrivateJwk('ES256', 'gw-k1'))] })
  const foreign = await cli(['--jwks', otherKeys, '--inclusion', file('inclusion.json', inclusion)])
  t.equal(foreign.code, 1, 'another key set: exit 1')
  t.match(foreign.stderr, /checkpoint signature does not verify against the gateway's keys/)

  const noOld = await cli(['--jwks', jwks, '--consistency', file('consistency.json', consistency)])
  t.equal(noOld.code, 1)
  t.match(noOld.stderr, /--consistency needs --old-checkpoint \(the checkpoint you stored\)/, 'the served old checkpoint is not trusted by default')
  const wrongItem = await cli(['--jwks', jwks, '--inclusion', file('inclusion.json', inclusion), '--item', file('item0.json', entries[0])])
  t.equal(wrongItem.code, 1)
  t.match(wrongItem.stderr, /the item is another entry or version than the leaf/)
})
