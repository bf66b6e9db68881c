import { Readable } from 'node:stream'
import fp from 'fastify-plugin'
import { scrubIdNumbers } from '../identifiers/mask.js'

/**
 * Signed artefacts and keys: a JWS (`application/jose`, `application/jose+json`) carries its
 * payload base64url-encoded, so no number can be read in it as text, and changing one character
 * would break its signature; a JWK Set holds keys only.
 */
const SIGNED = /^application\/(jose|jose\+json|jwk-set\+json)\s*(;|$)/i

/** Answers that carry data: JSON, problem+json, XML, CSV, plain text and HTML, metrics. */
const DATA = /^(text\/(?!javascript|css)|application\/([\w.-]+\+)?(json|xml|csv|x-ndjson))/i

const JSON_TYPE = /^application\/([\w.-]+\+)?json/i

/**
 * A compact JWS inside a JSON answer (feed deliveries, receipts): left whole for the same reason
 * as {@link SIGNED}. Its header always starts `eyJ` (base64url of `{"`).
 */
const COMPACT_JWS = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+/g

/** Scrubs text, leaving any compact JWS in it untouched. */
export function scrubAnswerText (text: string): string {
  let out = ''
  let last = 0
  for (const m of text.matchAll(COMPACT_JWS)) {
    out += scrubIdNumbers(text.slice(last, m.index)) + m[0]
    last = m.index + m[0].length
  }
  return last === 0 ? scrubIdNumbers(text) : out + scrubIdNumbers(text.slice(last))
}

function scrubValue (value: unknown): unknown {
  if (typeof value === 'string') return scrubAnswerText(value)
  if (typeof value === 'number') {
    const text = String(value)
    const masked = scrubIdNumbers(text)
    return masked === text ? value : masked
  }
  if (Array.isArray(value)) return value.map(scrubValue)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrubAnswerText(k), scrubValue(v)]))
}

/**
 * Scrubs a JSON answer as text; should that break it (a number masked outside any string, e.g. an
 * identifier sent as a JSON number), value by value instead, the number becoming a masked string.
 */
export function scrubJsonText (text: string): string {
  const scrubbed = scrubAnswerText(text)
  if (scrubbed === text) return text
  try {
    JSON.parse(scrubbed)
    return scrubbed
  } catch {
    try { return JSON.stringify(scrubValue(JSON.parse(text))) } catch { return scrubbed }
  }
}

async function readAll (stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)))
  return Buffer.concat(chunks)
}

/**
 * The boundary of every answer: one `onSend` hook masks identity numbers in every body that
 * carries data, whatever route, error handler or 404 produced it, so a new route cannot forget.
 * Static code (scripts, styles, images) and signed artefacts pass as they are; numbers inside a
 * signed artefact are the business of whoever signs it (the share scopes decide who sees one).
 */
export const scrubAnswersPlugin = fp(async (app) => {
  app.addHook('onSend', async (_request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '')
    if (payload === null || payload === undefined || SIGNED.test(type) || !DATA.test(type)) return payload
    let text: string
    if (typeof payload === 'string') text = payload
    else if (Buffer.isBuffer(payload)) text = payload.toString('utf8')
    else if (payload instanceof Readable) text = (await readAll(payload)).toString('utf8')
    else return payload
    const scrubbed = JSON_TYPE.test(type) ? scrubJsonText(text) : scrubAnswerText(text)
    if (scrubbed === text && typeof payload === 'string') return payload
    // Percent-encoded numbers shrink when masked: the length is counted again from what is sent.
    reply.removeHeader('content-length')
    return scrubbed
  })
}, { name: 'gw-scrub-answers', fastify: '5.x' })
