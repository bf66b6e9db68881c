import { createServer } from 'node:http'
import { readBody } from '../../sim/read-body.js'

/**
 * A real HTTP server before a simulated platform that holds each delivery (a POST) until the test
 * releases it, then forwards it and relays the answer: a platform as slow as the test wants, without
 * any timing. A delivery released after its sender died is still forwarded (the platform applies a
 * message whose answer nobody reads), so a test can prove a resend is not applied twice.
 */
export interface HoldingProxy {
  url: string
  /** Resolves when the first delivery arrives. */
  arrived: Promise<void>
  /** Lets the held deliveries (and every later one) through. */
  release: () => void
  /** Resolves when the released deliveries were forwarded and answered by the platform. */
  forwarded: () => Promise<void>
  close: () => Promise<void>
}

export async function startHoldingProxy (target: string): Promise<HoldingProxy> {
  let arrive = (): void => undefined
  const arrived = new Promise<void>((resolve) => { arrive = resolve })
  let release = (): void => undefined
  const released = new Promise<void>((resolve) => { release = resolve })
  const pending: Array<Promise<void>> = []
  const server = createServer((req, res) => {
    const forward = async (): Promise<void> => {
      const body = await readBody(req)
      if (req.method === 'POST') {
        arrive()
        await released
      }
      const answer = await fetch(`${target}${req.url ?? '/'}`, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/octet-stream' },
        body: req.method === 'POST' ? body : undefined
      })
      const text = await answer.text()
      if (!res.destroyed) res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' }).end(text)
    }
    pending.push(forward().catch(() => { if (!res.destroyed) res.writeHead(502).end() }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    arrived,
    release,
    forwarded: async () => { await Promise.all(pending) },
    close: async () => {
      release()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    }
  }
}
