import type { FastifyInstance } from 'fastify'
import type { PlatformResumedV1 } from '../../contracts/admin-v1.js'
import { recordAdminAction } from '../audit/admin-action-log.js'
import { GatewayError } from '../errors/gateway-error.js'

/**
 * An admin or operator resumes a platform's delivery queue, whatever paused it (refused
 * credentials once fixed, an open breaker, a platform found down); the deliveries waiting in it
 * go on with the attempts they had. Recorded as an admin action before the queue resumes, so no
 * resume goes unrecorded; resuming a queue that runs is harmless and recorded too.
 */
export async function resumePlatform (
  app: FastifyInstance, platform: string, principal: string
): Promise<PlatformResumedV1> {
  const queue = app.delivery.queues.get(platform)
  if (queue === undefined) throw new GatewayError('NOT_FOUND', 'no such platform, or it is not enabled')
  const before = await app.delivery.health.pauseOf(platform)
  const wasPaused = before !== undefined || await queue.isPaused()
  await recordAdminAction(app.pg, {
    principal,
    action: 'platform.resume',
    target: platform,
    detail: { paused: wasPaused, reason: before?.reason ?? null, since: before?.since ?? null }
  })
  const pause = await app.delivery.health.resume(platform)
  app.log.warn({ platform, principal, reason: pause?.reason ?? null }, 'delivery queue resumed by an admin')
  return { platform, resumed: wasPaused, pause: pause ?? before ?? null }
}
