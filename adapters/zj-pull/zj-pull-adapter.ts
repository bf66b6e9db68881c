import { AdapterError, type AdapterContext, type PlatformAdapter } from '../types.js'

/**
 * Zhejiang pulls: the gateway never pushes to it. Its deliveries are offered on the gateway's feed
 * (`GET /v1/feeds/ZJ?after=<cursor>`, a platform JWT) and become delivered when ZJ acknowledges
 * them (`POST /v1/feeds/ZJ/ack`); an unacknowledged delivery is offered again. See README.md.
 */
export function createZjPullAdapter (ctx: AdapterContext): PlatformAdapter {
  return {
    name: 'zj-pull',
    capabilities: { pull: true, export: false },
    async deliver () {
      throw new AdapterError(`${ctx.platform.id} pulls its deliveries from the feed; nothing is pushed`, { retryable: false })
    },
    // The platform comes to the gateway: whether it is up shows in how recently it polled.
    async health () { return { state: 'unknown' } },
    async close () {}
  }
}
