/**
 * The destinations of the pipeline and bulk benches, in a process of their own (forked by
 * bench/peer-client.ts), so that their signature checks and replica writes are not charged to the
 * gateway's process. It runs the simulated `yrd-push` platforms of sim/platform-simulator.ts and
 * reports what each received and applied, and when, every REPORT_MS over the IPC channel (the bench
 * computes accept → last receipt from those wall-clock stamps: one machine, one clock).
 *
 * The simulators keep every entry they hold; a bench sends a million, so each report also drops
 * what was reported and the holdings (the benches send distinct entries only, so a replica without
 * its holdings applies them exactly as one with them would). The jti of each message applied is
 * kept, so a message delivered twice is still recognised as a duplicate.
 */
import { createServer, type Server } from 'node:http'
import { startSimulatedPlatform, type SimulatedPlatform } from '../sim/platform-simulator.js'
import { readBody } from '../sim/read-body.js'
import { installFromBase64 } from '../src/runtime/from-base64.js'
import { installToBase64 } from '../src/runtime/to-base64.js'
import type { FromPeer, PeerPlatform, PeerReport, PeerStart, ToPeer } from './peer-messages.js'

const REPORT_MS = 20
const SINK_BODY_LIMIT = 64 * 1024 * 1024

// The peers share the machine's cores with the gateway: they verify with native base64, as the gateway does
// (jose's JavaScript fallback cost them a quarter of their CPU in the bulk bench).
installFromBase64()
installToBase64()

const sims: SimulatedPlatform[] = []
const sinks: Server[] = []
let timer: NodeJS.Timeout | undefined

function send (message: FromPeer): void {
  process.send?.(message)
}

/**
 * A bare HTTP peer for a baseline: reads the body and parses it as JSON (what any receiver does
 * before it can look at the content), answers 200 with the item count. No signature, no replica.
 */
async function startSink (): Promise<{ server: Server, url: string }> {
  const server = createServer((req, res) => {
    readBody(req, SINK_BODY_LIMIT).then((body) => {
      if (body === undefined) { res.writeHead(413).end(); return }
      const parsed = JSON.parse(body.toString('utf8')) as { items?: unknown[] }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: parsed.items?.length ?? 0 }))
    }).catch(() => { res.writeHead(400).end() })
  })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  const address = server.address()
  if (address === null || typeof address !== 'object') throw new Error('sink is not listening on a TCP port')
  return { server, url: `http://127.0.0.1:${address.port}/sink` }
}

/** Takes what each simulator recorded since the last report out of it. */
function collect (): PeerReport {
  return {
    type: 'report',
    peers: sims.map((sim) => {
      const received = sim.received.splice(0).map((r): [string, number] => [r.jti, Date.parse(r.at)])
      const applied = sim.messagesApplied.splice(0)
      const appliedItems = sim.applied.length
      sim.applied.length = 0
      sim.held.clear()
      return { id: sim.id, received, applied, appliedItems }
    })
  }
}

async function start (msg: PeerStart): Promise<void> {
  const platforms: PeerPlatform[] = []
  for (const p of msg.platforms) {
    const sim = await startSimulatedPlatform({ id: p.id, alg: p.alg })
    sims.push(sim)
    const sink = msg.sinks ? await startSink() : undefined
    if (sink !== undefined) sinks.push(sink.server)
    platforms.push({ id: sim.id, url: sim.url, jwks: sim.jwks, ...(sink === undefined ? {} : { sinkUrl: sink.url }) })
  }
  timer = setInterval(() => {
    const report = collect()
    if (report.peers.some((p) => p.received.length > 0 || p.applied.length > 0 || p.appliedItems > 0)) send(report)
  }, REPORT_MS)
  send({ type: 'ready', platforms })
}

async function close (): Promise<void> {
  clearInterval(timer)
  await Promise.all(sims.map(async (s) => { await s.close() }))
  await Promise.all(sinks.map(async (s) => {
    await new Promise((resolve) => { s.close(resolve); s.closeAllConnections() })
  }))
  process.disconnect?.()
}

process.on('message', (raw) => {
  const msg = raw as ToPeer
  const done = (err: unknown): void => {
    process.stderr.write(`peer process: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
    process.exit(1)
  }
  if (msg.type === 'start') start(msg).catch(done)
  if (msg.type === 'trust') {
    for (const sim of sims) sim.trustGateway(msg.jwks)
    send({ type: 'trusted' })
  }
  if (msg.type === 'close') close().then(() => process.exit(0), done)
})
// The bench went away (a crash, Ctrl-C): nothing is left to report to.
process.on('disconnect', () => { process.exit(0) })
