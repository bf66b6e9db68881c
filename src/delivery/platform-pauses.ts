import type { RedisClient } from '../plugins/redis-client.js'

/**
 * Why a platform's delivery queue is paused: its health check failed (`down`, resumes by itself),
 * it refused the gateway's credentials (`credentials`, resumes when an admin says so or the
 * credentials check passes), or it kept timing out while its health check answered (`breaker`,
 * tried again after the cool-down).
 */
export type PauseReason = 'down' | 'credentials' | 'breaker'
export const PAUSE_REASONS: readonly PauseReason[] = ['down', 'credentials', 'breaker']

/** A pause as every gateway instance and the dashboard see it. */
export interface PlatformPause {
  reason: PauseReason
  /** ISO time the pause began. */
  since: string
  /** What the platform answered (the adapter's message: no secrets, identity numbers masked). */
  detail: string | null
  /** When an open breaker lets deliveries try again (ISO); null for the other reasons. */
  until: string | null
}

/**
 * A pause that needs a person outranks one that clears by itself: a platform refusing the
 * credentials that also times out stays paused for its credentials.
 */
const RANK: Readonly<Record<PauseReason, number>> = { down: 1, breaker: 2, credentials: 3 }

// Writes the pause unless one of a higher rank is there, or (ARGV[5] = '1') one for the same
// reason; answers the reason it found ('' for none), so that one caller alone sees a pause begin.
const SET_IF_RANK = `local cur = redis.call('HGET', KEYS[1], ARGV[1])
local prev = ''
if cur then
  local p = cjson.decode(cur)
  prev = p.reason
  if p.rank > tonumber(ARGV[3]) then return prev end
  if prev == ARGV[4] and ARGV[5] == '1' then return prev end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return prev`
// Removes the pause if it is still for the reason given (or any, when none is given): 1 when removed.
const CLEAR_IF_REASON = `local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then return 0 end
if ARGV[2] ~= '' and cjson.decode(cur).reason ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1`

function parse (text: string | null | undefined): PlatformPause | undefined {
  if (text === null || text === undefined) return undefined
  try {
    const v = JSON.parse(text) as PlatformPause & { rank?: number }
    if (!PAUSE_REASONS.includes(v.reason)) return undefined
    return { reason: v.reason, since: v.since, detail: v.detail ?? null, until: v.until ?? null }
  } catch {
    return undefined
  }
}

/**
 * The reason each paused queue is paused, in one Redis hash under the app's prefix: BullMQ keeps
 * the pause itself in Redis, so every instance, the admin API and the metrics read the same state.
 */
export class PlatformPauses {
  private readonly key: string

  constructor (private readonly redis: RedisClient, prefix: string) {
    this.key = `${prefix}:platform-pauses`
  }

  async get (platform: string): Promise<PlatformPause | undefined> {
    return parse(await this.redis.hget(this.key, platform))
  }

  async all (): Promise<Map<string, PlatformPause>> {
    const raw = await this.redis.hgetall(this.key)
    const out = new Map<string, PlatformPause>()
    for (const [platform, text] of Object.entries(raw)) {
      const p = parse(text)
      if (p !== undefined) out.set(platform, p)
    }
    return out
  }

  /**
   * Records the pause unless one that outranks it is there, or one for the same reason when
   * `keepSame` (the first report's time stays). Returns the reason that was there before, if any.
   */
  async set (platform: string, pause: PlatformPause, keepSame = false): Promise<PauseReason | undefined> {
    const rank = RANK[pause.reason]
    const prev = await this.redis.eval(
      SET_IF_RANK, 1, this.key, platform, JSON.stringify({ ...pause, rank }), String(rank), pause.reason, keepSame ? '1' : '0'
    )
    return PAUSE_REASONS.find((r) => r === prev)
  }

  /** Removes the pause if it is (still) for `reason`, or whatever it is for; true when removed. */
  async clear (platform: string, reason?: PauseReason): Promise<boolean> {
    return await this.redis.eval(CLEAR_IF_REASON, 1, this.key, platform, reason ?? '') === 1
  }
}
