import t from 'tap'
import { startHarness, type Harness } from '../helpers/harness.js'
import { sampleDay, sampleEntry } from '../../sim/sample-entries.js'
import { dropSuperseded, startAttempt } from '../../src/delivery/delivery-store.js'
import { classifyFindings } from '../../src/reconcile/classify-findings.js'
import { closeRun, openRun, readRun } from '../../src/reconcile/run-store.js'
import { verifyProof } from '../../src/transparency/verify-proof.js'
import { verifyAudit } from '../../src/audit/verify-audit.js'
import { storedPayload } from '../../src/privacy/shielded-envelope.js'
import type { InclusionProofV1 } from '../../contracts/transparency-v1.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import { accept as acceptFrom, courtEntry, objection, resolution } from '../helpers/coordination-items.js'

// Issue 13 item 12: 国办发〔2020〕49号 (十一) — once repaired, "终止共享公开相关失信信息，或者对相关失信信息
// 进行标注、屏蔽或删除". A repaired (or expired, or revoked) entry's personal fields are shielded at
// once and erased from the ledger after settings.personalDataRetentionDays.

const LIST = 'food-drug-serious-violation'
const LOG = `/v1/transparency/logs/SH/${LIST}`
const DAY = 86_400_000

type Person = ListUpsertItemV1 & { subject: { idNumber: string, name: string } }
type Organisation = ListUpsertItemV1 & {
  subject: {
    creditCode: string, name: string, responsiblePersons: Array<{ role: string, name: string, idNumber: string }>
  }
}

/** A person entry and an enterprise entry with a responsible person, with names found nowhere else. */
function entries (): { person: Person, org: Organisation, kept: Person } {
  const p = sampleEntry('SH', '310000', 1, { person: true }) as Person
  const person: Person = { ...p, subject: { ...p.subject, name: '王某甲' } }
  const o = sampleEntry('SH', '310000', 2) as Organisation
  const org: Organisation = { ...o, subject: { ...o.subject, responsiblePersons: [{ role: 'legal-representative', name: '赵某乙', idNumber: o.subject.responsiblePersons[0]?.idNumber as string }] } }
  const kept = sampleEntry('SH', '310000', 3, { person: true }) as Person
  return { person, org, kept }
}

async function accept (h: Harness, kind: 'list.upsert' | 'list.remove', items: unknown[]): Promise<string> {
  const { jws, jti } = await h.sign('SH', { kind, items })
  const res = await h.post(jws)
  if (res.status !== 202) throw new Error(`${kind} not accepted: ${JSON.stringify(res.body)}`)
  return jti
}

const repair = (e: ListUpsertItemV1): unknown => ({ entryId: e.entryId, owner: 'SH', version: 2, reason: 'repair', basis: '信用修复决定书 沪信修〔2026〕7号', effectiveOn: sampleDay() })

