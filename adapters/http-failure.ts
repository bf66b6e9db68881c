import { errors as undiciErrors, type Pool } from 'undici'
import type { DeliveryPolicy } from '../config/config-schema.js'
import { AdapterError } from './types.js'

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
    { retryable: true, unreachable: true, cause: err })
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
