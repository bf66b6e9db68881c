/**
 * The W3C trace context header of a delivery's outbound request (none when the message came
 * without one): every HTTP adapter spreads it into the headers of the request that delivers.
 */
export function traceHeaders (d: { traceparent?: string | undefined }): Record<string, string> {
  return d.traceparent === undefined ? {} : { traceparent: d.traceparent }
}
