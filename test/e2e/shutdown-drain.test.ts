import t, { type Test } from 'tap'
import type { SimulatedPlatform } from '../../sim/platform-simulator.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { waitFor } from '../helpers/delivery-setup.js'
import { startHoldingProxy, type HoldingProxy } from '../helpers/holding-proxy.js'
import { pushPlatform, twoSimulatedPlatforms } from '../helpers/serve-platforms.js'
import { publicJwks, serveScratch, startServe, type ServeScratch } from '../helpers/serve-process.js'

// Issue 16 item 5: on SIGTERM `credit-gw serve` lets in-flight deliveries finish for
// `shutdownGraceMs` (close-with-grace), then exits 0; a delivery the grace cuts off is not lost and
// not applied twice. ZJ sits behind a proxy that holds each delivery until the test lets it go.
const SHUTTING_DOWN = 'shutting down: finishing in-flight work'

async function setup (
  t: Test, shutdownGraceMs: number
): Promise<{ s: ServeScratch, sh: SimulatedPlatform, zj: SimulatedPlatform, proxy: HoldingProxy }> {
  const { sh, zj } = await twoSimulatedPlatforms(t)
  const proxy = await startHoldingProxy(zj.url)
  t.teardown(proxy.close)
  // A per-request timeout far above anything the test waits for: only the grace cuts a delivery off.
  const platforms = [pushPlatform(sh, '310000'), pushPlatform(zj, '330000', proxy.url, { timeoutMs: 120_000 })]
  const s = await serveScratch(t, platforms, { shutdownGraceMs, relayIntervalMs: 50, jobLockMs: 2000 })
  zj.trustGateway(publicJwks(s))
  return { s, sh, zj, proxy }
}

const statusOf = async (s: ServeScratch, jti: string): Promise<string | undefined> => (
  await s.db.query<{ status: string }>(
    'SELECT status FROM deliveries WHERE iss = $1 AND jti = $2 AND destination = $3', ['SH', jti, 'ZJ'])
).rows[0]?.status

t.test('SIGTERM during a slow delivery: the delivery completes, then serve exits 0', async (t) => {
  const { s, sh, zj, proxy } = await setup(t, 60_000)
  const gw = await startServe(t, s.env)
  const { status, jti } = await sh.publish(gw.url, { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 1)] })
  t.equal(status, 202)
  await proxy.arrived
  t.equal(await statusOf(s, jti), 'delivering', 'the delivery is in flight when the signal comes')
  gw.child.kill('SIGTERM')
  await gw.logged((l) => l.msg === SHUTTING_DOWN)
  proxy.release()
  const exit = await gw.exited
  t.same(exit, { code: 0, signal: null }, 'exit code 0: the in-flight work finished within the grace')
  t.equal(await statusOf(s, jti), 'delivered', 'the delivery was answered and recorded before the exit')
  t.same(zj.messagesApplied.filter((j) => j === jti), [jti], 'ZJ applied it once')
  t.notOk(gw.lines.some((l) => /grace ran out/.test(String(l.msg))), 'the grace did not run out')
})

t.test('a grace shorter than the delivery: serve exits 1, the delivery stays unfinished, a later serve delivers it, applied once', async (t) => {
  const { s, sh, zj, proxy } = await setup(t, 500)
  const first = await startServe(t, s.env)
  const { status, jti } = await sh.publish(first.url, { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 2)] })
  t.equal(status, 202)
  await proxy.arrived
  first.child.kill('SIGTERM')
  const exit = await first.exited
  t.same(exit, { code: 1, signal: null }, 'exit code 1: the grace ran out with a delivery in flight')
  t.ok(first.lines.some((l) => l.msg === 'shutdown grace ran out; exiting with work unfinished' && l.level === 50),
    'said so through pino, at level error')
  t.equal(await statusOf(s, jti), 'delivering', 'neither delivered nor dead: still the queue\'s to finish')

  // The platform gets the cut-off request after all and applies it; the gateway never read the answer.
  proxy.release()
  await proxy.forwarded()
  t.same(zj.messagesApplied, [jti], 'the cut-off delivery reached ZJ')

  const second = await startServe(t, s.env)
  t.ok(await waitFor(async () => await statusOf(s, jti) === 'delivered', 60_000), 'a later serve delivers it (its job lock expired)')
  t.same(zj.received.filter((r) => r.jti === jti).length, 2, 'ZJ received it twice')
  t.same(zj.messagesApplied, [jti], 'and applied it once')
  second.child.kill('SIGTERM')
  t.same(await second.exited, { code: 0, signal: null })
})
