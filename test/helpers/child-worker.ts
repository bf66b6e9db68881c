import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Harness } from './harness.js'

/** Starts the relay and workers of `h`'s gateway in a child process; resolves once it is ready. */
export async function startChildWorker (h: Harness): Promise<ChildProcess> {
  const file = join(mkdtempSync(join(tmpdir(), 'gw-worker-')), 'spec.json')
  // Sets (the working calendar's years, holidays…) travel as { $set: [...] }: worker-process.ts revives them.
  const sets = (_key: string, value: unknown): unknown => value instanceof Set ? { $set: [...value] } : value
  writeFileSync(
    file, JSON.stringify({ config: h.config, runtime: h.runtime, gatewayPrivateJwks: h.gatewayPrivateJwks }, sets)
  )
  const script = join(dirname(fileURLToPath(import.meta.url)), 'worker-process.js')
  const child = spawn(process.execPath, [script, file], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => { reject(new Error(`worker exited early (${String(code)})`)) })
    child.stdout?.on('data', (chunk: Buffer) => { if (chunk.toString().includes('worker ready')) resolve() })
  })
  child.removeAllListeners('exit')
  return child
}

/** Kills a child with SIGKILL (no chance to clean up) and waits for it to be gone. */
export async function killHard (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise<void>((resolve) => child.once('exit', () => { resolve() }))
  child.kill('SIGKILL')
  await gone
}
