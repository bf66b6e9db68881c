/** The dashboard's one way to the gateway: same origin, the session cookie, the CSRF token on state changes. */
import type { SessionV1 } from '../../contracts/admin-v1.js'

export type Session = SessionV1
export type Role = SessionV1['roles'][number]

export class ApiError extends Error {
  constructor (readonly status: number, readonly code: string, detail: string) {
    super(detail)
  }
}

let csrfToken: string | null = null
let onUnauthorized: () => void = () => undefined

export function setCsrfToken (token: string | null): void { csrfToken = token }
export function whenUnauthorized (fn: () => void): void { onUnauthorized = fn }

export async function api<T> (path: string, opts: { method?: string, body?: unknown } = {}): Promise<T> {
  const method = opts.method ?? 'GET'
  const headers: Record<string, string> = { accept: 'application/json' }
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: opts.body === undefined ? undefined : JSON.stringify(opts.body) })
  if (res.status === 204) return undefined as T
  const body = await res.json().catch(() => ({})) as Record<string, unknown>
  if (!res.ok) {
    if (res.status === 401 && path !== '/v1/admin/session') onUnauthorized()
    throw new ApiError(res.status, String(body.code ?? 'ERROR'), String(body.detail ?? res.statusText))
  }
  return body as T
}

/** A query string from the set values only. */
export function query (params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s === '' ? '' : `?${s}`
}
