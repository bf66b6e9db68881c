import t from 'tap'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { LIST, publishOwnerList } from '../helpers/reconcile-drift.js'
import { RECONCILE_QUEUE, SCHEDULER_ID, writeReconcileScheduler, type ReconcileJob } from '../../src/reconcile/reconcile-schedule.js'

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

t.test('the first scheduled tick comes one interval after start, and a restart keeps the schedule', async (t) => {
  const every = 3_600_000
  const before = Date.now()
  const { h } = await startDeliverySetup(t, { settings: { reconcileIntervalMs: every } })
  const queue = h.app.queues.queue<ReconcileJob, void>(RECONCILE_QUEUE)
  t.teardown(async () => { await queue.close() })
  const next = async (): Promise<number | undefined> => (await queue.getJobScheduler(SCHEDULER_ID))?.next
  t.ok(await waitFor(async () => await next() !== undefined), 'the scheduler is written')
  const first = await next() ?? 0
  t.ok(first >= before + every && first <= Date.now() + every, 'its first tick is one interval away')
  t.same(await queue.getJobCounts('active', 'wait', 'completed', 'failed', 'delayed'),
    { active: 0, wait: 0, completed: 0, failed: 0, delayed: 1 }, 'no tick at start: the only one waits its turn')
  // BullMQ runs an `every` scheduler's first job at once unless told otherwise: a gateway that did
  // so reconciled every list at each start, and raced the first publish into a scheduled run.
  await publishOwnerList(h, 'ZJ', '330000')
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 9), 'delivered')
  const runs = await h.db.query("SELECT id FROM reconciliation_runs WHERE trigger = 'schedule'")
  t.equal(runs.rowCount, 0, 'no scheduled run at start')
  // What a gateway restarted a minute later writes leaves the pending tick where it was.
  await writeReconcileScheduler(queue, every, Date.now() + 60_000)
  t.equal(await next(), first, 'a restart keeps the next tick')
})
