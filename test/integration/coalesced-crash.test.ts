import t from 'tap'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { killHard, startChildWorker } from '../helpers/child-worker.js'

t.test('a worker killed with SIGKILL in the middle of coalesced pushes: nothing lost, nothing applied twice', async (t) => {
  // Pushes of four messages, each message taking the platforms a while: the kill lands inside a push.
  const policy = { timeoutMs: 10_000, batchMaxMessages: 4 }
  const { h, sims } = await startDeliverySetup(t, { workers: false, policy })
  for (const s of sims.values()) s.failure = 'slow'
  const jtis: string[] = []
  for (let i = 1; i <= 20; i++) {
    const iss = i % 2 === 0 ? 'SH' : 'ZJ'
    const { jws, jti } = await h.sign(iss, { kind: 'list.upsert', items: [sampleEntry(iss, '310000', i)] })
    t.equal((await h.post(jws)).status, 202)
    jtis.push(jti)
  }
  let worker = await startChildWorker(h)
  t.teardown(async () => { await killHard(worker) })
  const applied = (): number => [...sims.values()].reduce((n, s) => n + s.messagesApplied.length, 0)
  const received = (): number => [...sims.values()].reduce((n, s) => n + s.received.length, 0)
  t.ok(await waitFor(async () => ((await statusCounts(h)).delivered ?? 0) >= 4, 30_000), 'some delivered before the crash')
  // From now on the platforms apply each push and hold its answer: the kill lands inside a push whatever
  // the machine's speed, with messages applied that the ledger does not count as delivered.
  let letAnswersGo = (): void => undefined
  const answersHeld = new Promise<void>((resolve) => { letAnswersGo = resolve })
  for (const s of sims.values()) s.answersHeld = answersHeld
  t.teardown(letAnswersGo)
  // A message received from now on is applied and its push's answer held: it cannot be counted delivered.
  const receivedAtHold = received()
  t.ok(await waitFor(() => received() > receivedAtHold, 30_000), 'a push under way')
  t.ok(applied() > ((await statusCounts(h)).delivered ?? 0), 'messages applied that the ledger does not count as delivered')
  await killHard(worker)
  letAnswersGo()
  const atCrash = await statusCounts(h)
  t.ok((atCrash.delivering ?? 0) > 0, `messages in flight at the crash (${JSON.stringify(atCrash)})`)
  t.ok([...sims.values()].some((s) => s.pushes.some((p) => p.messages > 1)), 'the pushes were coalesced')

  for (const s of sims.values()) s.failure = 'none'
  worker = await startChildWorker(h)
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 60, 60_000), 'every delivery completes after the restart')
  for (const s of sims.values()) {
    const expected = jtis.filter((j) => !j.startsWith(`${s.id}-`)).sort()
    t.same([...s.messagesApplied].sort(), expected, `${s.id} applied each message exactly once`)
  }
  t.ok(received() > 60, `platforms received ${received()} messages for 60 (the crash's resends, dropped as known ids)`)
})
