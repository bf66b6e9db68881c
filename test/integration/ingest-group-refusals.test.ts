import t from 'tap'
import { startHarness, type Harness } from '../helpers/harness.js'
import { commitGroups, installGroupProbe, postTogether, receiptClaims } from '../helpers/group-probe.js'
import { notice } from '../helpers/coordination-items.js'
import { sampleEntry } from '../../sim/sample-entries.js'

// One bad envelope in a group is refused alone, with the answer it gets committed alone; its
// neighbours commit. Groups close on their size (a window of a minute), so the test knows exactly
// which envelopes share a transaction.
const LONG_WINDOW = 60_000

type Answer = { status: number, body: Record<string, unknown> }

const sh1 = sampleEntry('SH', '310000', 1)
const js1 = sampleEntry('JS', '320000', 1)

/**
 * The same story on any gateway: two rounds of six setting the scene, then a round of six where
 * three are refused by the ledger (a version conflict) and by the workflow (a notice from a platform
 * not entitled to initiate, a case id used twice), and three are good. Returns the last round's answers.
 */
async function story (h: Harness): Promise<{ answers: Answer[], jtis: string[] }> {
  const round = async (envelopes: Array<[string, 'list.upsert' | 'punishment.notice', unknown[]]>): Promise<{ answers: Answer[], jtis: string[] }> => {
    const signed = await Promise.all(envelopes.map(async ([iss, kind, items]) => await h.sign(iss, { kind, items })))
    return { answers: await postTogether(h, signed.map((s) => s.jws)), jtis: signed.map((s) => s.jti) }
  }
  const filler = (iss: 'ZJ' | 'AH', n: number): [string, 'list.upsert', unknown[]] =>
    [iss, 'list.upsert', [sampleEntry(iss, iss === 'ZJ' ? '330000' : '340000', n)]]
  const first = await round([
    ['SH', 'list.upsert', [sh1]], ['JS', 'list.upsert', [js1]], filler('ZJ', 1), filler('AH', 1), filler('ZJ', 2), filler('AH', 2)
  ])
  const second = await round([
    ['JS', 'punishment.notice', [notice(js1, 'C1')]], filler('ZJ', 3), filler('AH', 3), filler('ZJ', 4), filler('AH', 4), filler('ZJ', 5)
  ])
  for (const a of [...first.answers, ...second.answers]) if (a.status !== 202) throw new Error(`setup refused: ${JSON.stringify(a.body)}`)
  return await round([
    ['SH', 'list.upsert', [sampleEntry('SH', '310000', 3)]],
    ['SH', 'list.upsert', [sh1]],
    ['ZJ', 'punishment.notice', [notice(js1, 'ZJ-C1')]],
    ['JS', 'list.upsert', [sampleEntry('JS', '320000', 3)]],
    ['JS', 'punishment.notice', [notice(js1, 'C1')]],
    ['AH', 'list.upsert', [sampleEntry('AH', '340000', 6)]]
  ])
}

t.test('a version conflict, an ownership refusal and a workflow rule refuse their envelope alone, with the answer it gets alone', async (t) => {
  // Today's behaviour: every envelope in a transaction of its own.
  const alone = await startHarness(t, { settings: { ingestGroupMaxEnvelopes: 1 } })
  const expected = await story(alone)
  t.same(expected.answers.map((a) => [a.status, a.body.code]),
    [[202, undefined], [409, 'VERSION_CONFLICT'], [403, 'NOT_OWNER'], [202, undefined], [409, 'CASE_EXISTS'], [202, undefined]])

  const h = await startHarness(t, { settings: { ingestGroupWindowMs: LONG_WINDOW, ingestGroupMaxEnvelopes: 6 } })
  await installGroupProbe(h)
  const got = await story(h)
  // Field for field but the request id, which is each request's own.
  const problem = (a: Answer | undefined): Answer | undefined =>
    a === undefined ? a : { status: a.status, body: { ...a.body, requestId: undefined } }
  for (const i of [1, 2, 4]) {
    t.same(problem(got.answers[i]), problem(expected.answers[i]),
      `refusal ${String(got.answers[i]?.body.code)}: the same problem, field for field`)
  }
  for (const i of [0, 3, 5]) {
    t.equal(got.answers[i]?.status, 202, 'its neighbour is accepted')
    t.equal((await receiptClaims(h, got.answers[i]?.body.receipt)).jti, got.jtis[i], 'with a valid receipt of its own')
  }
  t.equal(await h.count('envelopes'), 6 + 6 + 3, 'nothing of the refused three stored')
  const groups = await commitGroups(h)
  t.same(groups.find((g) => g.includes(got.jtis[0] ?? '')), [got.jtis[0], got.jtis[3], got.jtis[5]].sort(), 'the three good ones in one transaction')
  t.equal(await h.count('cases'), 1, 'no case opened by the refused notices')
  const versions = await h.db.query<{ version: number }>('SELECT version FROM entries WHERE owner = $1 AND entry_id = $2', ['SH', sh1.entryId])
  t.same(versions.rows, [{ version: 1 }])
})