t.test('国办发〔2020〕49号 (十一): after a repair removal, no delivery, feed, subject view, check or reconciliation finding carries the personal fields', async (t) => {
  const h = await startHarness(t)
  const { person, org } = entries()
  const upsert = await accept(h, 'list.upsert', [person, org])
  // A reconciliation run that found ZJ missing the person's entry, stored before the repair.
  const run = await openRun(h.app.pg, { owner: 'SH', listCode: LIST, platform: 'ZJ' }, 'api', 'test')
  const found = await classifyFindings(h.app.pg, 'SH', LIST, 'ZJ', [{ entryId: person.entryId, own: { entryId: person.entryId, version: 1, status: 'active', contentHash: 'x' } }])
  t.equal(found[0]?.subject, `${person.subject.idNumber.slice(0, 4)}**********${person.subject.idNumber.slice(-4)}`, 'before the repair a finding names the person, masked')
  await closeRun(h.app.pg, run, { status: 'done', method: 'range', findings: found, stats: {} })

  await accept(h, 'list.remove', [repair(person), repair(org)])

  // The upsert still waits in the outbox for ZJ (a pull feed) and JS (a push): what either would be sent.
  const { rows } = await h.db.query<{ id: string, destination: string }>("SELECT id, destination FROM deliveries WHERE jti = $1 AND destination IN ('ZJ', 'JS') ORDER BY destination", [upsert])
  t.equal(rows.length, 2)
  for (const r of rows) {
    const started = await startAttempt(h.app.pg, h.app.messageItems, r.id)
    if (started === undefined) throw new Error('no attempt')
    const sent = await dropSuperseded(h.app.pg, started.delivery)
    const text = JSON.stringify(sent.items)
    for (const clear of [person.subject.idNumber, person.subject.name, org.subject.responsiblePersons[0]?.idNumber as string, '赵某乙']) {
      t.notOk(text.includes(clear), `the pending upsert to ${r.destination} no longer carries ${clear === person.subject.name || clear === '赵某乙' ? 'a name' : 'an identity number'}`)
    }
    t.same(sent.items, [], `nothing of the repaired entries goes to ${r.destination}: their removal follows`)
  }

  const asker = await h.platformToken('AH')
  const view = await h.app.inject({ url: `/v1/subjects/${person.subject.idNumber}/entries`, headers: { authorization: `Bearer ${asker}`, 'x-query-purpose': 'licence 9' } })
  t.equal(view.statusCode, 200)
  t.same(view.json().entries, [], 'the subject view shows no repaired entry')
  t.notOk(view.body.includes(person.subject.name), 'nor the name')
  const check = await h.app.inject({ method: 'POST', url: '/v1/checks', headers: { authorization: `Bearer ${asker}` }, payload: { subject: person.subject.idNumber, purpose: 'licence 9', decisionType: 'public-procurement' } })
  t.equal(check.statusCode, 200)
  t.same(check.json().entries, [], 'the check answers no repaired entry')
  t.notOk(check.body.includes(person.subject.name), 'nor the name')

  const stored = await readRun(h.app.pg, run)
  t.equal(stored?.findings[0]?.entryId, person.entryId)
  t.equal(stored?.findings[0]?.subject, null, 'the stored finding (and its CSV) no longer shows the masked number')
  const again = await classifyFindings(h.app.pg, 'SH', LIST, 'ZJ', [{ entryId: person.entryId, replica: { entryId: person.entryId, version: 1, status: 'active', contentHash: 'x' } }])
  t.equal(again[0]?.kind, 'extra-removed')
  t.equal(again[0]?.subject, null, 'a new finding about the repaired entry names no person')
})

/** Every row of every table of the test's schema, as text, that contains `clear`. */
async function tablesHolding (h: Harness, clear: string): Promise<string[]> {
  const { rows: tables } = await h.db.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")
  const found: string[] = []
  for (const { name } of tables) {
    const { rows } = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name}" x WHERE strpos(x::text, $1) > 0`, [clear])
    if ((rows[0]?.n ?? 0) > 0) found.push(name)
  }
  // Envelopes as received hold their payload base64url-encoded: decode each.
  const { rows: envs } = await h.db.query<{ jti: string, jws: string }>('SELECT jti, jws FROM envelopes')
  for (const e of envs) if (JSON.stringify(storedPayload(e.jws)).includes(clear)) found.push(`envelopes.jws ${e.jti}`)
  return found
}

