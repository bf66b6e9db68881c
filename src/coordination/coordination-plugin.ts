import fp from 'fastify-plugin'
import { sweepExpired } from './expiry-sweep.js'
import { sweepOverdue } from './overdue-sweep.js'
import { sweepPersonalData } from './personal-data-sweep.js'
import { sweepSubjectDeadlines } from './subject-deadline-sweep.js'
import { workflowDeps } from './workflow-deps.js'
import { warnCalendarGaps } from './deadline-calendar.js'

export interface CoordinationSweeps {
  /**
   * Runs the sweeps now (tests, the demo, an operator): case reminders sent, entries expired,
   * objections and repair requests newly marked overdue (each with a reminder to the owner), and
   * entries whose personal fields were erased after the retention (国办发〔2020〕49号 (十一)).
   */
  runNow: (at?: Date) => Promise<SweepResult>
  /** How many job schedulers the coordination queue holds (0 without workers). */
  schedulers: () => Promise<number>
}

/** What one run of the coordination sweeps did. */
export interface SweepResult {
  reminders: number, expired: number, objectionsOverdue: number, repairsOverdue: number, erased: number
}

declare module 'fastify' {
  interface FastifyInstance { coordination: CoordinationSweeps }
}

const QUEUE = 'coordination'

/** A scheduler tick carries nothing: every run sweeps whatever is due. */
type SweepJob = Record<string, never>

/**
 * The scheduled side of coordination: a BullMQ job scheduler (a repeatable job, one per Redis
 * prefix however many gateways run) fires every `coordinationSweepMs`; a worker finds overdue
 * responses and feedback (reminders, overdue marks), objections and repair requests past their
 * deadline (overdue marks, a reminder to the owner), entries whose validity ended (removed), and
 * removed entries whose personal fields are due for erasure (settings.personalDataRetentionDays).
 */
export const coordinationPlugin = fp<{ workers: boolean }>(async (app, opts) => {
  const deps = workflowDeps(app)
  warnCalendarGaps(app.log, deps.calendar, new Date())
  const runNow = async (at: Date = new Date()): Promise<SweepResult> => {
    const expired = await sweepExpired(app.pg, deps, at, app.log)
    const reminders = await sweepOverdue(app.pg, deps, at, app.log)
    const deadlines = await sweepSubjectDeadlines(app.pg, deps, at)
    const erased = await sweepPersonalData({
      pool: app.pg,
      digests: app.subjectDigests,
      messageItems: app.messageItems,
      retentionDays: app.config.settings.personalDataRetentionDays,
      newLogHash: app.config.settings.proofHash
    }, at)
    return { reminders, expired, ...deadlines, erased }
  }
  if (!opts.workers) {
    app.decorate('coordination', { runNow, schedulers: async () => 0 })
    return
  }
  const queue = app.queues.queue<SweepJob, SweepResult>(QUEUE)
  // Not awaited: the gateway starts without Redis (the scheduler is written once Redis is back).
  queue.upsertJobScheduler('coordination-sweep', { every: app.config.settings.coordinationSweepMs }, {
    name: 'sweep', opts: { removeOnComplete: 100, removeOnFail: 100 }
  }).catch((err: unknown) => { app.log.warn({ err }, 'coordination sweep: scheduler not written') })
  app.decorate('coordination', { runNow, schedulers: async () => await queue.getJobSchedulersCount() })
  const worker = app.queues.worker<SweepJob, SweepResult>(QUEUE, async () => {
    const done = await runNow()
    if (Object.values(done).some((n) => n > 0)) app.log.info(done, 'coordination sweep')
    return done
  }, { concurrency: 1 })
  worker.on('failed', (_job, err) => { app.log.warn({ err }, 'coordination sweep failed') })
  app.addHook('onClose', async () => {
    await worker.close()
    await queue.close()
  })
}, { name: 'gw-coordination', dependencies: ['gw-context', 'gw-postgres', 'gw-queues'] })
