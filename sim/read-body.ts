import type { IncomingMessage } from 'node:http'

/** Reads a request body, or undefined once it grows past `maxBytes` (a simulator answers 413). */
export async function readBody (req: IncomingMessage, maxBytes = 32 * 1024 * 1024): Promise<Buffer | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const c of req) {
    size += (c as Buffer).length
    if (size > maxBytes) return undefined
    chunks.push(c as Buffer)
  }
  return Buffer.concat(chunks)
}
