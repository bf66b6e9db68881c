import { request } from 'node:http'
import type { Test } from 'tap'

/**
 * Timing a hostile body against a real listening gateway: the answer's time and, meanwhile, the
 * slowest of repeated `/healthz` answers (issue 12 item 2's two bounds: < 1 s and < 100 ms).
 */

export interface Answer { status: number, body: Record<string, unknown>, ms: number }

/** POSTs with node:http, which reads an answer that comes while the body is still being sent. */
export async function post (
  base: string, path: string, headers: Record<string, string>, body: Buffer
): Promise<Answer> {
  const started = performance.now()
  return await new Promise<Answer>((resolve, reject) => {
    let answered = false
    const req = request(base + path, { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      answered = true
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const ms = performance.now() - started
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>, ms })
      })
    })
    // A gateway that answers early may close before the whole body went out: that is the point.
    req.on('error', (err) => { if (!answered) reject(err) })
    req.end(body)
  })
}

export async function healthz (base: string): Promise<number> {
  const started = performance.now()
  await new Promise<void>((resolve, reject) => {
    request(`${base}/healthz`, (res) => { res.resume(); res.on('end', resolve) }).on('error', reject).end()
  })
  return performance.now() - started
}

/** Runs `send` while `/healthz` is asked again and again; the slowest of those answers comes back with it. */
export async function underProbe (base: string, send: () => Promise<Answer>): Promise<{
  answer: Answer, slowestHealthz: number, probes: number
}> {
  const state = { done: false }
  const times: number[] = []
  const probing = (async () => {
    while (!state.done) times.push(await healthz(base))
  })()
  const answer = await send()
  // One more probe once the answer is out, so that a stall right at the end is seen too.
  state.done = true
  await probing
  times.push(await healthz(base))
  return { answer, slowestHealthz: Math.max(...times), probes: times.length }
}

/**
 * Sends a hostile request under the probe and checks both bounds. The machine running the suite is
 * shared and busy, so a miss is tried again, up to three times, each with fresh headers (a nonce is
 * good once): a gateway that stalls on the body misses every time, scheduler noise does not.
 */
export async function refusedInTime (
  t: Test, base: string, what: string, prepare: () => () => Promise<Answer>
): Promise<Answer> {
  let r: Awaited<ReturnType<typeof underProbe>> | undefined
  let tries = 0
  while (tries < 3) {
    tries++
    const send = prepare()
    r = await underProbe(base, send)
    if (r.answer.ms < 1000 && r.slowestHealthz < 100) break
  }
  if (r === undefined) throw new Error('no attempt')
  t.ok(r.answer.ms < 1000, `${what}: refused in < 1 s (${r.answer.ms.toFixed(0)} ms, try ${tries})`)
  t.ok(r.slowestHealthz < 100, `${what}: /healthz answered in < 100 ms throughout (slowest ${r.slowestHealthz.toFixed(0)} ms of ${r.probes})`)
  return r.answer
}

/**
 * Bodies are filled natively (Buffer.alloc with a pattern), never built as huge strings: the
 * gateway runs in this process, and collecting such garbage mid-probe would stall it, not the route.
 */
export const fill = (bytes: number, pattern: string): Buffer => Buffer.alloc(bytes, pattern, 'latin1')
export const ascii = (s: string): Buffer => Buffer.from(s, 'latin1')
