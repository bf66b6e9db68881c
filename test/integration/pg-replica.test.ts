import { createHash, randomBytes } from 'node:crypto'
import { CompactSign, importJWK } from 'jose'
import t, { type Test } from 'tap'
import { createYrdPushAdapter } from '../../adapters/yrd-push/yrd-push-adapter.js'
import { loadBenchList, itemJs, LIST, OWNER } from '../../bench/recon-bench-list.js'
import { encodeRequestV2, RECONCILE_V2_MEDIA, RECONCILE_V2_SIGNATURE_HEADER, RECONCILE_V2_TYP } from '../../contracts/reconcile-v2.js'
import { DEFAULT_DELIVERY, type PlatformConfig } from '../../config/config-schema.js'
import { fingerprintText, type Fingerprint } from '../../src/reconcile/element-hash.js'
import { gatewayKeysFrom, generatePrivateJwk, publicPart } from '../../src/keys/signing-keys.js'
import { migrate } from '../../src/ledger/migrate.js'
import { createPool, inTransaction } from '../../src/ledger/pool.js'
import { LedgerList } from '../../src/reconcile/ledger-fingerprints.js'
import { foldDeltas } from '../../src/reconcile/ledger-fold.js'
import { runReconciliation } from '../../src/reconcile/reconcile-service.js'
import { startPgReplicaProcess } from '../../sim/pg-replica-client.js'
import { PgReplicaStore, type ReplicaChange } from '../../sim/pg-replica-store.js'
import type { HeldEntry } from '../../sim/replica-state.js'
import { memorySource } from '../../sim/yrd-reconcile-endpoint.js'
import { DATABASE_URL } from '../helpers/harness.js'

// Issue 17 item 1: the reference replica with its list in PostgreSQL, in a process of its own.

const ENTRIES = 3000

async function scratchStore (t: Test): Promise<{ store: PgReplicaStore, schema: string }> {
  const schema = `pgrep_${randomBytes(4).toString('hex')}`
  const pool = createPool(DATABASE_URL, schema, 2)
  await pool.query(`CREATE SCHEMA ${schema}`)
  t.teardown(async () => { await pool.query(`DROP SCHEMA ${schema} CASCADE`); await pool.end() })
  const store = new PgReplicaStore(pool)
  await store.createTables()
  return { store, schema }
}

const change = (i: number, over: Partial<ReplicaChange> = {}): ReplicaChange =>
  ({ owner: OWNER, entryId: `B-${i}`, listCode: LIST, version: 1, status: 'active', item: itemJs(i), ...over })

const BOGUS = fingerprintText({ n: 1, s1: 1n, s2: 2n } satisfies Fingerprint)

t.test('the store answers every range exactly as the in-memory replica does over the same entries', async (t) => {
  const { store } = await scratchStore(t)
  const held = new Map<string, HeldEntry>()
  const changes: ReplicaChange[] = []
  for (let i = 1; i <= ENTRIES; i++) {
    const suspended = i % 97 === 0
    const removed = i % 89 === 0
    changes.push(change(i, { status: removed ? 'removed' : suspended ? 'suspended' : 'active', version: removed ? 2 : 1 }))
    held.set(`${OWNER}:B-${i}`, { owner: OWNER, entryId: `B-${i}`, version: removed ? 2 : 1, removed, suspended, item: itemJs(i) })
  }
  // An entry of another list and another owner: neither is an element of this list.
  changes.push({ ...change(1), owner: 'JS' }, change(ENTRIES + 1, { listCode: 'other-list' }))
  held.set('JS:B-1', { owner: 'JS', entryId: 'B-1', version: 1, removed: false, item: itemJs(1) })
  held.set(`${OWNER}:B-${ENTRIES + 1}`, { owner: OWNER, entryId: `B-${ENTRIES + 1}`, version: 1, removed: false, item: { ...itemJs(ENTRIES + 1), listCode: 'other-list' } })
  t.equal(await store.applyEntries(changes), ENTRIES + 2, 'every change applied once')
  const memory = memorySource(held)

  const sorted = (a: Awaited<ReturnType<typeof store.answerQuery>>): unknown => ({
    match: [...a.match].sort(),
    children: a.children,
    elements: Object.fromEntries(Object.entries(a.elements)
      .map(([p, es]) => [p, [...es].sort((x, y) => x[0].localeCompare(y[0]))]))
  })
  const root = await store.answerQuery(OWNER, LIST, [['', BOGUS]], 32)
  const rootChildren = root.children['']
  t.equal(rootChildren?.length, 16, 'a large list that differs is split into 16 sub-ranges')
  // The replica's own fingerprint of range 3 matches; the rest are asked with a wrong one, at every depth.
  const own3 = rootChildren?.[3]?.[1] ?? ''
  const ranges: Array<[string, string]> = [['', BOGUS], ['3', own3], ['a', BOGUS], ['a3', BOGUS], ['a3f', BOGUS], ['a3f0', BOGUS],
    ['a3f01', BOGUS], ['7c', BOGUS], ['0123456789abcdef0123456789abcdef', BOGUS]]
  for (const max of [1, 4, 32, 5000]) {
    const fromStore = await store.answerQuery(OWNER, LIST, ranges, max)
    t.same(sorted(fromStore), sorted(await memory.query(OWNER, LIST, ranges, max)), `maxElements ${max}: same answer`)
    if (max === 32) t.same(fromStore.match, ['3'], 'the range asked with the replica\'s own fingerprint is a match')
  }
  t.same(await store.answerQuery('ZJ', LIST, [['', BOGUS]], 32), await memory.query('ZJ', LIST, [['', BOGUS]], 32), 'a list not held: no elements')

  // A change moves the fingerprints incrementally: suspending B-5 and lifting it again restores them.
  const before = await store.answerQuery(OWNER, LIST, [['', BOGUS]], 32)
  await store.applyEntries([change(5, { status: 'suspended' })])
  t.not(JSON.stringify(await store.answerQuery(OWNER, LIST, [['', BOGUS]], 32)), JSON.stringify(before), 'a suspension changes a sub-range')
  await store.applyEntries([change(5)])
  t.same(await store.answerQuery(OWNER, LIST, [['', BOGUS]], 32), before, 'lifting it restores every fingerprint')
})

