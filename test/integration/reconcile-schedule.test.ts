import t from 'tap'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { LIST, publishOwnerList } from '../helpers/reconcile-drift.js'

t.test('every list is reconciled with every replica platform on a schedule', async (t) => {
  const { h } = await startDeliverySetup(t, { settings: { reconcileIntervalMs: 1000 } })
  await publishOwnerList(h, 'ZJ', '330000')
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 9), 'delivered')
  // Only runs started once everything was delivered: one started earlier rightly found what was
  // still on its way (a race that a slow machine, or one under libfaketime, loses).
  const since = (await h.db.query<{ now: Date }>('SELECT now()')).rows[0]?.now
  const scheduled = async (): Promise<Array<{
    owner: string, list_code: string, platform: string, status: string, counts: Record<string, number>
  }>> =>
    (await h.db.query("SELECT owner, list_code, platform, status, counts FROM reconciliation_runs WHERE trigger = 'schedule' AND started_at > $1 ORDER BY id", [since])).rows
  t.ok(await waitFor(async () => {
    const lists = new Set((await scheduled()).filter((r) => r.status !== 'running').map((r) => `${r.owner}/${r.list_code}/${r.platform}`))
    return ['SH', 'JS', 'AH'].every((p) => lists.has(`ZJ/${LIST}/${p}`) && lists.has(`ZJ/red-list/${p}`))
  }, 15_000), 'both of ZJ\'s lists reconciled with SH, JS and AH by the scheduler')
  const runs = (await scheduled()).filter((r) => r.status !== 'running')
  t.ok(runs.every((r) => r.status === 'done' && Object.keys(r.counts).length === 0), 'all in sync')
  t.notOk(runs.some((r) => r.platform === 'ZJ'), 'never the owner with itself')
})