t.test('国办发〔2020〕49号 (十一): after the retention the clear personal fields are gone from the tables, the proof still verifies and the audit chain holds', async (t) => {
  const h = await startHarness(t, { settings: { personalDataRetentionDays: 30 } })
  const { person, org, kept } = entries()
  const upsert = await accept(h, 'list.upsert', [person, org, kept])
  await accept(h, 'list.remove', [repair(person), repair(org)])
  const admin = await h.adminToken('admin')
  t.equal((await h.app.inject({ method: 'POST', url: `${LOG}/checkpoints`, headers: { authorization: `Bearer ${admin}` } })).statusCode, 201)
  const jwks = (await h.app.inject({ url: '/.well-known/jwks.json' })).json()
  const proofOf = async (): Promise<InclusionProofV1> =>
    (await h.app.inject({ url: `${LOG}/inclusion?entryId=${person.entryId}&version=1`, headers: { authorization: `Bearer ${await h.platformToken('SH')}` } })).json()
  const before = await proofOf()
  t.type(before.salt, 'string', 'the owner gets the salt before the erasure')
  t.ok((await verifyProof({ jwks, checkpoint: before.checkpoint as string, inclusion: before, item: person })).ok, 'the owner verifies its item before the erasure')

  const personal = [person.subject.idNumber, person.subject.name, org.subject.responsiblePersons[0]?.idNumber as string, '赵某乙']
  const { rows: removed } = await h.db.query<{ at: Date }>('SELECT updated_at AS at FROM entries WHERE entry_id = $1', [person.entryId])
  const removedAt = (removed[0]?.at as Date).getTime()

  t.equal((await h.app.coordination.runNow(new Date(removedAt + 29 * DAY))).erased, 0, 'nothing is erased within the retention')
  t.ok((await tablesHolding(h, person.subject.idNumber)).includes('entries'), 'the clear fields are kept (shielded) until then')

  t.equal((await h.app.coordination.runNow(new Date(removedAt + 31 * DAY))).erased, 2, 'both repaired entries are erased after it')
  for (const clear of personal) t.same(await tablesHolding(h, clear), [], 'no table holds a personal field in clear')

  // What is kept: the organisation's name and credit code, the roles, a keyed digest of the person's number.
  const { rows: now } = await h.db.query<{ entry_id: string, subject_id: string, data: Organisation }>('SELECT entry_id, subject_id, data FROM entries ORDER BY entry_id')
  const [p, o, k] = now
  t.match(p?.subject_id, /^[A-Za-z0-9_-]{1,32}:[0-9a-f]{64}$/, 'the person\'s subject_id is a keyed digest')
  t.same(p?.data.subject, { type: 'person', personalDataErasedAt: new Date(removedAt + 31 * DAY).toISOString() })
  t.equal(o?.data.subject.name, org.subject.name, 'an organisation\'s name is not personal data')
  t.equal(o?.subject_id, org.subject.creditCode, 'nor its credit code')
  t.same(o?.data.subject.responsiblePersons, [{ role: 'legal-representative' }], 'a responsible person keeps the role only')
  t.equal(k?.subject_id, kept.subject.idNumber, 'an entry still listed is untouched')
  const items = await h.app.messageItems.of(h.app.pg, 'SH', upsert) as Person[]
  t.equal(items[2]?.subject.idNumber, kept.subject.idNumber, 'the shielded envelope still delivers the entry still listed')
  t.equal(items.length, 3)
  const { rows: env } = await h.db.query<{ jws: string, digest: string }>('SELECT jws, digest FROM envelopes WHERE jti = $1', [upsert])
  t.match(JSON.parse(env[0]?.jws as string), { shielded: { protected: String, signature: String, payloadSha256: String } }, 'the envelope keeps its signature and payload digest')

  // The transparency log: the same leaf, still included; no salt any more.
  const after = await proofOf()
  t.same(after.leaf, before.leaf, 'the leaf is rebuilt as it was logged')
  t.equal(after.leafHash, before.leafHash)
  t.notOk('salt' in after, 'the salt is no longer handed out')
  const ok = await verifyProof({ jwks, checkpoint: after.checkpoint as string, inclusion: after })
  t.ok(ok.ok, `verify-proof: ${ok.message}`)
  t.ok((await verifyProof({ jwks, checkpoint: after.checkpoint as string, inclusion: { ...after, salt: before.salt }, item: person })).ok, 'the owner\'s own copy (with the salt it had) still matches the leaf')
  t.equal((await h.app.inject({ method: 'POST', url: `${LOG}/checkpoints`, headers: { authorization: `Bearer ${admin}` } })).statusCode, 201, 'the log goes on')

  // The audit chain: the erasure is recorded in it, and it verifies.
  for (const chain of await verifyAudit(h.db)) t.ok(chain.ok, `${chain.table} chain verifies`)
  const { rows: actions } = await h.db.query<{ detail: { entries: string[] } }>("SELECT detail FROM admin_actions WHERE action = 'personal-data.erase'")
  t.same(actions.map((a) => a.detail.entries), [[`SH:${person.entryId}`, `SH:${org.entryId}`]], 'one recorded erasure naming the entries, not the persons')
  t.equal((await h.app.coordination.runNow(new Date(removedAt + 60 * DAY))).erased, 0, 'erased once')
})

t.test('国办发〔2020〕49号 (十一): an entry removed at the end of its period is shielded and erased the same way', async (t) => {
  const h = await startHarness(t)
  const { person } = entries()
  const upsert = await accept(h, 'list.upsert', [person])
  const ended = new Date(`${person.validUntil as string}T16:00:00.000Z`) // 00:00 CST the day after validUntil
  t.match(await h.app.coordination.runNow(ended), { expired: 1, erased: 0 }, 'expired by the sweep, not erased yet')
  const { rows } = await h.db.query<{ id: string }>("SELECT id FROM deliveries WHERE jti = $1 AND destination = 'JS'", [upsert])
  const started = await startAttempt(h.app.pg, h.app.messageItems, rows[0]?.id as string)
  t.same((await dropSuperseded(h.app.pg, started?.delivery as NonNullable<typeof started>['delivery'])).items, [], 'a pending upsert of the expired entry is no longer sent')
  t.equal((await h.app.coordination.runNow(new Date(ended.getTime() + 31 * DAY))).erased, 1, 'erased after the retention')
  for (const clear of [person.subject.idNumber, person.subject.name]) t.same(await tablesHolding(h, clear), [], 'no table holds a personal field in clear')
  for (const chain of await verifyAudit(h.db)) t.ok(chain.ok, `${chain.table} chain verifies`)
})

