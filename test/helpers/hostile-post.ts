import { request } from 'node:http'
import type { Test } from 'tap'
import { largeParsesDuring, PARSE_BOUND } from './parser-spy.js'

/**
 * Sending hostile bodies to a real listening gateway, and the evidence, without a clock, that the
 * gateway refused them without the work they were built to cause (issue 12 item 2): the refusal,
 * no large input reaching a parser meanwhile, and `/healthz` answering afterwards. How long they
 * take is measured in bench/hostile-bodies.ts.
 */

/** An answer: its status (0 when the connection closed before one came), text, and JSON body if any. */
export interface Answer { status: number, text: string, body: Record<string, unknown> }

/** POSTs with node:http, which reads an answer that comes while the body is still being sent. */
export async function post (
  base: string, path: string, headers: Record<string, string>, body: Buffer
): Promise<Answer> {
  return await new Promise<Answer>((resolve) => {
    let answered = false
    const options = { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } }
    const req = request(base + path, options, (res) => {
      answered = true
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        const json = /json/.test(res.headers['content-type'] ?? '')
        resolve({ status: res.statusCode ?? 0, text, body: json ? JSON.parse(text) as Record<string, unknown> : {} })
      })
    })
    // A gateway that answers early may close before the whole body went out: that is the point.
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!answered) resolve({ status: 0, text: err.code ?? err.message, body: {} })
    })
    req.end(body)
  })
}

export async function healthzStatus (base: string): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    request(`${base}/healthz`, (res) => { res.resume(); res.on('end', () => { resolve(res.statusCode ?? 0) }) })
      .on('error', reject).end()
  })
}

/**
 * Sends a hostile request and asserts what holds whatever the machine's load: no input of
 * `PARSE_BOUND` or more reached a parser while it was handled, and `/healthz` answers afterwards.
 * The caller asserts the refusal itself (status, code, the scan's own detail).
 */
export async function refusedUnparsed (
  t: Test, base: string, what: string, send: () => Promise<Answer>
): Promise<Answer> {
  const { result, largeParses } = await largeParsesDuring(send)
  t.same(largeParses, [], `${what}: no parser was given ${PARSE_BOUND} bytes or more`)
  t.equal(await healthzStatus(base), 200, `${what}: /healthz still answers`)
  return result
}

/** Bodies are filled natively (Buffer.alloc with a pattern), not built as huge strings. */
export const fill = (bytes: number, pattern: string): Buffer => Buffer.alloc(bytes, pattern, 'latin1')
export const ascii = (s: string): Buffer => Buffer.from(s, 'latin1')
