import { Writable } from 'node:stream'
import { setImmediate as tick } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { pino, type Logger } from 'pino'
import { maskIdNumber } from '../../src/identifiers/mask.js'
import { loggerOptions } from '../../src/logging/logger-options.js'
import { sampleIdNumber } from '../../sim/sample-entries.js'

const BEARER = 'eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJTSCJ9.c2VjcmV0LXRva2VuLXNpZ25hdHVyZQ'

/** A fresh logger writing to memory; `output()` gives everything written so far. */
function capture (): { log: Logger, output: () => Promise<string> } {
  const chunks: string[] = []
  const stream = new Writable({
    write (chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString())
      callback()
    }
  })
  const log = pino(loggerOptions('info'), stream)
  return {
    log,
    output: async () => {
      await tick()
      return chunks.join('')
    }
  }
}

let next = 0
const X_ENDING = [4, 17, 32, 36, 58]
/** A new valid identity number for each call, every other one ending in X. */
const freshId = (): string => {
  const n = next++
  return n % 2 === 0 ? sampleIdNumber('310000', X_ENDING[(n / 2) % X_ENDING.length] ?? 4) : sampleIdNumber('320000', 100 + n)
}

/** No clear identity number nor the bearer token anywhere; each id present (if at all) in masked form. */
function assertClean (t: Test, out: string, ids: string[], what: string, opts: { masked?: string[] } = {}): void {
  t.ok(out.length > 0, `${what}: something was logged`)
  for (const id of ids) t.notOk(out.includes(id), `${what}: ${maskIdNumber(id)} not in clear`)
  for (const id of opts.masked ?? []) t.ok(out.includes(maskIdNumber(id)), `${what}: ${maskIdNumber(id)} shown masked`)
  t.notOk(out.includes(BEARER), `${what}: bearer token not written`)
  t.notOk(out.includes(BEARER.slice(-20)), `${what}: no part of the token's signature written`)
}

/** Each line of output parsed as JSON. */
const records = (out: string): Array<Record<string, unknown>> => out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)

t.test('identity numbers in log object fields are masked', async (t) => {
  const { log, output } = capture()
  const [a, b, c] = [freshId(), freshId(), freshId()]
  log.info({ subjectId: a, note: `申请人${b}，经办` }, 'lookup')
  log.warn({ query: `id=${c}&purpose=audit` })
  const out = await output()
  assertClean(t, out, [a, b, c], 'fields', { masked: [a, b, c] })
  t.equal(records(out)[0]?.subjectId, maskIdNumber(a), 'the field holds the masked form')
})

t.test('identity numbers in messages are masked', async (t) => {
  const { log, output } = capture()
  const [a, b, c] = [freshId(), freshId(), freshId()]
  log.info(`subject ${a} looked up`)
  log.info({ platform: 'SH' }, `entry about ${b}`)
  log.info('subject %s looked up by %s', c, 'SH')
  const out = await output()
  assertClean(t, out, [a, b, c], 'messages', { masked: [a, b, c] })
  t.equal(records(out)[0]?.msg, `subject ${maskIdNumber(a)} looked up`)
})

t.test('identity numbers in nested objects and arrays are masked or redacted', async (t) => {
  const { log, output } = capture()
  const [a, b, c, d, e] = [freshId(), freshId(), freshId(), freshId(), freshId()]
  log.info({
    entry: {
      owner: 'SH',
      subject: {
        type: 'enterprise',
        responsiblePersons: [{ role: 'legal-representative', name: '李某', idNumber: a }],
        remark: `法定代表人${b}`
      },
      idNumber: c
    },
    ids: [d, { idNumber: e }, [d, [e]]]
  }, 'entry stored')
  const out = await output()
  assertClean(t, out, [a, b, c, d, e], 'nested', { masked: [a, b, d] })
  const entry = records(out)[0]?.entry as { idNumber?: unknown } | undefined
  t.match(entry?.idNumber, /^\d{4}\*{10}[\dX]{4}$/, 'an idNumber field one level down is masked')
})

t.test('identity numbers deeper than a few levels are still masked', async (t) => {
  const { log, output } = capture()
  const a = freshId()
  let deep: Record<string, unknown> = { remark: `subject ${a}` }
  for (let i = 0; i < 10; i++) deep = { level: i, child: deep }
  log.info({ deep }, 'deep object')
  assertClean(t, await output(), [a], 'ten levels down')
})

t.test('an Error whose message contains an identity number', async (t) => {
  const [a, b, c, d] = [freshId(), freshId(), freshId(), freshId()]
  const withMsg = capture()
  withMsg.log.error({ err: new Error(`no entry for ${a}`) }, 'lookup failed')
  withMsg.log.info({ errors: [new Error(`bad ${b}`)] }, 'several failures')
  // An Error inside an array has no enumerable fields: nothing of it is written, masked or not.
  assertClean(t, await withMsg.output(), [a, b], 'err field with a message', { masked: [a] })

  // pino takes the message from the error when none is given: it must be masked too.
  const alone = capture()
  alone.log.error(new Error(`no entry for ${c}`))
  assertClean(t, await alone.output(), [c], 'log.error(err)')

  const field = capture()
  field.log.error({ err: new Error(`no entry for ${d}`) })
  assertClean(t, await field.output(), [d], 'log.error({ err }) without a message')
})

