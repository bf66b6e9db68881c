import type { PlatformAdapter } from '../../adapters/types.js'
import type { DeliveryPolicy } from '../../config/config-schema.js'
import { storedErrorText } from '../privacy/stored-error-text.js'
import { CircuitBreakers } from './circuit-breaker.js'
import type { DeliveryQueues } from './delivery-queues.js'
import type { PauseReason, PlatformPause, PlatformPauses } from './platform-pauses.js'

export interface HealthLogger {
  error: (obj: object, msg: string) => void
  warn: (obj: object, msg: string) => void
  info: (obj: object, msg: string) => void
}

/** What the monitor reads of a platform's delivery policy. */
export type PausePolicy = Pick<DeliveryPolicy, 'healthIntervalMs' | 'breakerTimeouts' | 'breakerCooldownMs'>

/** Told once per pause this process makes (the pause counter). */
export type OnPause = (platform: string, reason: PauseReason) => void

/**
 * Pauses a platform's queue so that waiting deliveries do not burn their attempts, for one of three
 * reasons (PlatformPauses, shared by every instance): the platform is unreachable and its health
 * check fails (`down`: checked every `healthIntervalMs`, resumes once the check passes); it refused
 * the gateway's credentials (`credentials`: resumes when an admin says so, or when the adapter's
 * credentials check passes, tried every `healthIntervalMs`); or it timed out `breakerTimeouts`
 * times in a row while its health check answered (`breaker`: half-open after `breakerCooldownMs`).
 */
export class HealthMonitor {
  /** The pauses this process watches (it schedules their checks). */
  private readonly paused = new Set<string>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private readonly breakers: CircuitBreakers
  private stopped = false

  constructor (
    private readonly adapters: Map<string, PlatformAdapter>,
    private readonly queues: DeliveryQueues,
    readonly pauses: PlatformPauses,
    private readonly policyOf: (platform: string) => PausePolicy,
    private readonly log: HealthLogger,
    private readonly onPause: OnPause = () => {}
  ) {
    this.breakers = new CircuitBreakers((p) => policyOf(p).breakerTimeouts)
  }

  /** Whether this process paused the platform's queue, or watches its pause. */
  isPaused (platform: string): boolean {
    return this.paused.has(platform)
  }

  /** Why the platform's queue is paused, as every instance sees it (undefined: not recorded). */
  async pauseOf (platform: string): Promise<PlatformPause | undefined> {
    return await this.pauses.get(platform)
  }

  /** On start-up: watch queues left paused by an earlier process (a pause without a reason is `down`). */
  async start (): Promise<void> {
    for (const [platform, queue] of this.queues.queues) {
      if (!await queue.isPaused()) continue
      if (await this.pauses.get(platform) === undefined) {
        await this.pauses.set(platform, { reason: 'down', since: new Date().toISOString(), detail: null, until: null })
      }
      this.watch(platform)
    }
  }

  /** A delivery found the platform unreachable: check it now, pause if it is down. */
  async reportUnreachable (platform: string): Promise<boolean> {
    if (this.stopped || this.paused.has(platform)) return this.paused.has(platform)
    const adapter = this.adapters.get(platform)
    if (adapter === undefined || this.queues.get(platform) === undefined) return false
    const health = await adapter.health()
    if (health.state !== 'down' || this.paused.has(platform)) return this.paused.has(platform)
    if (await this.pause(platform, 'down', health.detail === undefined ? null : storedErrorText(health.detail, 500))) {
      this.log.warn({ platform, detail: health.detail }, 'platform down: delivery queue paused')
    }
    return true
  }

  /**
   * The platform refused the gateway's credentials (ADAPTER_AUTH): a misconfiguration on one side
   * or the other, which no retry mends. `detail` is the adapter's message (no secret in it).
   */
  async reportAuthFailure (platform: string, message: string): Promise<void> {
    if (this.queues.get(platform) === undefined) return
    // Kept in Redis and shown on the dashboard: the platform's wording passes the one scrubber.
    const detail = storedErrorText(message, 500)
    if (await this.pause(platform, 'credentials', detail)) {
      const resumes = this.adapters.get(platform)?.credentialsCheck === undefined
        ? 'until an admin resumes it'
        : 'until an admin resumes it or the credentials check passes'
      this.log.error({ platform, code: 'ADAPTER_AUTH', detail }, `platform refused the gateway's credentials: delivery queue paused ${resumes}`)
    }
  }

