import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { formatTraceparent, newSpanId, parseTraceparent } from './traceparent.js'

/** The span of one delivery attempt: the `traceparent` its outbound request carries, and its end. */
export interface DeliverySpan {
  /** Same trace id as the message's, a span id of this attempt. */
  traceparent: string
  end: (error?: { code: string, message: string }) => void
}

const tracer = trace.getTracer('yrd-credit-gateway')

/**
 * Starts the span of a delivery attempt as a child of the trace the message arrived with (its
 * stored `traceparent`); undefined when the message came without one. With an OpenTelemetry SDK
 * registered in the process (the operator's choice: exporting stays off unless one is), the span
 * is the SDK's, recorded and exported with a span id of its own. Without one, the API's tracer
 * hands back the parent itself, not recording; the attempt then gets a fresh span id here, so the
 * platform still sees the same trace id and a span of its own as its parent.
 */
export function startDeliverySpan (
  stored: string | null | undefined, attributes: Record<string, string | number>
): DeliverySpan | undefined {
  const parent = parseTraceparent(stored)
  if (parent === undefined) return undefined
  const span = tracer.startSpan('delivery attempt', { kind: SpanKind.CLIENT, attributes },
    trace.setSpanContext(ROOT_CONTEXT, parent))
  const own = span.isRecording() ? span.spanContext() : { ...parent, spanId: newSpanId(), isRemote: false }
  let ended = false
  return {
    traceparent: formatTraceparent(own),
    end: (error) => {
      if (ended) return
      ended = true
      if (error !== undefined) {
        span.setAttribute('gw.error_code', error.code)
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message })
      }
      span.end()
    }
  }
}