t.test('国办发〔2020〕49号 (十一): an entry revoked as wrongful after an objection is erased the same way, and stays marked wrongful', async (t) => {
  const h = await startHarness(t)
  const { person } = entries()
  await accept(h, 'list.upsert', [person])
  await acceptFrom(h, 'ZJ', 'objection.open', [objection(person, 'O1')])
  await acceptFrom(h, 'SH', 'objection.resolve', [resolution(person, 'O1', 'revoked')])
  const { rows } = await h.db.query<{ at: Date, reason: string }>("SELECT updated_at AS at, removal->>'reason' AS reason FROM entries WHERE entry_id = $1", [person.entryId])
  t.equal(rows[0]?.reason, 'revoked')
  t.equal((await h.app.coordination.runNow(new Date((rows[0]?.at as Date).getTime() + 31 * DAY))).erased, 1, 'erased after the retention')
  for (const clear of [person.subject.idNumber, person.subject.name]) t.same(await tablesHolding(h, clear), [], 'no table holds a personal field in clear')
  const { rows: marked } = await h.db.query<{ wrongful: boolean }>('SELECT wrongful FROM entries WHERE entry_id = $1', [person.entryId])
  t.equal(marked[0]?.wrongful, true, 'the entry stays marked wrongful, for the remedies')
})

t.test('国办发〔2020〕49号 (十一), 法发〔2020〕25号 (20): a 失信被执行人 removed as fulfilled or court-deleted is shielded at once and erased the same way', async (t) => {
  const h = await startHarness(t)
  const person = (n: number, name: string): Person => {
    const p = sampleEntry('SH', '310000', n, { person: true }) as Person
    return { ...courtEntry('SH', '310000', n), subject: { ...p.subject, name } } as Person
  }
  const performed = person(11, '钱某丙')
  const deleted = person(12, '孙某丁')
  await accept(h, 'list.upsert', [performed, deleted])
  await accept(h, 'list.remove', [
    { entryId: performed.entryId, owner: 'SH', version: 2, reason: 'fulfilled', basis: '被执行人已履行生效法律文书确定的义务', effectiveOn: '2026-11-23' },
    { entryId: deleted.entryId, owner: 'SH', version: 2, reason: 'court-deleted', basis: '人民法院依法删除失信信息', effectiveOn: '2026-11-23' }
  ])

  const asker = await h.platformToken('AH')
  for (const e of [performed, deleted]) {
    const view = await h.app.inject({ url: `/v1/subjects/${e.subject.idNumber}/entries`, headers: { authorization: `Bearer ${asker}`, 'x-query-purpose': 'licence 9' } })
    t.same(view.json().entries, [], 'the subject view shows no court entry removed so')
    t.notOk(view.body.includes(e.subject.name), 'nor the name')
    const check = await h.app.inject({ method: 'POST', url: '/v1/checks', headers: { authorization: `Bearer ${asker}` }, payload: { subject: e.subject.idNumber, purpose: 'licence 9', decisionType: 'public-procurement' } })
    t.same(check.json().entries, [], 'the check answers none')
  }

  const { rows } = await h.db.query<{ at: Date }>('SELECT max(updated_at) AS at FROM entries')
  const removedAt = (rows[0]?.at as Date).getTime()
  t.equal((await h.app.coordination.runNow(new Date(removedAt + 29 * DAY))).erased, 0, 'kept (shielded) within the retention')
  t.equal((await h.app.coordination.runNow(new Date(removedAt + 31 * DAY))).erased, 2, 'both erased after it')
  const personal = [performed.subject.idNumber, performed.subject.name, deleted.subject.idNumber, deleted.subject.name]
  for (const clear of personal) {
    t.same(await tablesHolding(h, clear), [], 'no table holds a personal field in clear')
  }
  for (const chain of await verifyAudit(h.db)) t.ok(chain.ok, `${chain.table} chain verifies`)
})