  /**
   * An attempt timed out while the platform's health check answers: counted by the breaker. True
   * when the breaker is (now) open and the queue paused: the attempt does not count.
   */
  async reportTimeout (platform: string): Promise<boolean> {
    if (this.stopped || this.queues.get(platform) === undefined) return false
    const verdict = this.breakers.timeout(platform)
    if (verdict === 'counted') return false
    if (verdict === 'opened') {
      const { breakerTimeouts, breakerCooldownMs } = this.policyOf(platform)
      const until = new Date(Date.now() + breakerCooldownMs).toISOString()
      const detail = `timed out ${breakerTimeouts} times in a row while its health check answered`
      await this.pause(platform, 'breaker', detail, until)
      this.log.warn({ platform, code: 'ADAPTER_TIMEOUT', until }, 'circuit breaker open: delivery queue paused for the cool-down')
    }
    return true
  }

  /** A delivery went through: the breaker closes. */
  reportSuccess (platform: string): void {
    if (this.breakers.success(platform)) this.log.info({ platform }, 'circuit breaker closed: the platform answers again')
  }

  /**
   * An admin resumes the queue, whatever paused it; the breaker goes half-open. Returns the pause
   * that was recorded (undefined when none was).
   */
  async resume (platform: string): Promise<PlatformPause | undefined> {
    const queue = this.queues.get(platform)
    const pause = await this.pauses.get(platform)
    await this.pauses.clear(platform)
    await queue?.resume()
    this.unwatch(platform)
    this.breakers.halfOpen(platform)
    return pause
  }

  /** Records the pause and pauses the queue; true when it was not paused for this reason already. */
  private async pause (
    platform: string, reason: PauseReason, detail: string | null, until: string | null = null
  ): Promise<boolean> {
    // Concurrent deliveries report the same cause: the first one's time stays (an open breaker's end moves).
    const before = await this.pauses.set(platform, { reason, since: new Date().toISOString(), detail, until }, reason !== 'breaker')
    await this.queues.get(platform)?.pause()
    this.watch(platform)
    const fresh = before !== reason
    if (fresh) this.onPause(platform, reason)
    return fresh
  }

  private watch (platform: string): void {
    if (this.paused.has(platform)) return
    this.paused.add(platform)
    this.schedule(platform)
  }

  private unwatch (platform: string): void {
    this.paused.delete(platform)
    clearTimeout(this.timers.get(platform))
    this.timers.delete(platform)
  }

  private schedule (platform: string, delayMs = this.policyOf(platform).healthIntervalMs): void {
    if (this.stopped) return
    clearTimeout(this.timers.get(platform))
    const run = (): void => { this.check(platform).catch(() => { this.schedule(platform) }) }
    const timer = setTimeout(run, Math.max(0, delayMs))
    this.timers.set(platform, timer)
  }

  private async check (platform: string): Promise<void> {
    const adapter = this.adapters.get(platform)
    const queue = this.queues.get(platform)
    if (adapter === undefined || queue === undefined || this.stopped) return
    const pause = await this.pauses.get(platform)
    if (pause === undefined) {
      // Resumed elsewhere (an admin, another instance): make sure the queue runs, stop watching.
      if (await queue.isPaused()) await queue.resume()
      this.unwatch(platform)
      this.breakers.halfOpen(platform)
      return
    }
    if (pause.reason === 'down') {
      const health = await adapter.health().catch(() => ({ state: 'down' as const }))
      if (health.state === 'down') { this.schedule(platform); return }
      await this.resumeFor(platform, 'down', 'platform healthy again: delivery queue resumed')
    } else if (pause.reason === 'credentials') {
      const check = adapter.credentialsCheck
      const answer = check === undefined ? undefined : await check().catch(() => ({ state: 'down' as const }))
      if (answer?.state !== 'up') { this.schedule(platform); return }
      await this.resumeFor(platform, 'credentials', 'platform accepts the gateway\'s credentials again: delivery queue resumed')
    } else {
      const left = Date.parse(pause.until ?? '') - Date.now()
      if (left > 0) { this.schedule(platform, Math.min(left, this.policyOf(platform).healthIntervalMs)); return }
      this.breakers.halfOpen(platform)
      await this.resumeFor(platform, 'breaker', 'circuit breaker half-open: delivery queue resumed')
    }
  }

  /** Resumes the queue if its pause is still for `reason` (it may have become a weightier one). */
  private async resumeFor (platform: string, reason: PauseReason, message: string): Promise<void> {
    if (!await this.pauses.clear(platform, reason)) { this.schedule(platform); return }
    await this.queues.get(platform)?.resume()
    this.unwatch(platform)
    this.log.info({ platform, reason }, message)
  }

  stop (): void {
    this.stopped = true
    for (const t of this.timers.values()) clearTimeout(t)
  }
}
