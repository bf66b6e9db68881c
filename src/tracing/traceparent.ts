import { randomBytes } from 'node:crypto'
import { isSpanContextValid, type SpanContext } from '@opentelemetry/api'

// W3C Trace Context Level 1, §3.2: version-traceid-parentid-flags, lower-case hex. Version ff is
// invalid; a later version is read by its first four fields (§3.2.4, "future versions").
const V00 = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/
const LATER = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/

/**
 * The span context a `traceparent` header carries, or undefined when it is absent or invalid (an
 * invalid one is ignored, as the recommendation says: a new trace or none, never an error). Only
 * @opentelemetry/api is installed, and its global propagator is a no-op until an SDK registers one,
 * so the header is read here; the API's own validity rules (no all-zero ids) decide.
 */
export function parseTraceparent (header: unknown): SpanContext | undefined {
  if (typeof header !== 'string' || header.length > 512) return undefined
  const value = header.trim()
  const v0 = V00.exec(value)
  const later = v0 === null ? LATER.exec(value) : null
  if (v0 === null && (later === null || later[1] === '00' || later[1] === 'ff')) return undefined
  const [traceId, spanId, flags] = v0 !== null ? [v0[1], v0[2], v0[3]] : [later?.[2], later?.[3], later?.[4]]
  const sc: SpanContext = {
    traceId: traceId ?? '', spanId: spanId ?? '', traceFlags: Number.parseInt(flags ?? '00', 16) & 0x01, isRemote: true
  }
  return isSpanContextValid(sc) ? sc : undefined
}

/** The `traceparent` header (version 00) of a span context. */
export function formatTraceparent (sc: SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`
}

/** A new span id (8 random bytes, never all zero). */
export function newSpanId (): string {
  for (;;) {
    const id = randomBytes(8).toString('hex')
    if (id !== '0000000000000000') return id
  }
}
