import { spawn } from 'node:child_process'

export const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool'

/** Runs promtool (Debian's `prometheus` package; .ci/run installs it) with `input` on stdin. */
export async function promtool (
  args: string[], opts: { input?: string, cwd?: string } = {}
): Promise<{ code: number, out: string }> {
  return await new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, args, { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString('utf8') })
    child.stderr.on('data', (d: Buffer) => { out += d.toString('utf8') })
    child.on('error', reject)
    child.on('close', (code) => { resolve({ code: code ?? -1, out }) })
    child.stdin.end(opts.input ?? '')
  })
}