t.test('export pages by key cursor: an entry held for the whole export is listed once while the list changes', async (t) => {
  const { store } = await scratchStore(t)
  await store.applyEntries(Array.from({ length: 200 }, (_, i) => change(i + 1)))
  const seen: string[] = []
  let after = ''
  let page = 0
  const gone = new Set<string>()
  do {
    const p = await store.exportPage(OWNER, LIST, after, 15)
    seen.push(...p.elements.map((e) => e[0]))
    after = p.next ?? ''
    page++
    // Between pages: remove two entries, add two new ones, edit one.
    await store.applyEntries([change(page * 2, { status: 'removed', version: 2 }), change(page * 2 + 1, { status: 'removed', version: 2 }),
      change(1000 + page), change(2000 + page),
      change(150, { version: 1 + page, item: { ...itemJs(150), version: 1 + page } })])
    gone.add(`B-${page * 2}`).add(`B-${page * 2 + 1}`)
  } while (after !== '' && page < 100)
  t.ok(page > 10, `several pages (${page})`)
  const stable = Array.from({ length: 200 }, (_, i) => `B-${i + 1}`).filter((e) => !gone.has(e))
  t.same(stable.filter((e) => seen.filter((s) => s === e).length !== 1), [], 'every entry held throughout listed exactly once')
  t.same(seen.filter((e, i) => seen.indexOf(e) !== i), [], 'no entry listed twice')
  await t.rejects(store.exportPage(OWNER, LIST, 'not-a-cursor', 15), /unknown export cursor/, 'a cursor it never gave is refused')
})

