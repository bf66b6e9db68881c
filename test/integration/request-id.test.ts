import t from 'tap'
import { startHarness } from '../helpers/harness.js'

t.test('every answer echoes the request id; problem bodies carry it; so does every log line of the request', async (t) => {
  const lines: string[] = []
  const h = await startHarness(t, { logStream: { write: (l) => { lines.push(l) } } })
  const given = 'client-req-42'
  const notFound = await h.app.inject({ url: '/nowhere', headers: { 'x-request-id': given } })
  t.equal(notFound.headers['x-request-id'], given, 'echoed')
  t.equal(notFound.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(notFound.json().requestId, given, 'in the problem body')
  t.equal(notFound.json().code, 'NOT_FOUND', 'the problem keeps its members')

  const refused = await h.app.inject({
    method: 'POST', url: '/v1/envelopes', headers: { 'content-type': 'application/jose', 'x-request-id': 'bad id with spaces' }, payload: 'x.y.z'
  })
  const generated = String(refused.headers['x-request-id'])
  t.match(generated, /^[0-9a-f-]{36}$/, 'an unsafe id is replaced by a generated one')
  t.equal(refused.json().requestId, generated, 'the generated id in the problem body')
  t.equal(refused.json().code, 'ENVELOPE_MALFORMED')
  const ofRequest = lines.filter((l) => l.includes(generated))
  t.ok(ofRequest.length >= 3, 'incoming, refused and completed lines')
  t.ok(ofRequest.every((l) => JSON.parse(l).reqId === generated), 'each as reqId')
  t.notOk(lines.some((l) => l.includes('bad id with spaces')), 'the refused id is never logged')

  const ok = await h.app.inject({ url: '/healthz' })
  t.match(String(ok.headers['x-request-id']), /^[0-9a-f-]{36}$/, 'generated when none is given, on success too')
})

t.test('a request with a traceparent logs its trace id on every line of the request', async (t) => {
  const lines: string[] = []
  const h = await startHarness(t, { logStream: { write: (l) => { lines.push(l) } } })
  const traceId = '0af7651916cd43dd8448eb211c80319c'
  const res = await h.app.inject({ url: '/nowhere', headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01`, 'x-request-id': 'r-1' } })
  t.equal(res.statusCode, 404)
  const ofRequest = lines.filter((l) => JSON.parse(l).reqId === 'r-1')
  t.ok(ofRequest.length >= 2)
  t.ok(ofRequest.filter((l) => !l.includes('incoming request')).every((l) => JSON.parse(l).traceId === traceId), 'traceId bound')
})
