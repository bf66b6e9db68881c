import fp from 'fastify-plugin'
import { assertProofHashAvailable } from '../canonical/proof-hash.js'
import { Sequencer, SEQUENCER_BATCH_SIZE } from './sequencer.js'
import { TransparencySchedule } from './transparency-schedule.js'

export interface TransparencyRuntime {
  sequencer: Sequencer
  schedule: TransparencySchedule
}

declare module 'fastify' {
  interface FastifyInstance { transparency: TransparencyRuntime }
}

export interface TransparencyPluginOptions {
  /** Run the sequencer and the checkpoint schedule in this process (the API alone when false). */
  workers: boolean
}

/**
 * Transparency: the sequencer that appends entry changes to their lists' logs, and the schedule
 * that runs it every `transparencySequenceIntervalMs` and signs a checkpoint of every grown log
 * every `checkpointIntervalMs`. A log the sequencer creates hashes with `proofHash`.
 */
export const transparencyPlugin = fp<TransparencyPluginOptions>(async (app, opts) => {
  const s = app.config.settings
  assertProofHashAvailable(s.proofHash)
  const sequencer = new Sequencer(app.pg, SEQUENCER_BATCH_SIZE, s.proofHash)
  const schedule = new TransparencySchedule(app.pg, sequencer, app.gatewayKeys, s.transparencySequenceIntervalMs,
    s.checkpointIntervalMs, (o, m) => { app.log.warn(o, m) })
  if (opts.workers) schedule.start()
  app.decorate('transparency', { sequencer, schedule })
  app.addHook('onClose', async () => { await schedule.stop() })
}, { name: 'gw-transparency', dependencies: ['gw-context', 'gw-postgres'] })
