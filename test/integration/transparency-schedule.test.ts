import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildApp } from '../../src/app.js'
import { startHarness, type Harness } from '../helpers/harness.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { verifyProof } from '../../src/transparency/verify-proof.js'
import type { InclusionProofV1 } from '../../contracts/transparency-v1.js'

async function until<T> (what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

const sizes = async (h: Harness): Promise<number[]> =>
  (await h.db.query<{ tree_size: string }>('SELECT tree_size FROM transparency_checkpoints ORDER BY id')).rows.map((r) => Number(r.tree_size))

t.test('two gateways on one ledger: changes are sequenced and a checkpoint signed for each growth, once', async (t) => {
  const settings = { transparencySequenceIntervalMs: 100, checkpointIntervalMs: 1000 }
  const h = await startHarness(t, { workers: true, settings })
  // A second gateway process on the same ledger, same keys, its own schedule.
  const second = await buildApp(
    { config: h.config, runtime: h.runtime, gatewayKeys: h.gatewayKeys, logger: false, workers: true }
  )
  await second.ready()
  t.teardown(async () => { await second.close() })

  const publish = async (items: unknown[]): Promise<void> => {
    const { jws } = await h.sign('AH', { kind: 'list.upsert', items })
    t.equal((await h.post(jws)).status, 202)
  }
  await publish(Array.from({ length: 4 }, (_, i) => sampleEntry('AH', '340000', i)))
  await until('the changes to be sequenced', async () => (await h.count('transparency_pending')) === 0 && (await h.count('transparency_leaves')) === 4 ? true : undefined)
  await until('a checkpoint of size 4', async () => ((await sizes(h)).includes(4) ? true : undefined))

  await publish([sampleEntry('AH', '340000', 9)])
  await until('a checkpoint of size 5', async () => ((await sizes(h)).includes(5) ? true : undefined))
  // Two more checkpoint periods without changes: nothing new is signed, by either gateway.
  await sleep(2 * settings.checkpointIntervalMs + 300)
  t.same(await sizes(h), [4, 5], 'one checkpoint per growth between the two gateways, none while unchanged')

  const res = await h.app.inject({
    url: '/v1/transparency/logs/AH/food-drug-serious-violation/inclusion?entryId=AH-black-9&version=1',
    headers: { authorization: `Bearer ${await h.platformToken('SH')}` }
  })
  const proof = res.json<InclusionProofV1>()
  const result = await verifyProof({ jwks: h.gatewayKeys.jwks, checkpoint: proof.checkpoint ?? '', inclusion: proof })
  t.ok(result.ok, `the scheduled checkpoint proves the newest change: ${result.message}`)
})
