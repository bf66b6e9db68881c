import iconv from 'iconv-lite'
import { unmappable } from '../types.js'

/** The encoding of every Jiangsu batch file (GB 18030-2022, as iconv-lite implements it). */
export const JS_ENCODING = 'gb18030'

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** GB18030 bytes of `text`. */
export function gb18030 (text: string): Buffer {
  return iconv.encode(text, JS_ENCODING)
}

/**
 * Refuses text GB18030 cannot carry, permanently: a lone surrogate (half of a UTF-16 pair, not a
 * character at all) or a character whose GB18030 mapping does not come back as the same
 * character (a few private-use code points GB 18030-2022 remapped). GB18030 covers every other
 * Unicode character, supplementary planes included (𠮷, emoji), so this is the whole check.
 * The message names where the character is and its code point, never the text (it may be personal).
 */
export function assertGb18030 (text: string, where: string): void {
  const lone = LONE_SURROGATE.exec(text)
  if (lone !== null) {
    throw unmappable(`${where}: a lone surrogate U+${lone[0].charCodeAt(0).toString(16).toUpperCase()} cannot be encoded in GB18030`)
  }
  if (iconv.decode(gb18030(text), JS_ENCODING) === text) return
  for (const ch of text) {
    if (iconv.decode(gb18030(ch), JS_ENCODING) !== ch) {
      throw unmappable(`${where}: U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase()} does not survive GB18030`)
    }
  }
}

/**
 * Decodes a GB18030 file, refusing bytes that are not GB18030 (a decoder would silently turn them
 * into U+FFFD): the text must encode back to exactly the bytes received.
 */
export function decodeGb18030 (bytes: Buffer): string | undefined {
  const text = iconv.decode(bytes, JS_ENCODING)
  return gb18030(text).equals(bytes) ? text : undefined
}
