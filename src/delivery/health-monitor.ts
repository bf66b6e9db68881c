import type { PlatformAdapter } from '../../adapters/types.js'
import type { DeliveryQueues } from './delivery-queues.js'

export interface HealthLogger {
  warn: (obj: object, msg: string) => void
  info: (obj: object, msg: string) => void
}

/**
 * Health-gated retry: when a platform cannot be reached and its health check fails, its queue is
 * paused so that waiting deliveries do not burn their attempts; the platform is then checked every
 * `intervalMs` and its queue resumes by itself once the check passes.
 */
export class HealthMonitor {
  private readonly paused = new Set<string>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private stopped = false

  constructor (
    private readonly adapters: Map<string, PlatformAdapter>,
    private readonly queues: DeliveryQueues,
    private readonly intervalOf: (platform: string) => number,
    private readonly log: HealthLogger
  ) {}

  isPaused (platform: string): boolean {
    return this.paused.has(platform)
  }

  /** On start-up: resume queues left paused by an earlier process if their platform is up. */
  async start (): Promise<void> {
    for (const [platform, queue] of this.queues.queues) {
      if (await queue.isPaused()) {
        this.paused.add(platform)
        this.schedule(platform)
      }
    }
  }

  /** A delivery found the platform unreachable: check it now, pause if it is down. */
  async reportUnreachable (platform: string): Promise<boolean> {
    if (this.stopped || this.paused.has(platform)) return this.paused.has(platform)
    const adapter = this.adapters.get(platform)
    const queue = this.queues.get(platform)
    if (adapter === undefined || queue === undefined) return false
    const health = await adapter.health()
    if (health.state !== 'down' || this.paused.has(platform)) return this.paused.has(platform)
    this.paused.add(platform)
    await queue.pause()
    this.log.warn({ platform, detail: health.detail }, 'platform down: delivery queue paused')
    this.schedule(platform)
    return true
  }

  private schedule (platform: string): void {
    if (this.stopped) return
    const timer = setTimeout(
      () => { this.check(platform).catch(() => { this.schedule(platform) }) }, this.intervalOf(platform)
    )
    this.timers.set(platform, timer)
  }

  private async check (platform: string): Promise<void> {
    const adapter = this.adapters.get(platform)
    const queue = this.queues.get(platform)
    if (adapter === undefined || queue === undefined || this.stopped) return
    const health = await adapter.health().catch(() => ({ state: 'down' as const }))
    if (health.state === 'down') { this.schedule(platform); return }
    try {
      await queue.resume()
      this.paused.delete(platform)
      this.log.info({ platform }, 'platform healthy again: delivery queue resumed')
    } catch {
      this.schedule(platform)
    }
  }

  stop (): void {
    this.stopped = true
    for (const t of this.timers.values()) clearTimeout(t)
  }
}
