import t from 'tap'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { LIST, publishOwnerList, seedDrift } from '../helpers/reconcile-drift.js'
import { sampleIdNumber } from '../../sim/sample-entries.js'

t.test('runs on demand, reports in JSON and CSV, heal approved by an admin, and a second run finds nothing', async (t) => {
  const { h, sim } = await startDeliverySetup(t)
  await publishOwnerList(h, 'SH', '310000')
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 9), 'delivered')
  const seeded = seedDrift(sim('JS').held, 'SH', '310000')
  const auth = async (who: 'admin' | 'operator' | 'auditor' | 'SH'): Promise<Record<string, string>> =>
    ({ authorization: `Bearer ${who === 'SH' ? await h.platformToken('SH') : await h.adminToken(who)}` })
  const body = { owner: 'SH', listCode: LIST }

  for (const who of ['auditor', 'SH'] as const) {
    const res = await h.app.inject({ method: 'POST', url: '/v1/reconciliation/runs', headers: await auth(who), payload: body })
    t.equal(res.statusCode, 403, `${who} may not start a run`)
    t.equal(res.json().code, 'FORBIDDEN')
  }
  const started = await h.app.inject({ method: 'POST', url: '/v1/reconciliation/runs', headers: await auth('operator'), payload: body })
  t.equal(started.statusCode, 201)
  const runs = started.json().runs as Array<{
    id: string, platform: string, status: string, counts: Record<string, number>, method: string
  }>
  t.same(runs.map((r) => r.platform).sort(), ['AH', 'JS', 'ZJ'], 'one run per replica platform')
  const js = runs.find((r) => r.platform === 'JS')
  if (js === undefined) throw new Error('no JS run')
  t.same(js.counts, Object.fromEntries(seeded.map((s) => [s.kind, 1])), 'JS: one finding of each kind')
  t.ok(runs.filter((r) => r.platform !== 'JS').every((r) => r.status === 'done' && Object.keys(r.counts).length === 0), 'ZJ and AH match')

  const bad = await h.app.inject({ method: 'POST', url: '/v1/reconciliation/runs', headers: await auth('operator'), payload: { ...body, platform: 'SH' } })
  t.equal(bad.statusCode, 400, 'the owner is not its own replica')

  const listed = await h.app.inject({ url: '/v1/reconciliation/runs?platform=JS', headers: await auth('auditor') })
  t.equal(listed.statusCode, 200)
  t.equal(listed.json().runs[0].id, js.id, 'the auditor reads the runs')
  t.equal((await h.app.inject({ url: '/v1/reconciliation/runs', headers: await auth('SH') })).statusCode, 403, 'platforms do not')

  const detail = await h.app.inject({ url: `/v1/reconciliation/runs/${js.id}`, headers: await auth('operator') })
  t.equal(detail.statusCode, 200)
  const findings = detail.json().findings as Array<{ kind: string, entryId: string, subject: string | null }>
  t.same(findings.map((f) => ({ kind: f.kind, entryId: f.entryId })), seeded, 'the stored findings, most harmful first')
  const personId = sampleIdNumber('310000', 13)
  t.notOk(detail.body.includes(personId), 'no identity number in clear in the JSON')
  t.match(findings.find((f) => f.entryId === 'SH-black-13')?.subject, /^3100\*{10}/, 'masked instead')

  const csv = await h.app.inject({ url: `/v1/reconciliation/runs/${js.id}?format=csv`, headers: await auth('auditor') })
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], /^text\/csv/)
  const lines = csv.body.replace(/^\ufeff/, '').trim().split('\n')
  t.equal(lines[0], 'run,owner,listCode,platform,kind,entryId,ownerVersion,ownerStatus,replicaVersion,replicaStatus,cause,subject,detail')
  t.equal(lines.length, 7, 'a header and six findings')
  t.match(lines[1], /^\d+,SH,food-drug-serious-violation,JS,extra-removed,SH-black-21,2,removed,1,active,delivered-then-lost,/)
  t.notOk(csv.body.includes(personId), 'no identity number in clear in the CSV')
  const viaAccept = await h.app.inject({ url: `/v1/reconciliation/runs/${js.id}`, headers: { ...(await auth('auditor')), accept: 'text/csv' } })
  t.equal(viaAccept.body, csv.body, 'Accept: text/csv gives the same export')
  t.equal((await h.app.inject({ url: '/v1/reconciliation/runs/999999', headers: await auth('auditor') })).json().code, 'NOT_FOUND')

  for (const who of ['operator', 'auditor'] as const) {
    const res = await h.app.inject({ method: 'POST', url: `/v1/reconciliation/runs/${js.id}/heal`, headers: await auth(who) })
    t.equal(res.statusCode, 403, `${who} may not heal`)
  }
  const healed = await h.app.inject({ method: 'POST', url: `/v1/reconciliation/runs/${js.id}/heal`, headers: await auth('admin') })
  t.equal(healed.statusCode, 202)
  const heal = healed.json() as { jtis: string[], items: Record<string, number>, review: Array<{ entryId: string }> }
  t.same(heal.items, { 'list.remove': 2, 'list.upsert': 3 }, 'removals for the extras, the owner\'s entry for missing, stale and edited')
  t.same(heal.review.map((r) => r.entryId), ['SH-black-13'], 'the suspension no objection set is left for review, not lifted by an invented objection')
  const action = await h.db.query("SELECT principal, target, detail FROM admin_actions WHERE action = 'reconciliation.heal'")
  t.equal(action.rows.length, 1, 'the approval is recorded')
  t.equal(action.rows[0].target, js.id)
  t.ok(await waitFor(async () => {
    const { rows } = await h.db.query<{ n: number }>("SELECT count(*)::int AS n FROM deliveries WHERE jti = ANY($1) AND destination = 'JS' AND status = 'delivered'", [heal.jtis])
    return rows[0]?.n === heal.jtis.length
  }), 'the heal messages were delivered to JS as ordinary tracked deliveries')
  const status = await h.app.inject({ url: `/v1/messages/${heal.jtis[0] ?? ''}`, headers: await auth('operator') })
  t.equal(status.json().destinations[0].platform, 'JS', 'tracked at GET /v1/messages/{jti}, to the replica only')
  const again = await h.app.inject({ method: 'POST', url: `/v1/reconciliation/runs/${js.id}/heal`, headers: await auth('admin') })
  t.equal(again.statusCode, 409)
  t.equal(again.json().code, 'RUN_NOT_HEALABLE', 'a run is healed once')

  const after = await h.app.inject({ method: 'POST', url: '/v1/reconciliation/runs', headers: await auth('operator'), payload: { ...body, platform: 'JS' } })
  t.same(after.json().runs[0].counts, { 'suspension-mismatch': 1 }, 'after heal and delivery, a second run finds only what was left for review')
  t.notOk(sim('JS').held.get('SH:SH-black-21')?.removed !== true, 'the repaired entry is gone from JS again')
  // A person reviews it and has JS drop the suspension at its own end; then the replica is clean.
  const spurious = sim('JS').held.get('SH:SH-black-13')
  if (spurious === undefined) throw new Error('JS holds SH-black-13')
  const { suspended: _, ...reviewed } = spurious
  sim('JS').held.set('SH:SH-black-13', reviewed)
  const clean = await h.app.inject({ method: 'POST', url: '/v1/reconciliation/runs', headers: await auth('operator'), payload: { ...body, platform: 'JS' } })
  t.same(clean.json().runs[0].counts, {}, 'after review, a run finds nothing')
  const nothing = await h.app.inject({ method: 'POST', url: `/v1/reconciliation/runs/${clean.json().runs[0].id as string}/heal`, headers: await auth('admin') })
  t.equal(nothing.json().code, 'RUN_NOT_HEALABLE', 'nothing to heal in a clean run')

  const doc = (await h.app.inject({ url: '/docs/json' })).json() as { paths: Record<string, unknown>, components: { schemas: Record<string, unknown> } }
  for (const path of ['/v1/reconciliation/runs', '/v1/reconciliation/runs/{id}', '/v1/reconciliation/runs/{id}/heal']) t.ok(doc.paths[path], `OpenAPI documents ${path}`)
  t.ok(doc.components.schemas.ReconcileQueryV1 !== undefined && doc.components.schemas.ReconcileAnswerV1 !== undefined, 'and the platform side of the protocol')
})
