/**
 * The bench's side of its peer process (bench/peer-process.ts): forks it, starts the simulated
 * platforms, and keeps what they report — per destination, the first receipt time of each message,
 * how often each was applied, and how many items were applied — so a bench can wait for messages
 * to be confirmed and compute accept → last receipt.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import type { PublicJwk, SigningAlg } from '../src/keys/signing-keys.js'
import type { FromPeer, PeerPlatform, PeerReport, ToPeer } from './peer-messages.js'

/** What one destination saw. */
interface PeerLog {
  firstReceipt: Map<string, number>
  appliedCount: Map<string, number>
  receipts: number
  appliedItems: number
}

/** A message and the platforms it is delivered to. */
export interface Addressed { jti: string, destinations: readonly string[] }

/** Receipts reported by the peer process, per destination. */
export class ReceiptLog {
  private readonly peers = new Map<string, PeerLog>()
  /** Set when the peer process is gone: nothing more will be reported, so waiting is pointless. */
  lost: Error | undefined

  constructor (ids: readonly string[]) {
    for (const id of ids) {
      this.peers.set(id, { firstReceipt: new Map(), appliedCount: new Map(), receipts: 0, appliedItems: 0 })
    }
  }

  add (report: PeerReport): void {
    for (const p of report.peers) {
      const log = this.peers.get(p.id)
      if (log === undefined) continue
      for (const [jti, at] of p.received) if (!log.firstReceipt.has(jti)) log.firstReceipt.set(jti, at)
      for (const jti of p.applied) log.appliedCount.set(jti, (log.appliedCount.get(jti) ?? 0) + 1)
      log.receipts += p.received.length
      log.appliedItems += p.appliedItems
    }
  }

  private log (id: string): PeerLog {
    const log = this.peers.get(id)
    if (log === undefined) throw new Error(`no peer ${id}`)
    return log
  }

  /** When the last of `destinations` first received `jti` (epoch ms), or undefined while one has not. */
  lastReceipt (jti: string, destinations: readonly string[]): number | undefined {
    let last = 0
    for (const d of destinations) {
      const at = this.log(d).firstReceipt.get(jti)
      if (at === undefined) return undefined
      last = Math.max(last, at)
    }
    return last
  }

  /** When `destinations` first received anything of `jtis` (epoch ms; Infinity if nothing). */
  firstReceipt (jtis: readonly string[], destinations: readonly string[]): number {
    let first = Infinity
    for (const d of destinations) {
      const log = this.log(d)
      for (const jti of jtis) first = Math.min(first, log.firstReceipt.get(jti) ?? Infinity)
    }
    return first
  }

  /** Confirmed: every destination applied the message (its receipt was the answer to that). */
  confirmed (jti: string, destinations: readonly string[]): boolean {
    return destinations.every((d) => this.log(d).appliedCount.has(jti))
  }

  /** Waits until each message is confirmed by its destinations; false on timeout. */
  async waitAll (messages: readonly Addressed[], timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs
    let from = 0 // messages confirmed in order of the list are not looked at again
    for (;;) {
      for (let m = messages[from]; m !== undefined && this.confirmed(m.jti, m.destinations); m = messages[from]) from++
      if (from === messages.length) return true
      if (this.lost !== undefined) throw this.lost
      if (Date.now() > end) return false
      await sleep(20)
    }
  }

  /** Messages a destination applied other than exactly once (none missing if all were confirmed). */
  anomalies (messages: readonly Addressed[]): string[] {
    const out: string[] = []
    for (const m of messages) {
      for (const d of m.destinations) {
        const n = this.log(d).appliedCount.get(m.jti) ?? 0
        if (n !== 1) out.push(`${m.jti} applied ${n}× by ${d}`)
      }
    }
    return out
  }

  /** Receipts beyond each destination's first of a message (retries of what it had received). */
  repeatedReceipts (): number {
    return [...this.peers.values()].reduce((n, log) => n + log.receipts - log.firstReceipt.size, 0)
  }

  /** Totals per destination: receipts (each attempt), messages applied, items applied. */
  totals (): Record<string, { receipts: number, messages: number, items: number }> {
    return Object.fromEntries([...this.peers].map(([id, log]) => [id, {
      receipts: log.receipts,
      messages: [...log.appliedCount.values()].reduce((a, b) => a + b, 0),
      items: log.appliedItems
    }]))
  }
}

/** The running peer process. */
export interface PeerProcess {
  platforms: Map<string, PeerPlatform>
  receipts: ReceiptLog
  /** The peer process's pid, to read the CPU it spends (bench/machine-cpu.ts's processCpuMs). */
  pid: number | undefined
  /** Points the simulators at the gateway's JWKS URL or key set (its signature on deliveries). */
  trustGateway: (jwks: string | { keys: PublicJwk[] }) => Promise<void>
  close: () => Promise<void>
}

/**
 * Forks bench/peer-process.js (next to this file in dist/) and starts `platforms` in it; `sinks`
 * adds an unsigned HTTP sink per platform.
 */
export async function startPeerProcess (
  platforms: ReadonlyArray<{ id: string, alg: SigningAlg }>, opts: { sinks?: boolean } = {}
): Promise<PeerProcess> {
  const script = fileURLToPath(new URL('./peer-process.js', import.meta.url))
  const child: ChildProcess = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const receipts = new ReceiptLog(platforms.map((p) => p.id))
  const waiting = new Map<string, (m: FromPeer) => void>()
  let exited: Error | undefined
  child.on('message', (raw) => {
    const msg = raw as FromPeer
    if (msg.type === 'report') { receipts.add(msg); return }
    waiting.get(msg.type)?.(msg)
    waiting.delete(msg.type)
  })
  const exitedEarly = new Promise<never>((_resolve, reject) => {
    child.once('exit', (code) => {
      exited = new Error(`the peer process exited (${String(code)})`)
      receipts.lost = exited
      reject(exited)
    })
  })
  exitedEarly.catch(() => undefined)
  const ask = async <T extends FromPeer>(message: ToPeer, answer: T['type']): Promise<T> => {
    if (exited !== undefined) throw exited
    const got = new Promise<T>((resolve) => { waiting.set(answer, (m) => { resolve(m as T) }) })
    child.send(message)
    return await Promise.race([got, exitedEarly])
  }
  const ready = await ask<Extract<FromPeer, { type: 'ready' }>>({ type: 'start', platforms: [...platforms], sinks: opts.sinks ?? false }, 'ready')
  return {
    platforms: new Map(ready.platforms.map((p) => [p.id, p])),
    receipts,
    pid: child.pid,
    trustGateway: async (jwks) => { await ask({ type: 'trust', jwks }, 'trusted') },
    close: async () => {
      if (exited !== undefined) return
      const gone = new Promise<void>((resolve) => { child.once('exit', () => { resolve() }) })
      child.send({ type: 'close' } satisfies ToPeer)
      const timeout = setTimeout(() => { child.kill() }, 10_000)
      await gone
      clearTimeout(timeout)
    }
  }
}
