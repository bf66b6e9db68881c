import { request, errors as undiciErrors, type Dispatcher, type Pool } from 'undici'
import type { DeliveryPolicy } from '../config/config-schema.js'
import { AdapterError, type AdapterErrorCode, type AdapterHealth } from './types.js'

/**
 * A request that never got an answer: a timeout (undici's or an AbortSignal's) or a connection
 * failure. Always retryable, and `unreachable` so the gateway checks the platform's health and
 * pauses its queue while it is down.
 */
export function networkError (err: unknown, platform?: string): AdapterError {
  const name = (err as { name?: string }).name ?? ''
  const timeout = err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError || name === 'TimeoutError' || name === 'AbortError'
  const code = (err as { code?: string }).code ?? ''
  const who = platform === undefined ? '' : `${platform} `
  return new AdapterError(timeout ? `${who}timed out` : `${who}unreachable (${code !== '' ? code : String((err as Error).message)})`,
    { code: timeout ? 'ADAPTER_TIMEOUT' : 'ADAPTER_UNREACHABLE', retryable: true, unreachable: true, cause: err })
}

/** 5xx, 408 and 429: the platform may take the same request later. */
export const retryableStatus = (status: number): boolean => status >= 500 || status === 408 || status === 429

/**
 * The cause of an HTTP answer that is not a success: the platform refused the gateway's credentials
 * (401, 403), could not take the request now (5xx, 408, 429), or refused it.
 */
export function statusCode (status: number): AdapterErrorCode {
  if (status === 401 || status === 403) return 'ADAPTER_AUTH'
  return retryableStatus(status) ? 'ADAPTER_UNAVAILABLE' : 'ADAPTER_REFUSED'
}

/** Connection-pool options every adapter uses for its platform: timeouts from the delivery policy. */
export function poolOptions (policy: DeliveryPolicy): Pool.Options {
  return {
    connections: policy.concurrency,
    headersTimeout: policy.timeoutMs,
    bodyTimeout: policy.timeoutMs,
    connectTimeout: Math.min(policy.timeoutMs, 5000),
    keepAliveTimeout: 10_000
  }
}

/**
 * A plain HTTP health check: up on 2xx, down otherwise or when unreachable. `pool` is used when
 * the health URL shares its origin (no extra connection); checks time out within 3 s.
 */
export async function httpHealth (healthUrl: URL, timeoutMs: number, pool?: Dispatcher): Promise<AdapterHealth> {
  try {
    const signal = AbortSignal.timeout(Math.min(timeoutMs, 3000))
    const res = pool === undefined
      ? await request(healthUrl, { method: 'GET', signal })
      : await pool.request({ method: 'GET', path: healthUrl.pathname + healthUrl.search, signal })
    await res.body.dump()
    return res.statusCode >= 200 && res.statusCode < 300 ? { state: 'up' } : { state: 'down', detail: `health answered ${res.statusCode}` }
  } catch (err) {
    return { state: 'down', detail: networkError(err).message }
  }
}
