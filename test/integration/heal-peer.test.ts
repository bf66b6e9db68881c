import t from 'tap'
import { workflowDeps } from '../../src/coordination/workflow-deps.js'
import { removeOnBehalf } from '../../src/coordination/remove-on-behalf.js'
import { inTransaction } from '../../src/ledger/pool.js'
import { healPeer } from '../../src/reconcile/heal-peer.js'
import { sampleDay, sampleEntry } from '../../sim/sample-entries.js'
import { accept } from '../helpers/coordination-items.js'
import { startHarness } from '../helpers/harness.js'

// Issue 18 item 5: a heal against a peer gateway sends only what the publisher signed — the last
// upsert of each entry (and its removal, where the owner removed it) — and leaves for review what
// no publisher's envelope can mend: an entry the owner never published, a removal the gateway made.

t.test('a peer heal relays the publisher\'s own upserts and removals, and leaves the rest for review with the reason', async (t) => {
  const h = await startHarness(t)
  const kept = sampleEntry('ZJ', '330000', 1)
  const keptV1 = await accept(h, 'ZJ', 'list.upsert', [kept])
  const keptV2 = await accept(h, 'ZJ', 'list.upsert', [{ ...kept, version: 2 }])
  const removed = sampleEntry('ZJ', '330000', 2)
  const removedUpsert = await accept(h, 'ZJ', 'list.upsert', [removed])
  const removal = await accept(h, 'ZJ', 'list.remove', [{ entryId: removed.entryId, owner: 'ZJ', version: 2, reason: 'revoked', basis: '撤销认定决定', effectiveOn: sampleDay() }])
  const expired = sampleEntry('ZJ', '330000', 3)
  await accept(h, 'ZJ', 'list.upsert', [expired])
  await inTransaction(h.app.pg, async (client) => {
    await removeOnBehalf(client, workflowDeps(h.app), 'ZJ', [{ entryId: expired.entryId, owner: 'ZJ', version: 2, reason: 'expiry', basis: '有效期届满', effectiveOn: sampleDay() }], new Date())
  })
  const findings = [
    { kind: 'stale' as const, entry_id: kept.entryId },
    { kind: 'missing' as const, entry_id: removed.entryId },
    { kind: 'extra-unknown' as const, entry_id: 'ZJ-never-1' },
    { kind: 'missing' as const, entry_id: expired.entryId }
  ]
  const healed = await inTransaction(h.app.pg, async (client) => await healPeer(client, 'ZJ', 'CN', findings, new Date()))
  t.not(keptV1, keptV2)
  t.match(healed.relayed, [
    { iss: 'ZJ', jti: keptV2, kind: 'list.upsert', entryId: kept.entryId, action: 'queued' },
    { iss: 'ZJ', jti: removedUpsert, kind: 'list.upsert', entryId: removed.entryId, action: 'queued' },
    { iss: 'ZJ', jti: removal, kind: 'list.remove', entryId: removed.entryId, action: 'queued' }
  ], 'the last upsert of each, and ZJ\'s own removal after its upsert')
  t.equal(healed.relayed.length, 3, 'nothing of the entry the gateway removed: its upsert alone would revive it at the peer')
  t.match(healed.review, [
    { entryId: 'ZJ-never-1', reason: /ZJ never published it here/ },
    { entryId: expired.entryId, reason: /removed by YRD on ZJ's behalf/ }
  ], 'what no publisher\'s envelope can mend, with the reason')
  const queued = await h.db.query<{ jti: string }>("SELECT jti FROM deliveries WHERE destination = 'CN' ORDER BY id")
  t.same(queued.rows.map((r) => r.jti), [keptV2, removedUpsert, removal], 'queued to the peer in that order')
})
