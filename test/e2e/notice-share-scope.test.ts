import t from 'tap'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import type { PunishmentNoticeItemV1 } from '../../contracts/punishment-notice-item-v1.js'
import type { ReplicaState } from '../../sim/replica-state.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startSimulatedPlatform, type SimulatedPlatform } from '../../sim/platform-simulator.js'
import { startPullPlatform } from '../../sim/zj-pull-simulator.js'
import { FAST_POLICY, simulatedPush, startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { startHarness, urlOf, type Harness } from '../helpers/harness.js'
import { startShNativeSetup } from '../helpers/reconcile-native.js'
import { accept, notice, read } from '../helpers/coordination-items.js'

/** An organisation (with a responsible person's identity number) and a person, both SH's. */
function subjects (): { org: ListUpsertItemV1, person: ListUpsertItemV1, numbers: string[] } {
  const org = sampleEntry('SH', '310000', 1)
  const person = sampleEntry('SH', '310000', 2, { person: true })
  return { org, person, numbers: [person.subject.idNumber ?? '', org.subject.responsiblePersons?.[0]?.idNumber ?? ''] }
}

/** Everything a simulated platform received and holds, as text (to look for a number in). */
const everything = (s: ReplicaState): string => JSON.stringify([s.applied, [...s.held.values()]])
const noticesAt = (s: ReplicaState): PunishmentNoticeItemV1[] =>
  s.applied.filter((a) => a.kind === 'punishment.notice').map((a) => a.item as unknown as PunishmentNoticeItemV1)

async function receiptOf (h: Harness, jti: string, destination: string): Promise<{
  status: string, receipt: Record<string, unknown>
}> {
  const { rows } = await h.db.query('SELECT status, receipt FROM deliveries WHERE jti = $1 AND destination = $2', [jti, destination])
  return rows[0]
}

t.test('push: a platform not authorised for identity numbers gets notices without them, and is no implementer of a person\'s case', async (t) => {
  const { h, sim } = await startDeliverySetup(t, { platformOverrides: (p) => p.id === 'AH' ? { ...p, shareScopes: ['all-platforms'] } : p })
  const { org, person, numbers } = subjects()
  await accept(h, 'SH', 'list.upsert', [org, person])
  const both = await accept(h, 'SH', 'punishment.notice', [notice(org, 'C-org'), notice(person, 'C-person')])
  const alone = await accept(h, 'SH', 'punishment.notice', [notice(person, 'C-alone')])
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 9, 15_000), 'every delivery done')

  for (const n of numbers) t.notOk(everything(sim('AH')).includes(n), 'no identity number reached AH, in any message')
  const atAh = noticesAt(sim('AH'))
  t.same(atAh.map((n) => n.caseId), ['C-org'], 'the organisation\'s notice went; the person\'s were withheld whole')
  t.equal(atAh[0]?.subject.responsiblePersons?.[0]?.name, '李某', 'the rest of the subject went')
  t.equal(atAh[0]?.subject.responsiblePersons?.[0]?.idNumber, undefined)
  t.notOk(sim('AH').messagesApplied.includes(alone), 'a notice with nothing left for AH is not sent at all')

  const atJs = noticesAt(sim('JS'))
  t.same(atJs.map((n) => n.caseId).sort(), ['C-alone', 'C-org', 'C-person'], 'JS, authorised for both scopes, gets every notice')
  t.equal(atJs.find((n) => n.caseId === 'C-person')?.subject.idNumber, person.subject.idNumber, 'with the identity numbers')

  const partial = await receiptOf(h, both, 'AH')
  t.equal(partial.status, 'delivered')
  t.same(partial.receipt.withheld, ['C-person'], 'the withheld notice is in the delivery\'s evidence')
  t.same(partial.receipt.withheldFields, ['subject.responsiblePersons.idNumber'], 'and the field removed from the one that went')
  const whole = await receiptOf(h, alone, 'AH')
  t.same([whole.status, whole.receipt], ['delivered', { nothingSent: true, withheld: ['C-alone'] }])

  const platformsOf = async (caseId: string): Promise<string[]> =>
    (await read(h, `/v1/cases/SH/${caseId}`)).body.platforms.map((p: { platform: string }) => p.platform).sort()
  t.same(await platformsOf('C-person'), ['JS', 'ZJ'], 'AH, which may not learn who the person is, does not implement the case')
  t.same(await platformsOf('C-org'), ['AH', 'JS', 'ZJ'])
})

