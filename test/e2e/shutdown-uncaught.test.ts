import { connect } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { maskIdNumber } from '../../src/identifiers/mask.js'
import { sampleIdNumber } from '../../sim/sample-entries.js'
import { waitFor } from '../helpers/delivery-setup.js'
import { heldDeliveryScratch, publishHeld, statusToZj } from '../helpers/held-delivery.js'
import { startServe } from '../helpers/serve-process.js'

// Issue 16 item 5: close-with-grace handles uncaught errors and unhandled rejections as it does signals.
// A real gateway, started as `serve` starts it, meets one of each while a delivery to ZJ is held in
// flight: it logs the error through pino (identity number masked), stops accepting connections,
// lets the delivery finish, and exits 1 (README, "Shutdown"). The failure comes from a test script
// (test/helpers/serve-then-fail.ts), not from anything in src/.
const FAIL_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'serve-then-fail.js')

/** Whether a TCP connection to the gateway at `url` is refused (nothing listens there any more). */
async function refused (url: string): Promise<boolean> {
  const { hostname, port } = new URL(url)
  return await new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    socket.once('connect', () => { socket.destroy(); resolve(false) })
    socket.once('error', (err: NodeJS.ErrnoException) => { resolve(err.code === 'ECONNREFUSED') })
  })
}

const failures = [
  { mode: 'uncaught', what: 'an uncaught exception' },
  { mode: 'rejection', what: 'an unhandled rejection' }
] as const

for (const [i, { mode, what }] of failures.entries()) {
  t.test(`${what} during a slow delivery: logged, no new connections, the delivery completes, exit 1`, async (t) => {
    const h = await heldDeliveryScratch(t, 60_000)
    const gw = await startServe(t, h.s.env, [FAIL_SCRIPT, mode])
    const jti = await publishHeld(t, h, gw.url, i + 1)

    const idNumber = sampleIdNumber('310000', 40 + i)
    gw.child.stdin?.write(`ledger write failed for subject ${idNumber}\n`)
    const said = await gw.logged((l) => l.msg === 'uncaught error: shutting down')
    t.equal(said.level, 50, 'logged through pino at level error')
    t.match(said.err, { type: 'Error', message: `ledger write failed for subject ${maskIdNumber(idNumber)}` },
      'with the error that ended it, its identity number masked')
    t.notOk(JSON.stringify(gw.lines).includes(idNumber), 'no log line holds the identity number in clear')

    t.ok(await waitFor(async () => await refused(gw.url)), 'it stops accepting connections')
    t.equal(gw.child.exitCode, null, 'and is still running, draining')
    t.equal(await statusToZj(h.s, jti), 'delivering', 'while the delivery is still held at ZJ')
    h.proxy.release()

    t.same(await gw.exited, { code: 1, signal: null }, 'exit code 1 after the error, once the drain finished')
    t.equal(await statusToZj(h.s, jti), 'delivered', 'the delivery was answered and recorded before the exit')
    t.same(h.zj.messagesApplied, [jti], 'ZJ applied it once')
    t.notOk(gw.lines.some((l) => /grace ran out|shutdown failed/.test(String(l.msg))),
      'the grace did not run out and the close did not fail')
    t.notOk(gw.stderr().includes(idNumber), 'nor does stderr hold the identity number')
  })
}
