import type { Queue } from 'bullmq'
import fp from 'fastify-plugin'
import { knownLists, runReconciliation } from './reconcile-service.js'
import { replicasOf } from './replica-platforms.js'
import { configShares } from './fingerprint-scope.js'

export const RECONCILE_QUEUE = 'reconcile'
export const SCHEDULER_ID = 'reconcile-every-list'

interface RunJob { owner: string, listCode: string, platform: string }
/** The scheduler's `tick` carries no list: it queues one `run` per list and replica platform. */
interface TickJob { owner?: undefined }
export type ReconcileJob = TickJob | RunJob

/**
 * Writes the scheduler, as every gateway start does. BullMQ runs an `every` scheduler's first job at
 * once unless given a start date; a scheduler already in Redis keeps its next tick (the start date
 * only counts when it is first written), so restarting gateways neither reconcile everything at each
 * start nor put the schedule off.
 */
export async function writeReconcileScheduler (
  queue: Queue<ReconcileJob, void>, every: number, now = Date.now()
): Promise<void> {
  await queue.upsertJobScheduler(SCHEDULER_ID, { every, startDate: now + every }, { name: 'tick', data: {} })
}

export interface ReconcileScheduleOptions {
  /** Run the scheduler and its worker in this process (as the delivery workers). */
  workers: boolean
}

/**
 * Scheduled reconciliation: a BullMQ job scheduler ticks every `reconcileIntervalMs` (first tick
 * one interval after the scheduler is first written, kept across restarts; 0 turns it off) and each
 * tick queues one run per list and replica platform, which a worker takes one at a time. Job ids
 * carry the tick, so several gateways sharing Redis queue each run once.
 */
export const reconcileSchedulePlugin = fp<ReconcileScheduleOptions>(async (app, opts) => {
  const every = app.config.settings.reconcileIntervalMs
  if (!opts.workers || every === 0) return
  const queue = app.queues.queue<ReconcileJob, void>(RECONCILE_QUEUE)
  // Not awaited: the gateway starts without Redis (the scheduler is written once Redis is back).
  writeReconcileScheduler(queue, every)
    .catch((err: unknown) => { app.log.warn({ err }, 'scheduled reconciliation: scheduler not written') })
  const deps = { pool: app.pg, adapters: app.delivery.adapters, shares: configShares(app.config) }
  const worker = app.queues.worker<ReconcileJob, void>(RECONCILE_QUEUE, async (job) => {
    if (job.name === 'tick') {
      for (const list of await knownLists(app.pg)) {
        for (const platform of replicasOf(app.config, list.owner, list.listCode)) {
          await queue.add('run', { ...list, platform } satisfies RunJob, {
            jobId: `run-${list.owner}-${list.listCode}-${platform}-${job.id ?? ''}`.replace(/:/g, '_'),
            removeOnComplete: 1000,
            removeOnFail: 1000
          })
        }
      }
      return
    }
    const data = job.data
    if (data.owner === undefined) throw new Error(`reconcile job ${job.name} names no list`)
    const run = await runReconciliation(deps, data, 'schedule', 'schedule')
    const { owner, listCode, platform } = data
    app.log.info({ run: run.id, owner, listCode, platform, status: run.status, findings: run.findings.length },
      'scheduled reconciliation')
  }, { concurrency: 1, lockDuration: Math.max(app.config.settings.jobLockMs, 120_000) })
  worker.on('error', (err) => { app.log.warn({ err }, 'reconciliation worker') })
  // A run's job id names its list and platform (run-<owner>-<list>-<platform>-<tick>).
  worker.on('failed', (job, err) => { app.log.warn({ err, jobId: job?.id }, 'scheduled reconciliation failed') })
  app.addHook('onClose', async () => {
    await worker.close()
    await queue.close()
  })
}, { name: 'gw-reconcile-schedule', dependencies: ['gw-delivery', 'gw-queues'] })
