import t from 'tap'
import { applyToReplica, newReplicaState } from '../../sim/replica-state.js'

// The gateway sends an objection ahead of anything else still undelivered about its entry
// (src/delivery/objection-order.ts), so a simulated platform can receive it before the entry itself.
const upsert = (jti: string, version = 1) => ({ jti, kind: 'list.upsert', origin: 'SH', items: [{ entryId: 'SH-1', version }] })
const open = (jti: string) => ({ jti, kind: 'objection.open', origin: 'ZJ', items: [{ owner: 'SH', entryId: 'SH-1' }] })
const resolve = (jti: string) => ({ jti, kind: 'objection.resolve', origin: 'SH', items: [{ entryId: 'SH-1' }] })

t.test('an objection received before its entry suspends the entry when it arrives', async (t) => {
  const state = newReplicaState()
  applyToReplica(state, open('o1'))
  t.equal(state.held.has('SH:SH-1'), false, 'nothing held yet')
  applyToReplica(state, upsert('u1'))
  t.equal(state.held.get('SH:SH-1')?.suspended, true, 'held suspended')
  applyToReplica(state, upsert('u2', 2))
  t.equal(state.held.get('SH:SH-1')?.suspended, true, 'a later version keeps the suspension')
  applyToReplica(state, resolve('r1'))
  t.equal(state.held.get('SH:SH-1')?.suspended, undefined, 'the resolution lifts it')
})

t.test('an objection opened and resolved before its entry leaves the entry unsuspended', async (t) => {
  const state = newReplicaState()
  applyToReplica(state, open('o1'))
  applyToReplica(state, resolve('r1'))
  applyToReplica(state, upsert('u1'))
  t.equal(state.held.get('SH:SH-1')?.suspended, undefined)
})

t.test('an objection on a held entry suspends it at once, as before', async (t) => {
  const state = newReplicaState()
  applyToReplica(state, upsert('u1'))
  applyToReplica(state, open('o1'))
  t.equal(state.held.get('SH:SH-1')?.suspended, true)
})
