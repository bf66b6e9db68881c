import type pg from 'pg'
import type { GatewayKeys } from '../keys/signing-keys.js'
import { signGrownCheckpoints } from './checkpoint-store.js'
import type { Sequencer } from './sequencer.js'

/**
 * The timers of the transparency logs: sequence pending changes every `sequenceMs` (so a change
 * is in its log at most about that long after its envelope was accepted: the merge delay), and
 * every `checkpointMs` sequence once more and sign a checkpoint for each log that grew. Every
 * gateway runs it; the sequencer's advisory lock and the logs' head rows keep them from doing
 * the same work twice. A run never overlaps the previous one of its kind.
 */
export class TransparencySchedule {
  private timers: NodeJS.Timeout[] = []
  private readonly running = new Map<string, Promise<unknown>>()

  constructor (
    private readonly pool: pg.Pool,
    private readonly sequencer: Sequencer,
    private readonly keys: GatewayKeys,
    private readonly sequenceMs: number,
    private readonly checkpointMs: number,
    private readonly warn: (obj: object, msg: string) => void
  ) {}

  start (): void {
    this.timers.push(setInterval(() => { this.run('sequence', async () => await this.sequencer.drain()) }, this.sequenceMs))
    this.timers.push(setInterval(() => { this.run('checkpoint', async () => await this.checkpointNow()) }, this.checkpointMs))
  }

  /** Sequences what is pending, then signs a checkpoint for every log that grew; returns how many were signed. */
  async checkpointNow (): Promise<number> {
    await this.sequencer.drain()
    return (await signGrownCheckpoints(this.pool, this.keys)).length
  }

  private run (what: string, fn: () => Promise<unknown>): void {
    if (this.running.has(what)) return
    this.running.set(what, fn().catch((err: unknown) => {
      this.warn({ err }, `transparency ${what} failed`)
    }).finally(() => { this.running.delete(what) }))
  }

  async stop (): Promise<void> {
    for (const t of this.timers) clearInterval(t)
    this.timers = []
    await Promise.all([...this.running.values()])
  }
}
