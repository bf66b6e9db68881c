import type { AdapterHealth } from './types.js'

/**
 * A credentials check made of a harmless call that carries the gateway's credentials (a signed
 * query over nothing, an export page of a list no one keeps): `up` when the platform answered it,
 * `down` with the adapter's reason otherwise (the reason names no secret).
 */
export function credentialsCheckBy (call: () => Promise<unknown>): () => Promise<AdapterHealth> {
  return async () => {
    try {
      await call()
      return { state: 'up' }
    } catch (err) {
      return { state: 'down', detail: err instanceof Error ? err.message : 'credentials check failed' }
    }
  }
}

/** The list a credentials check asks an export about: no owner keeps one by that name. */
export const NO_LIST = 'credentials-check'
