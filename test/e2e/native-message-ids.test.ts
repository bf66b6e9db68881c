import t, { type Test } from 'tap'
import { urlOf, PROVINCES } from '../helpers/harness.js'
import { statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { startNativeGateway } from '../helpers/native-setup.js'
import { sampleEntry } from '../../sim/sample-entries.js'

// Issue 12 item 7, outbound: the native adapters sent the bare jti as the destination's message id
// (SH msgId, AH XXID, JS batchId) and those platforms drop a repeated id as a duplicate, so two
// issuers publishing under one jti lost the second message at every native destination, silently.

const NATIVE = ['SH', 'JS', 'AH']

async function everyIssuerUnder (t: Test, jti: string): Promise<void> {
  const { h, platforms } = await startNativeGateway(t)
  const published: Array<{ owner: string, entryId: string }> = []
  for (const [i, p] of platforms.entries()) {
    const region = PROVINCES.find((x) => x.id === p.id)?.region ?? '310000'
    const entry = sampleEntry(p.id, region, 70 + i)
    const res = await p.publish(urlOf(h), { kind: 'list.upsert', items: [entry], jti })
    t.equal(res.status, 202, `${p.id} publishes under the shared jti`)
    published.push({ owner: p.id, entryId: entry.entryId })
  }
  const nativeDeliveries = 'destination IN (\'SH\', \'JS\', \'AH\')'
  t.ok(await waitFor(async () => (await statusCounts(h, nativeDeliveries)).delivered === 9, 30_000), 'nine native deliveries, three per destination')
  t.same(await statusCounts(h, nativeDeliveries), { delivered: 9 }, 'none failed or was refused')
  for (const to of NATIVE) {
    const dest = platforms.find((p) => p.id === to)
    for (const e of published.filter((x) => x.owner !== to)) {
      t.not(dest?.held(e.owner, e.entryId), undefined, `${e.owner} → ${to}: held (not dropped as a duplicate)`)
    }
    // A simulator reports applied messages by jti only when the id has the readable form.
    if (jti.length < 100) t.equal(dest?.appliedCount(jti), 3, `${to} applied each of the three messages once`)
  }
}

t.test('four issuers publish under one jti: every native destination holds all three others\' entries', async (t) => {
  await everyIssuerUnder(t, `shared-${Date.now()}`)
})

t.test('the same with a 128-character jti: the native id stays within the protocols\' 128 characters', async (t) => {
  await everyIssuerUnder(t, `L${Date.now()}`.padEnd(128, '~'))
})
