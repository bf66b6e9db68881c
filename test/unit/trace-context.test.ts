import t from 'tap'
import type { IncomingMessage } from 'node:http'
import { formatTraceparent, parseTraceparent } from '../../src/tracing/traceparent.js'
import { startDeliverySpan } from '../../src/tracing/delivery-span.js'
import { requestIdOf } from '../../src/plugins/request-id.js'

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const PARENT = `00-${TRACE}-00f067aa0ba902b7-01`

t.test('W3C traceparent: valid headers read, invalid ones ignored (Trace Context §3.2)', async (t) => {
  t.same(parseTraceparent(PARENT), { traceId: TRACE, spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true })
  t.equal(formatTraceparent(parseTraceparent(PARENT) ?? { traceId: '', spanId: '', traceFlags: 0 }), PARENT, 'round trip')
  t.same(parseTraceparent(`01-${TRACE}-00f067aa0ba902b7-03-more`)?.traceFlags, 1, 'a later version: its first fields, sampled bit only')
  for (const bad of [
    undefined, '', 'garbage', `ff-${TRACE}-00f067aa0ba902b7-01`, `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`,
    `00-${TRACE}-${'0'.repeat(16)}-01`, `00-${TRACE.toUpperCase()}-00f067aa0ba902b7-01`, `00-${TRACE}-00f067aa0ba902b7-01-extra`,
    ['a', 'b']
  ]) t.equal(parseTraceparent(bad), undefined, `refused: ${String(bad)}`)
})

t.test('a delivery attempt without an SDK: same trace id, a span id of its own, same flags', async (t) => {
  const a = startDeliverySpan(PARENT, { 'gw.platform': 'JS' })
  const b = startDeliverySpan(PARENT, { 'gw.platform': 'JS' })
  const pa = parseTraceparent(a?.traceparent)
  t.equal(pa?.traceId, TRACE)
  t.not(pa?.spanId, '00f067aa0ba902b7', 'a new span id')
  t.not(pa?.spanId, parseTraceparent(b?.traceparent)?.spanId, 'one per attempt')
  t.equal(pa?.traceFlags, 1)
  a?.end()
  a?.end({ code: 'ADAPTER_TIMEOUT', message: 'twice is harmless' })
  t.equal(startDeliverySpan(null, {}), undefined, 'a message without a trace context sends none')
  t.equal(startDeliverySpan('nonsense', {}), undefined)
})

t.test('request ids: a safe X-Request-Id is kept, anything else replaced by a new UUID', async (t) => {
  const req = (v: string | string[] | undefined): IncomingMessage => ({ headers: { 'x-request-id': v } }) as unknown as IncomingMessage
  t.equal(requestIdOf(req('abc-123_DEF.456:x=y+z/w@h')), 'abc-123_DEF.456:x=y+z/w@h')
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
  for (const bad of [undefined, '', 'a'.repeat(129), 'has space', 'line\nbreak', '"quoted"', '<script>', ['a', 'b']]) {
    t.match(requestIdOf(req(bad)), uuid, `replaced: ${JSON.stringify(bad)}`)
  }
  t.not(requestIdOf(req(undefined)), requestIdOf(req(undefined)), 'a new one each time')
})
