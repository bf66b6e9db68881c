/**
 * `Uint8Array.fromBase64` (ES2026) where the runtime lacks it (Node 20), for jose: jose decodes
 * with it when present and otherwise with `atob` and a JavaScript loop over every character, which
 * for a 1.2 MB envelope payload was the largest single cost of ingest (~19 ms of Node per 1,000-item
 * envelope, bench:ingest profile). This one accepts exactly what jose's own fallback accepts — the
 * WHATWG forgiving-base64 of `atob`, and for the base64url alphabet no `+` or `/` — and lets
 * Node's native decoder do the work. Only the `alphabet` option is read: it is all jose passes.
 */

const ASCII_WHITESPACE_ALL = /[\t\n\f\r ]/g
const BASE64 = /^[A-Za-z0-9+/]*$/
const EQUALS = 61

/** The exact rule, one regular expression pass at a time: for what the fast path cannot vouch for. */
function forgivingSlow (s: string): Uint8Array {
  s = s.replace(ASCII_WHITESPACE_ALL, '')
  if (s.length % 4 === 0) s = s.endsWith('==') ? s.slice(0, -2) : s.endsWith('=') ? s.slice(0, -1) : s
  if (s.length % 4 === 1 || !BASE64.test(s)) throw new SyntaxError('The string to be decoded is not correctly encoded.')
  return new Uint8Array(Buffer.from(s, 'base64'))
}

/** Decodes `input` as jose's fallback (`atob` after mapping base64url to base64) does, or throws. */
export function forgivingBase64 (input: string, alphabet: 'base64' | 'base64url' = 'base64'): Uint8Array {
  const s = String(input)
  // Node's decoder takes both alphabets; the other alphabet's two characters are refused first.
  const url = alphabet === 'base64url'
  if (url ? s.includes('+') || s.includes('/') : s.includes('-') || s.includes('_')) {
    throw new SyntaxError(`Invalid ${alphabet}`)
  }
  let end = s.length
  if (end % 4 === 0 && s.charCodeAt(end - 1) === EQUALS) end -= s.charCodeAt(end - 2) === EQUALS ? 2 : 1
  if (end % 4 !== 1) {
    // Node's decoder skips what is not base64 (or stops at a stray '='), so a string it decodes to
    // the full length holds nothing else: no whitespace, no stray character. A copy: a plain
    // Uint8Array of its own, never a view into Buffer's shared pool.
    const bytes = Buffer.from(s, 'base64')
    if (bytes.length === Math.floor(end * 3 / 4)) return new Uint8Array(bytes)
  }
  return forgivingSlow(url ? s.replace(/-/g, '+').replace(/_/g, '/') : s)
}

/** Installs {@link forgivingBase64} as `Uint8Array.fromBase64` unless the runtime has its own. */
export function installFromBase64 (): void {
  const ctor = Uint8Array as unknown as Record<string, unknown>
  if (typeof ctor.fromBase64 === 'function') return
  Object.defineProperty(Uint8Array, 'fromBase64', {
    value: (input: string, options?: { alphabet?: 'base64' | 'base64url' }) => forgivingBase64(input, options?.alphabet),
    writable: true,
    configurable: true
  })
}
