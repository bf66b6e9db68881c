import type { Test } from 'tap'
import type { SimulatedPlatform } from '../../sim/platform-simulator.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startHoldingProxy, type HoldingProxy } from './holding-proxy.js'
import { pushPlatform, twoSimulatedPlatforms } from './serve-platforms.js'
import { publicJwks, serveScratch, type ServeScratch } from './serve-process.js'

/**
 * A `serve` scratch where SH publishes and ZJ, behind a proxy that holds each delivery until the test
 * lets it go, receives: a delivery stays in flight for as long as a shutdown test needs.
 */
export interface HeldDeliveryScratch {
  s: ServeScratch
  sh: SimulatedPlatform
  zj: SimulatedPlatform
  proxy: HoldingProxy
}

/** SH and ZJ simulated, ZJ behind a holding proxy, and a scratch config with `shutdownGraceMs`. */
export async function heldDeliveryScratch (t: Test, shutdownGraceMs: number): Promise<HeldDeliveryScratch> {
  const { sh, zj } = await twoSimulatedPlatforms(t)
  const proxy = await startHoldingProxy(zj.url)
  t.teardown(proxy.close)
  // A per-request timeout far above anything the test waits for: only the grace cuts a delivery off.
  const platforms = [pushPlatform(sh, '310000'), pushPlatform(zj, '330000', proxy.url, { timeoutMs: 120_000 })]
  const s = await serveScratch(t, platforms, { shutdownGraceMs, relayIntervalMs: 50, jobLockMs: 2000 })
  zj.trustGateway(publicJwks(s))
  return { s, sh, zj, proxy }
}

/** The status of the delivery of SH's message `jti` to ZJ. */
export const statusToZj = async (s: ServeScratch, jti: string): Promise<string | undefined> => (
  await s.db.query<{ status: string }>(
    'SELECT status FROM deliveries WHERE iss = $1 AND jti = $2 AND destination = $3', ['SH', jti, 'ZJ'])
).rows[0]?.status

/**
 * SH publishes sample entry `n` through the gateway at `url`; resolves with the message id once its
 * delivery to ZJ is held at the proxy, in flight.
 */
export async function publishHeld (t: Test, h: HeldDeliveryScratch, url: string, n: number): Promise<string> {
  const { status, jti } = await h.sh.publish(url, { kind: 'list.upsert', items: [sampleEntry('SH', '310000', n)] })
  t.equal(status, 202, 'SH\'s envelope is accepted')
  await h.proxy.arrived
  t.equal(await statusToZj(h.s, jti), 'delivering', 'the delivery to ZJ is in flight')
  return jti
}
