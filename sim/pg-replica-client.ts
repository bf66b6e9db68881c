import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { JSONWebKeySet } from 'jose'
import type { FromPgReplica, ToPgReplica } from './pg-replica-process.js'

/** A replica process (sim/pg-replica-process.ts) as its starter sees it. */
export interface PgReplicaProcess {
  /** Where the yrd-push adapter sends deliveries; reconciliation goes to the same base. */
  endpoint: string
  /** The process's peak resident set size so far, in bytes. */
  maxRssBytes: () => Promise<number>
  close: () => Promise<void>
}

/**
 * Forks a replica answering reconciliation for `platform` from the store in `schema` (created if
 * missing), trusting the gateway keys `gatewayJwks`.
 */
export async function startPgReplicaProcess (
  opts: { databaseUrl: string, schema: string, platform: string, gatewayJwks: JSONWebKeySet }
): Promise<PgReplicaProcess> {
  const script = fileURLToPath(new URL('./pg-replica-process.js', import.meta.url))
  const child = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const exited = new Promise<never>((_resolve, reject) => {
    child.once('exit', (code) => { reject(new Error(`the replica process exited (${String(code)})`)) })
  })
  exited.catch(() => undefined)
  const ask = async (message: ToPgReplica): Promise<FromPgReplica> => {
    const answer = new Promise<FromPgReplica>((resolve) => { child.once('message', (m) => { resolve(m as FromPgReplica) }) })
    child.send(message)
    return await Promise.race([answer, exited])
  }
  const ready = await ask({ type: 'start', ...opts })
  if (ready.type !== 'ready') {
    child.kill()
    throw new Error(`the replica process did not start: ${ready.type === 'failed' ? ready.error : ready.type}`)
  }
  return {
    endpoint: `${ready.url}/yrd/v1/deliveries`,
    maxRssBytes: async () => {
      const s = await ask({ type: 'stats' })
      return s.type === 'stats' ? s.maxRssBytes : 0
    },
    close: async () => {
      if (child.exitCode !== null) return
      const gone = new Promise<void>((resolve) => { child.once('exit', () => { resolve() }) })
      child.disconnect()
      const timeout = setTimeout(() => { child.kill() }, 10_000)
      await gone
      clearTimeout(timeout)
    }
  }
}
