import fp from 'fastify-plugin'
import { Queue, Worker, type Job } from 'bullmq'
import { bullConnection, bullPrefix } from '../delivery/delivery-queues.js'
import { knownLists, runReconciliation } from './reconcile-service.js'
import { replicaPlatforms } from './replica-platforms.js'

export const RECONCILE_QUEUE = 'reconcile'

interface RunJob { owner: string, listCode: string, platform: string }

export interface ReconcileScheduleOptions {
  /** Run the scheduler and its worker in this process (as the delivery workers). */
  workers: boolean
}

/**
 * Scheduled reconciliation: a BullMQ job scheduler ticks every `reconcileIntervalMs` (first tick
 * one interval after start; 0 turns it off) and each tick queues one run per list and replica
 * platform, which a worker takes one at a time. Job ids carry the tick, so several gateways
 * sharing Redis queue each run once.
 */
export const reconcileSchedulePlugin = fp<ReconcileScheduleOptions>(async (app, opts) => {
  const every = app.config.settings.reconcileIntervalMs
  if (!opts.workers || every === 0) return
  const connection = bullConnection(app.runtime.redisUrl)
  const prefix = bullPrefix(app.runtime.redisPrefix)
  const queue = new Queue(RECONCILE_QUEUE, { connection, prefix })
  await queue.upsertJobScheduler('reconcile-every-list', { every }, { name: 'tick', data: {} })
  const deps = { pool: app.pg, adapters: app.delivery.adapters }
  const worker = new Worker(RECONCILE_QUEUE, async (job: Job) => {
    if (job.name === 'tick') {
      for (const list of await knownLists(app.pg)) {
        for (const platform of replicaPlatforms(app.config, list.owner)) {
          await queue.add('run', { ...list, platform } satisfies RunJob, {
            jobId: `run-${list.owner}-${list.listCode}-${platform}-${job.id ?? ''}`.replace(/:/g, '_'),
            removeOnComplete: 1000,
            removeOnFail: 1000
          })
        }
      }
      return
    }
    const data = job.data as RunJob
    const run = await runReconciliation(deps, data, 'schedule', 'schedule')
    app.log.info({ run: run.id, owner: data.owner, listCode: data.listCode, platform: data.platform, status: run.status, findings: run.findings.length }, 'scheduled reconciliation')
  }, { connection, prefix, concurrency: 1, lockDuration: Math.max(app.config.settings.jobLockMs, 120_000) })
  worker.on('error', (err) => { app.log.warn({ err }, 'reconciliation worker') })
  // A run's job id names its list and platform (run-<owner>-<list>-<platform>-<tick>).
  worker.on('failed', (job, err) => { app.log.warn({ err, jobId: job?.id }, 'scheduled reconciliation failed') })
  app.addHook('onClose', async () => {
    await worker.close()
    await queue.close()
  })
}, { name: 'gw-reconcile-schedule', dependencies: ['gw-delivery'] })
