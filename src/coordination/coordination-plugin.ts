import fp from 'fastify-plugin'
import { Queue, Worker } from 'bullmq'
import { bullConnection, bullPrefix } from '../delivery/delivery-queues.js'
import { sweepExpired } from './expiry-sweep.js'
import { sweepOverdue } from './overdue-sweep.js'
import { sweepPersonalData } from './personal-data-sweep.js'
import { workflowDeps } from './workflow-deps.js'

export interface CoordinationSweeps {
  /**
   * Runs the sweeps now (tests, the demo, an operator): reminders sent, entries expired, and
   * entries whose personal fields were erased after the retention (国办发〔2020〕49号 (十一)).
   */
  runNow: (at?: Date) => Promise<{ reminders: number, expired: number, erased: number }>
  /** How many job schedulers the coordination queue holds (0 without workers). */
  schedulers: () => Promise<number>
}

declare module 'fastify' {
  interface FastifyInstance { coordination: CoordinationSweeps }
}

const QUEUE = 'coordination'

/**
 * The scheduled side of coordination: a BullMQ job scheduler (a repeatable job, one per Redis
 * prefix however many gateways run) fires every `coordinationSweepMs`; a worker finds overdue
 * responses and feedback (reminders, overdue marks), entries whose validity ended (removed), and
 * removed entries whose personal fields are due for erasure (settings.personalDataRetentionDays).
 */
export const coordinationPlugin = fp<{ workers: boolean }>(async (app, opts) => {
  const deps = workflowDeps(app)
  const runNow = async (at: Date = new Date()): Promise<{ reminders: number, expired: number, erased: number }> => {
    const expired = await sweepExpired(app.pg, deps, at)
    const reminders = await sweepOverdue(app.pg, deps, at)
    const erased = await sweepPersonalData({ pool: app.pg, digests: app.subjectDigests, retentionDays: app.config.settings.personalDataRetentionDays }, at)
    return { reminders, expired, erased }
  }
  if (!opts.workers) {
    app.decorate('coordination', { runNow, schedulers: async () => 0 })
    return
  }
  const connection = bullConnection(app.runtime.redisUrl)
  const prefix = bullPrefix(app.runtime.redisPrefix)
  const queue = new Queue(QUEUE, { connection, prefix })
  await queue.upsertJobScheduler('coordination-sweep', { every: app.config.settings.coordinationSweepMs }, {
    name: 'sweep', opts: { removeOnComplete: 100, removeOnFail: 100 }
  })
  app.decorate('coordination', { runNow, schedulers: async () => await queue.getJobSchedulersCount() })
  const worker = new Worker(QUEUE, async () => {
    const done = await runNow()
    if (done.reminders > 0 || done.expired > 0 || done.erased > 0) app.log.info(done, 'coordination sweep')
    return done
  }, { connection, prefix, concurrency: 1 })
  worker.on('failed', (_job, err) => { app.log.warn({ err: err.message }, 'coordination sweep failed') })
  app.addHook('onClose', async () => {
    await worker.close()
    await queue.close()
  })
})
