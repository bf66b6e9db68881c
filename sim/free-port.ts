import { createServer } from 'node:net'

/** A port free on 127.0.0.1 now (listened on, then released): for a process that must be told its port up front. */
export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const a = server.address()
      server.close(() => { resolve(typeof a === 'object' && a !== null ? a.port : 0) })
    })
  })
}
