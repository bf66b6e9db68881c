/** Small helpers shared by the benches: environment knobs, percentiles, rounding, the JSON line. */

/** A positive integer from the environment, or `fallback` when unset; anything else is an error. */
export function positiveIntFromEnv (name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${raw}`)
  return n
}

/** Nearest-rank percentile (`p` in 0..100) of unsorted samples; NaN when there are none. */
export function percentile (samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
  return sorted[rank - 1] as number
}

/** Rounds to `digits` decimals (0 by default). */
export function round (x: number, digits = 0): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

/** Runs `task` over `inputs` with at most `concurrency` in flight; returns each task's duration in ms. */
export async function runConcurrently<T> (
  inputs: readonly T[], concurrency: number, task: (input: T, index: number) => Promise<void>
): Promise<number[]> {
  const durations: number[] = new Array<number>(inputs.length).fill(0)
  let next = 0
  let failed = false
  const worker = async (): Promise<void> => {
    while (!failed && next < inputs.length) {
      const i = next++
      const started = performance.now()
      try {
        await task(inputs[i] as T, i)
      } catch (err) {
        failed = true // the others stop taking work: one failure fails the run
        throw err
      }
      durations[i] = performance.now() - started
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, worker))
  return durations
}

/** The last line every bench prints (docs/protocol.md#benchmarks): `{"bench":"<name>", ...figures}`. */
export function benchLine (name: string, figures: Record<string, number | string>): string {
  return JSON.stringify({ bench: name, ...figures })
}

/**
 * Open loop: input i is sent at start + i/rate s whether or not the earlier ones were answered (a
 * closed loop would slow down with the system and hide its latency). `send` resolves with the time
 * (epoch ms) the input was accepted. Returns those times by index, the failures, and how far
 * behind schedule a send ever started.
 */
export async function publishAtRate<T> (
  inputs: readonly T[], rate: number, send: (input: T) => Promise<number>
): Promise<{ acceptedAt: Array<number | undefined>, failures: string[], maxLateMs: number }> {
  const acceptedAt: Array<number | undefined> = new Array<number | undefined>(inputs.length).fill(undefined)
  const failures: string[] = []
  const inflight: Array<Promise<void>> = []
  let maxLateMs = 0
  const t0 = performance.now() + 50
  for (const [i, input] of inputs.entries()) {
    const due = t0 + (i * 1000) / rate
    const wait = due - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    maxLateMs = Math.max(maxLateMs, performance.now() - due)
    inflight.push(send(input).then((at) => { acceptedAt[i] = at }, (err: unknown) => { failures.push(`#${i}: ${String(err)}`) }))
  }
  await Promise.all(inflight)
  return { acceptedAt, failures, maxLateMs }
}

/** Least-squares slope of `ys` over `xs` (per unit of x); NaN with fewer than two points. */
export function slope (xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length)
  if (n < 2) return Number.NaN
  const mx = xs.slice(0, n).reduce((a, b) => a + b, 0) / n
  const my = ys.slice(0, n).reduce((a, b) => a + b, 0) / n
  let num = 0
  let den = 0
  for (let i = 0; i < n; i++) {
    num += ((xs[i] as number) - mx) * ((ys[i] as number) - my)
    den += ((xs[i] as number) - mx) ** 2
  }
  return den === 0 ? Number.NaN : num / den
}