t.test('a replay inside a group answers 200 with the first one\'s receipt; other bytes under its jti are JTI_CONFLICT', async (t) => {
  const h = await startHarness(t, { settings: { ingestGroupWindowMs: LONG_WINDOW, ingestGroupMaxEnvelopes: 4 } })
  await installGroupProbe(h)
  const x = await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 1)] })
  const xOther = await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 2)], jti: x.jti })
  const y = await h.sign('JS', { kind: 'list.upsert', items: [sampleEntry('JS', '320000', 1)] })
  const [a, b, c, d] = await postTogether(h, [x.jws, x.jws, xOther.jws, y.jws])
  const xs = [a, b, c]
  t.equal(xs.filter((r) => r?.status === 202).length, 1, 'one of the jti\'s three is accepted')
  const winner = xs.find((r) => r?.status === 202)
  const sameBytes = [a, b].find((r) => r !== winner)
  if (winner !== undefined && (winner === b || winner === a)) {
    t.same([sameBytes?.status, sameBytes?.body.receipt], [200, winner.body.receipt], 'the replay gets the original receipt')
    t.same([c?.status, c?.body.code], [409, 'JTI_CONFLICT'])
  } else {
    // The other bytes came first: both copies of x conflict with it.
    t.same([a?.body.code, b?.body.code], ['JTI_CONFLICT', 'JTI_CONFLICT'])
  }
  t.equal(d?.status, 202)
  t.equal(await h.count('envelopes'), 2)
  t.equal(await h.count('entry_history'), 2, 'nothing applied twice')
  t.equal(await h.count('deliveries'), 6)
  t.same((await commitGroups(h)).map((g) => g.length), [2], 'in one transaction')
  // The replay cache learnt the receipt only after the commit: a later resubmission answers from it.
  const later = await h.post(winner === c ? xOther.jws : x.jws)
  t.same([later.status, later.body.receipt], [200, winner?.body.receipt])
})

/** Envelopes whose jti is `poison` are refused by a deferred constraint: only at COMMIT. */
async function refuseAtCommit (h: Harness): Promise<void> {
  await h.db.query(`CREATE FUNCTION refuse_poison () RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.jti LIKE 'poison%' THEN RAISE EXCEPTION 'poison refused at commit' USING ERRCODE = '23514'; END IF; RETURN NULL; END $$`)
  await h.db.query(`CREATE CONSTRAINT TRIGGER refuse_poison AFTER INSERT ON envelopes
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_poison()`)
}

/** Envelopes whose jti is `kill` terminate the connection that writes them. */
async function killOnWrite (h: Harness): Promise<void> {
  await h.db.query(`CREATE FUNCTION kill_writer () RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.jti LIKE 'kill%' THEN PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5); END IF; RETURN NULL; END $$`)
  await h.db.query('CREATE TRIGGER kill_writer AFTER INSERT ON envelopes FOR EACH ROW EXECUTE FUNCTION kill_writer()')
}

for (const [name, sabotage, badJti] of [
  ['its COMMIT fails (a deferred constraint)', refuseAtCommit, 'poison-1'],
  ['its connection is terminated', killOnWrite, 'kill-1']
] as const) {
  t.test(`a group whose transaction fails as a whole (${name}) commits its envelopes one by one: no neighbour pays`, async (t) => {
    const h = await startHarness(t, { settings: { ingestGroupWindowMs: LONG_WINDOW, ingestGroupMaxEnvelopes: 3 } })
    await installGroupProbe(h)
    await sabotage(h)
    const good1 = await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 1)] })
    const bad = await h.sign('ZJ', { kind: 'list.upsert', items: [sampleEntry('ZJ', '330000', 1)], jti: badJti })
    const good2 = await h.sign('AH', { kind: 'list.upsert', items: [sampleEntry('AH', '340000', 1)] })
    const [a, b, c] = await postTogether(h, [good1.jws, bad.jws, good2.jws])
    t.same([a?.status, c?.status], [202, 202], 'the good ones are accepted')
    t.equal((await receiptClaims(h, a?.body.receipt)).jti, good1.jti)
    t.equal((await receiptClaims(h, c?.body.receipt)).jti, good2.jti)
    t.same([b?.status, b?.body.code], [500, 'INTERNAL'], 'the bad one fails as it does alone')
    t.same(await commitGroups(h), [[good1.jti], [good2.jti]].sort((x, y) => x.join().localeCompare(y.join())),
      'each good one in a transaction of its own')
    t.equal(await h.count('envelopes'), 2)
    t.equal(await h.count('deliveries'), 6)
    t.match((await h.app.inject({ url: '/metrics' })).body, /gw_ingest_group_fallbacks_total 1\b/, 'the fallback is counted')
    // The pool still works afterwards (a terminated connection was not handed out again).
    const next = await Promise.all([2, 3, 4].map(async (n) => await h.sign('JS', { kind: 'list.upsert', items: [sampleEntry('JS', '320000', n)] })))
    t.same((await postTogether(h, next.map((e) => e.jws))).map((r) => r.status), [202, 202, 202])
  })
}
