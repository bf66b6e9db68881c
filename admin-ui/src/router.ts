import { useEffect, useState } from 'preact/hooks'
import type { PageDef } from './pages/page'

/** `#/messages/abc` against `messages/:jti`. */
export function match (pages: PageDef[], hash: string): { page: PageDef, params: Record<string, string> } | undefined {
  const parts = hash.replace(/^#\/?/, '').split('?')[0]?.split('/').filter((p) => p !== '') ?? []
  for (const page of pages) {
    const pattern = page.path.split('/')
    if (pattern.length !== parts.length) continue
    const params: Record<string, string> = {}
    if (pattern.every((p, i) => {
      const part = parts[i] ?? ''
      if (p.startsWith(':')) { params[p.slice(1)] = decodeURIComponent(part); return true }
      return p === part
    })) return { page, params }
  }
  return undefined
}

export function useHash (): string {
  const [hash, set] = useState(location.hash)
  useEffect(() => {
    const on = (): void => { set(location.hash) }
    window.addEventListener('hashchange', on)
    return () => { window.removeEventListener('hashchange', on) }
  }, [])
  return hash
}

export const href = (path: string): string => `#/${path}`

/** The `?a=b` part of the hash (filters a page keeps in its address, so they can be linked). */
export function hashQuery (hash: string): URLSearchParams {
  return new URLSearchParams(hash.split('?')[1] ?? '')
}

export function setHashQuery (path: string, params: Record<string, string>): void {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '')).toString()
  location.hash = `#/${path}${q === '' ? '' : `?${q}`}`
}