t.test('a replica process with its own store: in sync in one round trip, then exactly the seeded drift by range and by export', async (t) => {
  const ledgerSchema = `pgrep_gw_${randomBytes(4).toString('hex')}`
  await migrate(DATABASE_URL, ledgerSchema)
  const ledger = createPool(DATABASE_URL, ledgerSchema, 4)
  t.teardown(async () => { await ledger.query(`DROP SCHEMA ${ledgerSchema} CASCADE`); await ledger.end() })
  await loadBenchList(ledger, ENTRIES)
  await foldDeltas(ledger)
  // The export path reads the owner's list in key order, a batch at a time (here 7), never all at once.
  const read: string[] = []
  await inTransaction(ledger, async (client) => {
    await new LedgerList(client, OWNER, LIST).eachElement((e) => { read.push(e.keyHash) }, 7)
  })
  t.equal(read.length, ENTRIES, 'every element read once, in batches')
  t.ok(read.every((k, i) => i === 0 || (read[i - 1] ?? '') < k), 'in key-hash order, none twice')

  const { store, schema } = await scratchStore(t)
  await store.applyEntries(Array.from({ length: ENTRIES }, (_, i) => change(i + 1)))
  const gatewayJwk = await generatePrivateJwk('ES256', 'pg-replica-gw')
  const replica = await startPgReplicaProcess({ databaseUrl: DATABASE_URL, schema, platform: 'JS', gatewayJwks: { keys: [publicPart(gatewayJwk)] } })
  t.teardown(replica.close)
  const keys = await gatewayKeysFrom([gatewayJwk])
  const platform = { id: 'JS', name: 'JS', regionCode: '320000', adapter: 'yrd-push', endpoint: replica.endpoint, enabled: true, jwks: { keys: [] }, delivery: DEFAULT_DELIVERY } as unknown as PlatformConfig
  const adapter = createYrdPushAdapter({ platform, policy: DEFAULT_DELIVERY, sign: keys.sign, secrets: {} })
  t.teardown(async () => { await adapter.close() })
  const deps = { pool: ledger, adapters: new Map([['JS', adapter]]) }
  const scope = { owner: OWNER, listCode: LIST, platform: 'JS' }

  const clean = await runReconciliation(deps, scope, 'api', 'test')
  t.equal(clean.status, 'done')
  t.same(clean.findings, [], 'the replica holds the list exactly')
  t.equal(clean.stats.roundTrips, 1, 'one round trip when in sync')

  await store.applyEntries([
    change(10, { status: 'removed', version: 2 }), // missing at the replica
    change(20, { item: { ...itemJs(20), facts: 'edited at the replica' } }), // content differs
    change(30, { status: 'suspended' }), // suspended only at the replica
    { ...change(ENTRIES + 7), entryId: 'X-7', item: { ...itemJs(ENTRIES + 7), entryId: 'X-7' } } // unknown to the owner
  ])
  const expected = [
    { kind: 'content-mismatch', entryId: 'B-20' }, { kind: 'extra-unknown', entryId: 'X-7' },
    { kind: 'missing', entryId: 'B-10' }, { kind: 'suspension-mismatch', entryId: 'B-30' }
  ]
  for (const method of ['range', 'export'] as const) {
    const run = await runReconciliation(deps, scope, 'api', 'test', { method })
    t.equal(run.status, 'done', `${method}: run done`)
    t.same(run.findings.map((f) => ({ kind: f.kind, entryId: f.entryId })).sort((a, b) => a.kind.localeCompare(b.kind)), expected, `${method}: exactly the seeded drift`)
  }
  t.ok(await replica.maxRssBytes() > 0, 'the replica process reports its peak RSS')
  t.equal((await runReconciliation(deps, scope, 'api', 'test')).stats.protocol, 2, 'the process speaks version 2')

  // Version 2 requests the replica refuses: the signature covers the body through its digest.
  const url = replica.endpoint.replace(/deliveries$/, 'reconcile')
  const body = encodeRequestV2([{ type: 'tags', prefix: 'ab', tags: [1, 2] }])
  const signed = async (over: Record<string, unknown> = {}, typ = RECONCILE_V2_TYP): Promise<string> => {
    const iat = Math.floor(Date.now() / 1000)
    const claims = { iss: 'YRD', aud: 'JS', jti: randomBytes(8).toString('hex'), iat, exp: iat + 60, kind: 'reconcile.query', owner: OWNER, listCode: LIST, digest: createHash('sha256').update(body).digest('base64url'), ...over }
    return await new CompactSign(Buffer.from(JSON.stringify(claims))).setProtectedHeader({ alg: 'ES256', kid: gatewayJwk.kid, typ }).sign(await importJWK(gatewayJwk, 'ES256'))
  }
  const post = async (b: Buffer, signature?: string): Promise<{ status: number, text: string }> => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': RECONCILE_V2_MEDIA, ...(signature === undefined ? {} : { [RECONCILE_V2_SIGNATURE_HEADER]: signature }) }, body: b })
    return { status: res.status, text: await res.text() }
  }
  t.equal((await post(body, await signed())).status, 200, 'a signed request is answered')
  t.match(await post(Buffer.concat([body, Buffer.from([0])]), await signed()), { status: 401, text: /does not match the signed digest/ }, 'a body changed after signing')
  t.match(await post(body), { status: 401, text: /signature invalid/ }, 'no signature')
  t.match(await post(body, await signed({}, 'yrd-reconcile+jwt')), { status: 400, text: /not a version 2/ }, 'a version 1 signature')
  t.match(await post(body, await signed({ aud: 'ZJ' })), { status: 400, text: /not addressed/ }, 'addressed to another platform')
  const bad = Buffer.from([7, 0])
  t.match(await post(bad, await signed({ digest: createHash('sha256').update(bad).digest('base64url') })), { status: 400, text: /malformed request: unknown record type 7/ }, 'a malformed body, signed')
})
