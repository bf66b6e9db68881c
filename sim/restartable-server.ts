import type { Server } from 'node:http'
import type { Socket } from 'node:net'

/** A simulator's listening server that can go down (connections cut) and come back on its port. */
export interface RestartableServer {
  port: number
  stop: () => Promise<void>
  restart: () => Promise<void>
}

/** Listens on `port` (0: any) and tracks connections so that `stop` is an outage, not a drain. */
export async function listenRestartable (server: Server, host: string, port: number): Promise<RestartableServer> {
  const sockets = new Set<Socket>()
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)) })
  const listen = async (p: number): Promise<void> => await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(p, host, () => { server.off('error', reject); resolve() })
  })
  await listen(port)
  const address = server.address()
  const bound = typeof address === 'object' && address !== null ? address.port : port
  return {
    port: bound,
    stop: async () => {
      await new Promise<void>((resolve) => { server.close(() => { resolve() }); for (const s of sockets) s.destroy() })
    },
    restart: async () => { await listen(bound) }
  }
}
