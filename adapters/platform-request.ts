import type { Dispatcher } from 'undici'
import { networkError } from './http-failure.js'

/** One request of an adapter to its platform. */
export interface PlatformRequest {
  method: 'GET' | 'POST'
  /** Path and query on the pool's origin. */
  path: string
  headers?: Record<string, string>
  body?: string | Buffer
  /**
   * The whole exchange, answer read included; also the wait for the answer's headers and between
   * its body's chunks, which the pool sets to the delivery timeout (a reconciliation round may
   * take longer to answer than a delivery).
   */
  timeoutMs: number
}

/** The platform's answer, whatever its status: the body as bytes and as UTF-8 text. */
export interface PlatformAnswer {
  status: number
  headers: Dispatcher.ResponseData['headers']
  bytes: Buffer
  text: string
}

// As undici's body.text(): UTF-8, a byte order mark dropped.
const utf8 = new TextDecoder('utf-8')

/**
 * Sends one request on the adapter's pool and reads the whole answer. A request that gets no
 * answer (a timeout, a connection failure) becomes the AdapterError of networkError, `who` naming
 * the platform in its message; any answer is returned for the protocol to judge.
 */
export async function platformRequest (pool: Dispatcher, req: PlatformRequest, who?: string): Promise<PlatformAnswer> {
  try {
    const res = await pool.request({
      method: req.method,
      path: req.path,
      headers: req.headers,
      body: req.body,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
      signal: AbortSignal.timeout(req.timeoutMs)
    })
    const bytes = Buffer.from(await res.body.arrayBuffer())
    return { status: res.statusCode, headers: res.headers, bytes, text: utf8.decode(bytes) }
  } catch (err) {
    throw networkError(err, who)
  }
}
