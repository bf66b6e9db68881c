import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'

/** A free TCP port on loopback. */
export async function freePort (): Promise<number> {
  return await new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => { resolve(port) })
    })
  })
}

/**
 * A Redis server of the test's own (no persistence, like the machine's), so it can be killed and
 * restarted without touching the Redis other tests use.
 */
export class OwnRedis {
  private child: ChildProcess | undefined
  constructor (readonly port: number) {}

  get url (): string { return `redis://127.0.0.1:${this.port}` }

  async start (): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
    const probe = new Redis(this.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 })
    probe.on('error', () => undefined)
    for (let i = 0; i < 100; i++) {
      try {
        await probe.connect()
        await probe.ping()
        probe.disconnect()
        return
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
    throw new Error('redis-server did not start')
  }

  /** SIGKILL: everything it held is gone. */
  async kill (): Promise<void> {
    const c = this.child
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) return
    const gone = new Promise<void>((resolve) => c.once('exit', () => { resolve() }))
    c.kill('SIGKILL')
    await gone
  }
}