t.test('the req serializer masks the url and drops headers', async (t) => {
  const { log, output } = capture()
  const [a, b] = [freshId(), freshId()]
  log.info({
    req: { method: 'GET', url: `/v1/subjects/${a}/entries`, ip: '10.0.0.1', headers: { authorization: `Bearer ${BEARER}`, 'x-query-purpose': 'audit' } }
  }, 'incoming request')
  class FakeRequest {
    method = 'GET'
    url = `/v1/subjects/${b}/entries?x=1`
    ip = '10.0.0.2'
    headers = { authorization: `Bearer ${BEARER}` }
  }
  log.info({ req: new FakeRequest() }, 'incoming request')
  const out = await output()
  assertClean(t, out, [a, b], 'req', { masked: [a, b] })
  const [first, second] = records(out)
  t.same(first?.req, { method: 'GET', url: `/v1/subjects/${maskIdNumber(a)}/entries`, remote: '10.0.0.1' }, 'plain req object serialized')
  t.same(second?.req, { method: 'GET', url: `/v1/subjects/${maskIdNumber(b)}/entries?x=1`, remote: '10.0.0.2' }, 'request-like instance serialized')
})

t.test('authorization headers are redacted', async (t) => {
  const { log, output } = capture()
  log.info({ headers: { authorization: `Bearer ${BEARER}`, accept: 'application/json' } }, 'headers')
  log.info({ req: { method: 'POST', url: '/v1/envelopes', headers: { authorization: `Bearer ${BEARER}`, cookie: 'sid=1' } } }, 'request')
  const out = await output()
  assertClean(t, out, [], 'top-level headers and req headers')
  const [first] = records(out)
  t.same(first?.headers, { authorization: '[redacted]', accept: 'application/json' }, 'only the secret replaced')

  const nested = capture()
  nested.log.warn({ upstream: { url: 'https://js.example/push', headers: { authorization: `Bearer ${BEARER}` } } }, 'delivery failed')
  assertClean(t, await nested.output(), [], 'headers of an outgoing call, one level down')
})

t.test('identity numbers in child logger bindings and formatted objects are masked', async (t) => {
  const [a, b] = [freshId(), freshId()]
  const child = capture()
  child.log.child({ platform: 'SH', jti: `SH-${a}` }).info('processing')
  assertClean(t, await child.output(), [a], 'child bindings')

  const formatted = capture()
  formatted.log.info('entry %j', { owner: 'SH', remark: `申请人${b}` })
  assertClean(t, await formatted.output(), [b], 'an object interpolated into the message')
})

t.test('other values pass through unchanged', async (t) => {
  const { log, output } = capture()
  log.info({ platform: 'SH', jti: 'SH-0001', items: 3, creditCode: '91350100M000100Y43', ok: true, nothing: null }, 'envelope accepted')
  const [rec] = records(await output())
  t.has(rec, { platform: 'SH', jti: 'SH-0001', items: 3, creditCode: '91350100M000100Y43', ok: true, nothing: null, msg: 'envelope accepted', level: 30 })
})

t.test('logging an object that holds a URL instance does not throw', async (t) => {
  // Regression: the wildcard redaction paths made pino's redaction walk into a URL and throw
  // "Receiver must be an instance of class URL" from inside the log call.
  const { log, output } = capture()
  t.doesNotThrow(() => { log.info({ target: new URL('https://js.example/push') }, 'delivering') }, 'top-level URL')
  t.doesNotThrow(() => { log.info({ delivery: { target: new URL('https://js.example/push') } }, 'delivering') }, 'nested URL')
  t.ok((await output()).includes('delivering'), 'the lines were written')
})

t.test('an error logged as { err } from a child logger keeps its stack and cause, masked', async (t) => {
  const [a, b] = [freshId(), freshId()]
  const { log, output } = capture()
  const cause = new Error(`platform answered 500 for ${a}`)
  const err = new Error(`delivery of an entry about ${b} failed`, { cause })
  log.child({ platform: 'JS', deliveryId: '42', jti: 'SH-0001' }).warn({ err }, 'delivery attempt failed')
  const out = await output()
  assertClean(t, out, [a, b], 'err with a cause', { masked: [a, b] })
  const [rec] = records(out)
  t.has(rec, { platform: 'JS', deliveryId: '42', jti: 'SH-0001', msg: 'delivery attempt failed' }, 'the bindings on the line')
  const logged = rec?.err as { type?: string, message?: string, stack?: string } | undefined
  t.equal(logged?.type, 'Error')
  t.match(logged?.message, /failed: platform answered 500/, 'the cause\'s message follows the error\'s')
  t.match(logged?.stack, /caused by: Error: platform answered 500/, 'the stack keeps the cause\'s')
})
