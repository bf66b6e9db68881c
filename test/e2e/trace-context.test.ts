import t from 'tap'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startDeliverySetup, statusCounts, waitFor } from '../helpers/delivery-setup.js'
import { urlOf } from '../helpers/harness.js'
import { parseTraceparent } from '../../src/tracing/traceparent.js'

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const CALLER_SPAN = '00f067aa0ba902b7'

t.test('an envelope posted with a traceparent reaches the platforms with the same trace id and a span id of the attempt', async (t) => {
  // One message per push: a coalesced push carries the trace of the message whose job sends it.
  const { h, sim } = await startDeliverySetup(t, { policy: { timeoutMs: 5000, batchMaxMessages: 1 } })
  const traced = await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 1)] })
  const post = async (jws: string, headers: Record<string, string>): Promise<number> =>
    (await fetch(`${urlOf(h)}/v1/envelopes`, { method: 'POST', headers: { 'content-type': 'application/jose', ...headers }, body: jws })).status
  t.equal(await post(traced.jws, { traceparent: `00-${TRACE}-${CALLER_SPAN}-01` }), 202)
  const plain = await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', 2)] })
  t.equal(await post(plain.jws, { traceparent: 'not-a-traceparent' }), 202, 'an invalid traceparent is ignored, never refused')
  t.ok(await waitFor(async () => (await statusCounts(h)).delivered === 6), 'delivered')

  const stored = await h.db.query<{ traceparent: string | null }>('SELECT traceparent FROM deliveries WHERE jti = $1', [traced.jti])
  t.same(stored.rows.map((r) => r.traceparent), Array(3).fill(`00-${TRACE}-${CALLER_SPAN}-01`), 'kept on each outbox row')
  const spans = new Set<string>()
  for (const id of ['JS', 'ZJ', 'AH']) {
    const got = sim(id).received.find((r) => r.jti === traced.jti)
    const ctx = parseTraceparent(got?.traceparent)
    t.equal(ctx?.traceId, TRACE, `${id}: same trace id`)
    t.not(ctx?.spanId, CALLER_SPAN, `${id}: the attempt's own span id`)
    t.equal(ctx?.traceFlags, 1, `${id}: sampled flag carried`)
    spans.add(ctx?.spanId ?? '')
    t.equal(sim(id).received.find((r) => r.jti === plain.jti)?.traceparent, undefined, `${id}: none for a message without one`)
  }
  t.equal(spans.size, 3, 'one span per attempt')
})
