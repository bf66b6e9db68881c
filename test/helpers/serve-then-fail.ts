// `credit-gw serve` as the CLI runs it (serveGateway: close-with-grace installed), which then fails on
// purpose, so a test can prove the shutdown after an uncaught exception or an unhandled rejection
// without a backdoor in src/. argv[2]: `uncaught` (a throw from a timer) or `rejection` (a promise
// rejected with no handler). Each line written to its stdin is the message of one such failure.
import { createInterface } from 'node:readline'
import { serveGateway } from '../../src/server.js'

const mode = process.argv[2]
if (mode !== 'uncaught' && mode !== 'rejection') {
  process.stderr.write(`usage: serve-then-fail.js uncaught|rejection (not ${String(mode)})\n`)
  process.exit(2)
}
await serveGateway('all')
createInterface({ input: process.stdin }).on('line', (message) => {
  if (mode === 'uncaught') setTimeout(() => { throw new Error(message) }, 0)
  else Promise.reject(new Error(message)) // no handler on purpose
})
