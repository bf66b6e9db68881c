import t from 'tap'
import { startHarness } from '../helpers/harness.js'
import { commitGroups, installGroupProbe, postTogether, receiptClaims } from '../helpers/group-probe.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { digestOf } from '../../src/envelopes/parse-jws.js'

// Group commit at ingest (issue 15 item 1): which envelopes share a transaction is read from the
// ledger itself (group-probe.ts), never from timing. A window of a minute makes a group close on
// its size alone, so what is asserted does not depend on how fast this machine is.
const LONG_WINDOW = 60_000
const PROVINCE_REGIONS: Array<[string, string]> = [['SH', '310000'], ['JS', '320000'], ['ZJ', '330000'], ['AH', '340000']]

/** `count` envelopes of one new entry each, round-robin over the provinces. */
async function newEntries (
  h: Awaited<ReturnType<typeof startHarness>>, count: number, from = 1
): Promise<Array<{ jws: string, jti: string }>> {
  return await Promise.all(Array.from({ length: count }, async (_v, i) => {
    const [iss, region] = PROVINCE_REGIONS[i % PROVINCE_REGIONS.length] as [string, string]
    return await h.sign(iss, { kind: 'list.upsert', items: [sampleEntry(iss, region, from + i)] })
  }))
}

t.test('concurrent envelopes are committed in one transaction, each with its own valid receipt', async (t) => {
  const h = await startHarness(t, { settings: { ingestGroupWindowMs: LONG_WINDOW, ingestGroupMaxEnvelopes: 5 } })
  await installGroupProbe(h)
  const envelopes = await newEntries(h, 5)
  const answers = await postTogether(h, envelopes.map((e) => e.jws))
  t.same(answers.map((a) => a.status), [202, 202, 202, 202, 202])
  for (const [i, a] of answers.entries()) {
    const claims = await receiptClaims(h, a.body.receipt)
    t.equal(claims.jti, envelopes[i]?.jti, 'the receipt names its own envelope')
    t.equal(claims.digest, digestOf(Buffer.from(envelopes[i]?.jws ?? '')), 'and its own bytes')
  }
  t.same(await commitGroups(h), [envelopes.map((e) => e.jti).sort()], 'one transaction committed all five')
  t.equal(await h.count('entries'), 5)
  t.equal(await h.count('deliveries'), 15, 'three outbox rows each')
  const receipts = await h.db.query<{ jti: string, receipt: string }>('SELECT jti, receipt FROM envelopes')
  for (const r of receipts.rows) {
    t.equal(answers[envelopes.findIndex((e) => e.jti === r.jti)]?.body.receipt, r.receipt, 'the ledger keeps the receipt handed out')
  }
  const metrics = (await h.app.inject({ url: '/metrics' })).body
  t.match(metrics, /gw_ingest_group_envelopes_count 1\b/, 'one group observed')
  t.match(metrics, /gw_ingest_group_fallbacks_total 0\b/, 'that did not fall back')
})

t.test('ingestGroupMaxEnvelopes closes a group at its size', async (t) => {
  const h = await startHarness(t, { settings: { ingestGroupWindowMs: LONG_WINDOW, ingestGroupMaxEnvelopes: 3 } })
  await installGroupProbe(h)
  const envelopes = await newEntries(h, 6)
  const answers = await postTogether(h, envelopes.map((e) => e.jws))
  t.same(answers.map((a) => a.status), [202, 202, 202, 202, 202, 202])
  const groups = await commitGroups(h)
  t.same(groups.map((g) => g.length), [3, 3], 'two transactions of three')
  t.same(groups.flat().sort(), envelopes.map((e) => e.jti).sort())
})

t.test('a window of 0 or a size of 1 commits every envelope alone, as before group commit', async (t) => {
  const alone = [
    { ingestGroupWindowMs: 0, ingestGroupMaxEnvelopes: 32 },
    { ingestGroupWindowMs: LONG_WINDOW, ingestGroupMaxEnvelopes: 1 }
  ]
  for (const settings of alone) {
    const h = await startHarness(t, { settings })
    await installGroupProbe(h)
    const envelopes = await newEntries(h, 4)
    const answers = await postTogether(h, envelopes.map((e) => e.jws))
    t.same(answers.map((a) => a.status), [202, 202, 202, 202], JSON.stringify(settings))
    t.same((await commitGroups(h)).map((g) => g.length), [1, 1, 1, 1], 'four transactions (and no minute-long wait)')
  }
})

t.test('the window closes a group that never fills', async (t) => {
  const h = await startHarness(t, { settings: { ingestGroupWindowMs: 20, ingestGroupMaxEnvelopes: 64 } })
  await installGroupProbe(h)
  const [one] = await newEntries(h, 1)
  t.equal((await h.post(one?.jws ?? '')).status, 202)
  t.same(await commitGroups(h), [[one?.jti]])
})

t.test('closing the app commits the group still waiting, then hands out its receipts', async (t) => {
  const h = await startHarness(t, { settings: { ingestGroupWindowMs: 600_000, ingestGroupMaxEnvelopes: 10 } })
  await installGroupProbe(h)
  const envelopes = await newEntries(h, 3)
  const answers = postTogether(h, envelopes.map((e) => e.jws))
  const started = Date.now()
  while (h.app.groupCommit.pending < 3) {
    if (Date.now() - started > 20_000) throw new Error(`only ${h.app.groupCommit.pending} envelopes reached the group`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  t.equal(await h.count('envelopes'), 0, 'nothing committed while the group waits')
  await h.app.close()
  t.same((await answers).map((a) => a.status), [202, 202, 202])
  t.same(await commitGroups(h), [envelopes.map((e) => e.jti).sort()], 'committed together at shutdown')
})
