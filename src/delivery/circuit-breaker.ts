export type BreakerState = 'closed' | 'open' | 'half-open'

/** What a timeout did to the breaker: counted, opened it (or opened it again), or found it open. */
export type TimeoutVerdict = 'counted' | 'opened' | 'open'

/**
 * Consecutive timeouts per platform whose health check answers: `threshold` of them open the
 * breaker; after the cool-down it is half-open (deliveries go through again), where the first
 * success closes it and the first timeout opens it again. Kept per process: each instance judges
 * the timeouts it saw, and the pause an open breaker makes is shared (PlatformPauses).
 */
export class CircuitBreakers {
  private readonly states = new Map<string, { timeouts: number, state: BreakerState }>()

  constructor (private readonly thresholdOf: (platform: string) => number) {}

  private of (platform: string): { timeouts: number, state: BreakerState } {
    let s = this.states.get(platform)
    if (s === undefined) {
      s = { timeouts: 0, state: 'closed' }
      this.states.set(platform, s)
    }
    return s
  }

  stateOf (platform: string): BreakerState {
    return this.of(platform).state
  }

  timeout (platform: string): TimeoutVerdict {
    const s = this.of(platform)
    if (s.state === 'open') return 'open'
    s.timeouts++
    if (s.state === 'half-open' || s.timeouts >= this.thresholdOf(platform)) {
      s.state = 'open'
      return 'opened'
    }
    return 'counted'
  }

  /** The cool-down is over (or an admin resumed the queue): let deliveries try again. */
  halfOpen (platform: string): void {
    const s = this.of(platform)
    if (s.state === 'open') s.state = 'half-open'
  }

  /** A delivery went through: closed, count reset. True when that closed an open or half-open breaker. */
  success (platform: string): boolean {
    const s = this.states.get(platform)
    if (s === undefined) return false
    const wasOpen = s.state !== 'closed'
    s.timeouts = 0
    s.state = 'closed'
    return wasOpen
  }
}
