/**
 * `Uint8Array.prototype.toBase64` (ES2026) where the runtime lacks it (Node 20 and 22), for jose:
 * jose encodes with it when present and otherwise with `String.fromCharCode` over 32 KiB chunks and
 * `btoa`, then three regular-expression replaces for base64url. Signing a delivery base64url-encodes
 * its whole payload (1.2 MB for 1,000 items), and that fallback was the largest single cost of the
 * gateway's process in the bulk bench (12 % of its CPU). Base64 has one encoding per input and
 * alphabet, so Node's native encoder gives exactly the same text; the test compares them.
 */

/** The base64 (padded unless `omitPadding`) or base64url text of `bytes`, as the ES2026 method gives it. */
export function toBase64 (
  bytes: Uint8Array, options?: { alphabet?: 'base64' | 'base64url', omitPadding?: boolean }
): string {
  const alphabet = options?.alphabet ?? 'base64'
  if (alphabet !== 'base64' && alphabet !== 'base64url') throw new TypeError('expected alphabet to be either "base64" or "base64url"')
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  // Node pads base64 and never pads base64url.
  const text = view.toString(alphabet)
  if (options?.omitPadding === true) return alphabet === 'base64' ? text.replace(/=+$/, '') : text
  return alphabet === 'base64url' ? text + '='.repeat((4 - text.length % 4) % 4) : text
}

/** Installs {@link toBase64} as `Uint8Array.prototype.toBase64` unless the runtime has its own. */
export function installToBase64 (): void {
  const proto = Uint8Array.prototype as unknown as Record<string, unknown>
  if (typeof proto.toBase64 === 'function') return
  // The ES2026 method itself, filled in where the runtime is older: nothing else is added.
  // eslint-disable-next-line no-extend-native
  Object.defineProperty(Uint8Array.prototype, 'toBase64', {
    value: function (this: Uint8Array, options?: { alphabet?: 'base64' | 'base64url', omitPadding?: boolean }) {
      return toBase64(this, options)
    },
    writable: true,
    configurable: true
  })
}