t.test('push, native: Shanghai (sh-rest), not authorised for identity numbers, gets its notice records without them', async (t) => {
  const { h, sh } = await startShNativeSetup(t, { shareScopes: ['all-platforms'] })
  const org = sampleEntry('JS', '320000', 1)
  const person = sampleEntry('JS', '320000', 2, { person: true })
  const numbers = [person.subject.idNumber ?? '', org.subject.responsiblePersons?.[0]?.idNumber ?? '']
  await accept(h, 'JS', 'list.upsert', [org, person])
  const both = await accept(h, 'JS', 'punishment.notice', [notice(org, 'C-org'), notice(person, 'C-person')])
  t.ok(await waitFor(async () => (await statusCounts(h, "destination = 'SH'")).delivered === 2, 15_000), 'both messages done for SH')
  t.notOk(numbers.some((n) => JSON.stringify([sh.others, [...sh.entries.values()]]).includes(n)), 'no identity number in any record SH received')
  const records = sh.others.map((o) => o.record as unknown as { recordType: string, caseNo?: string })
  t.same(records.filter((r) => r.recordType === 'jointPunishNotice').map((r) => r.caseNo), ['C-org'], 'the person\'s notice was withheld whole')
  t.same((await receiptOf(h, both, 'SH')).receipt.withheld, ['C-person'], 'and the delivery\'s evidence says so')
})

t.test('pull: ZJ, not authorised for identity numbers, reads notices without them on its feed', async (t) => {
  const zj = await startPullPlatform({ id: 'ZJ' })
  const push = new Map<string, SimulatedPlatform>()
  for (const id of ['SH', 'JS', 'AH']) push.set(id, await startSimulatedPlatform({ id }))
  t.teardown(
    async () => { await zj.close(); await Promise.all([...push.values()].map(async (s) => { await s.close() })) }
  )
  const h = await startHarness(t, {
    listen: true,
    workers: true,
    settings: { relayIntervalMs: 50, feedRedeliverMs: 300 },
    platformOverrides: (p) => {
      if (p.id === 'ZJ') return { ...p, adapter: 'zj-pull', jwks: zj.jwks, endpoint: `${zj.url}/unused`, delivery: FAST_POLICY, shareScopes: ['all-platforms'] }
      const s = push.get(p.id)
      return s === undefined ? p : simulatedPush(p, s)
    }
  })
  const jwksUrl = `${urlOf(h)}/.well-known/jwks.json`
  zj.trustGateway(jwksUrl)
  zj.useGateway(urlOf(h))
  for (const s of push.values()) s.trustGateway(jwksUrl)

  const { org, person, numbers } = subjects()
  const listed = await accept(h, 'SH', 'list.upsert', [org, person])
  const both = await accept(h, 'SH', 'punishment.notice', [notice(org, 'C-org'), notice(person, 'C-person')])
  const alone = await accept(h, 'SH', 'punishment.notice', [notice(person, 'C-alone')])
  const onFeed = async (): Promise<number> => Number((await h.db.query("SELECT count(*) AS n FROM deliveries WHERE destination = 'ZJ' AND enqueued_at IS NOT NULL")).rows[0]?.n)
  t.ok(await waitFor(async () => await onFeed() === 3), 'on the feed')
  let acked = 0
  for (let i = 0; i < 5 && acked < 2; i++) acked += await zj.pollOnce()
  t.equal(acked, 2, 'the entries and the notice that has something for ZJ are offered and acknowledged')
  t.same(await statusCounts(h, "destination = 'ZJ'"), { delivered: 3 })

  for (const n of numbers) t.notOk(everything(zj).includes(n), 'no identity number reached ZJ through its feed')
  t.same(noticesAt(zj).map((n) => n.caseId), ['C-org'])
  t.equal(noticesAt(zj)[0]?.subject.responsiblePersons?.[0]?.idNumber, undefined)
  t.same(zj.messagesApplied, [listed, both], 'the notice with nothing for ZJ was never offered')

  const partial = await receiptOf(h, both, 'ZJ')
  t.equal(partial.receipt.ack, true, 'the acknowledgement is the receipt')
  t.same(partial.receipt.withheld, ['C-person'], 'with what the offer kept back')
  t.same(partial.receipt.withheldFields, ['subject.responsiblePersons.idNumber'])
  const whole = await receiptOf(h, alone, 'ZJ')
  t.same([whole.status, whole.receipt], ['delivered', { nothingSent: true, withheld: ['C-alone'] }])
})
