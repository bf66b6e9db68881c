import { XMLParser, XMLValidator } from 'fast-xml-parser'
import iconv from 'iconv-lite'

/**
 * What a hostile body costs is decided by whether it reaches a general parser: the bounded scans
 * that refuse it first are linear and stop at their limits. Every body the hostile-body tests send
 * is 500 KB or more, and what a request may parse before it is refused (a JWS header, a Redis
 * value, the answer itself) is a few hundred bytes, so an input of `PARSE_BOUND` or more reaching a
 * parser while a hostile body is handled is the work the scans exist to prevent.
 */
export const PARSE_BOUND = 64 * 1024

/**
 * The parsers a hostile body could reach in this process: `JSON.parse` (envelopes, Shanghai),
 * fast-xml-parser's validator and parser (Anhui, `parseXml`), and iconv-lite's GB18030 decode,
 * Jiangsu's step before csv-parse (an ES module, whose export cannot be wrapped; nothing reaches it
 * but through the decode).
 */
const targets = [
  { name: 'JSON.parse', owner: JSON as unknown as Record<string, unknown>, key: 'parse' },
  { name: 'XMLValidator.validate', owner: XMLValidator as unknown as Record<string, unknown>, key: 'validate' },
  { name: 'XMLParser.parse', owner: XMLParser.prototype as unknown as Record<string, unknown>, key: 'parse' },
  { name: 'iconv.decode', owner: iconv as unknown as Record<string, unknown>, key: 'decode' }
] as const

const lengthOf = (input: unknown): number =>
  typeof input === 'string' || input instanceof Uint8Array ? input.length : String(input).length

/**
 * Runs `work` with those parsers wrapped (restored afterwards, whatever happens) and lists every
 * call given `PARSE_BOUND` or more, as `parser: length`: empty when no large input was parsed.
 */
export async function largeParsesDuring<T> (work: () => Promise<T>): Promise<{ result: T, largeParses: string[] }> {
  const largeParses: string[] = []
  const originals = targets.map(({ name, owner, key }) => {
    const original = owner[key] as (...args: unknown[]) => unknown
    owner[key] = function (this: unknown, ...args: unknown[]): unknown {
      const length = lengthOf(args[0])
      if (length >= PARSE_BOUND) largeParses.push(`${name}: ${length}`)
      return original.apply(this, args)
    }
    return () => { owner[key] = original }
  })
  try {
    return { result: await work(), largeParses }
  } finally {
    for (const restore of originals) restore()
  }
}
