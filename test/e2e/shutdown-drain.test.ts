import t from 'tap'
import { waitFor } from '../helpers/delivery-setup.js'
import { heldDeliveryScratch, publishHeld, statusToZj } from '../helpers/held-delivery.js'
import { startServe } from '../helpers/serve-process.js'

// Issue 16 item 5: on SIGTERM `credit-gw serve` lets in-flight deliveries finish for
// `shutdownGraceMs` (close-with-grace), then exits 0; a delivery the grace cuts off is not lost and
// not applied twice. ZJ sits behind a proxy that holds each delivery until the test lets it go.
// (An uncaught error or an unhandled rejection: shutdown-uncaught.test.ts.)
const SHUTTING_DOWN = 'shutting down: finishing in-flight work'

t.test('SIGTERM during a slow delivery: the delivery completes, then serve exits 0', async (t) => {
  const h = await heldDeliveryScratch(t, 60_000)
  const { s, zj, proxy } = h
  const gw = await startServe(t, s.env)
  const jti = await publishHeld(t, h, gw.url, 1)
  gw.child.kill('SIGTERM')
  await gw.logged((l) => l.msg === SHUTTING_DOWN)
  proxy.release()
  const exit = await gw.exited
  t.same(exit, { code: 0, signal: null }, 'exit code 0: the in-flight work finished within the grace')
  t.equal(await statusToZj(s, jti), 'delivered', 'the delivery was answered and recorded before the exit')
  t.same(zj.messagesApplied.filter((j) => j === jti), [jti], 'ZJ applied it once')
  t.notOk(gw.lines.some((l) => /grace ran out/.test(String(l.msg))), 'the grace did not run out')
})

t.test('a grace shorter than the delivery: serve exits 1, the delivery stays unfinished, a later serve delivers it, applied once', async (t) => {
  const h = await heldDeliveryScratch(t, 500)
  const { s, zj, proxy } = h
  const first = await startServe(t, s.env)
  const jti = await publishHeld(t, h, first.url, 2)
  first.child.kill('SIGTERM')
  const exit = await first.exited
  t.same(exit, { code: 1, signal: null }, 'exit code 1: the grace ran out with a delivery in flight')
  t.ok(first.lines.some((l) => l.msg === 'shutdown grace ran out; exiting with work unfinished' && l.level === 50),
    'said so through pino, at level error')
  t.equal(await statusToZj(s, jti), 'delivering', 'neither delivered nor dead: still the queue\'s to finish')

  // The platform gets the cut-off request after all and applies it; the gateway never read the answer.
  proxy.release()
  await proxy.forwarded()
  t.same(zj.messagesApplied, [jti], 'the cut-off delivery reached ZJ')

  const second = await startServe(t, s.env)
  t.ok(await waitFor(async () => await statusToZj(s, jti) === 'delivered', 60_000), 'a later serve delivers it (its job lock expired)')
  t.same(zj.received.filter((r) => r.jti === jti).length, 2, 'ZJ received it twice')
  t.same(zj.messagesApplied, [jti], 'and applied it once')
  second.child.kill('SIGTERM')
  t.same(await second.exited, { code: 0, signal: null })
})
