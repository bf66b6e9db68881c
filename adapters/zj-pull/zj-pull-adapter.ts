import { Pool } from 'undici'
import { AdapterError, type AdapterContext, type PlatformAdapter } from '../types.js'
import { poolOptions } from '../http-failure.js'
import { zjExportClient } from './zj-pull-export.js'

/**
 * Zhejiang pulls: the gateway never pushes to it. Its deliveries are offered on the gateway's feed
 * (`GET /v1/feeds/ZJ?after=<cursor>`, a platform JWT) and become delivered when ZJ acknowledges
 * them (`POST /v1/feeds/ZJ/ack`); an unacknowledged delivery is offered again. For
 * reconciliation the gateway reads ZJ's export (`GET <endpoint origin>/zjxy/export`, a gateway
 * JWT). See README.md.
 */
export function createZjPullAdapter (ctx: AdapterContext): PlatformAdapter {
  const origin = new URL(ctx.platform.endpoint).origin
  // Only the export uses it: one connection, opened on the first reconciliation.
  const pool = new Pool(origin, { ...poolOptions(ctx.policy), connections: 1 })
  return {
    name: 'zj-pull',
    capabilities: { pull: true, export: true },
    exportList: zjExportClient(pool, ctx.platform.id, ctx.sign, ctx.policy.timeoutMs),
    async deliver () {
      throw new AdapterError(`${ctx.platform.id} pulls its deliveries from the feed; nothing is pushed`,
        { code: 'ADAPTER_UNSUPPORTED', retryable: false })
    },
    // The platform comes to the gateway: whether it is up shows in how recently it polled.
    async health () { return { state: 'unknown' } },
    async close () { await pool.close() }
  }
}
