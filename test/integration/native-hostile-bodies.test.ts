import { randomBytes } from 'node:crypto'
import t from 'tap'
import { startHarness, urlOf, type Harness } from '../helpers/harness.js'
import { ascii, fill, post, refusedInTime } from '../helpers/hostile-body-probe.js'
import { shAuthHeaders } from '../../adapters/sh-rest/sh-rest-signature.js'
import { batchSm3 } from '../../adapters/js-batch/js-batch-file.js'
import { JS_HEADER } from '../../adapters/js-batch/js-batch-columns.js'
import { gb18030 } from '../../adapters/js-batch/gb18030-text.js'

/**
 * Item 2 of issue 12: a hostile body on a native route is refused in < 1 s, and `/healthz` keeps
 * answering in < 100 ms meanwhile (the two bounds the issue sets), over a real listening port.
 * Every body and header is built before the clock starts: only the gateway's work is timed.
 */

const MiB = 1024 * 1024
const appKey = 'sh-app'
const appSecret = randomBytes(24).toString('base64url')
const token = randomBytes(24).toString('base64url')
const SH_PATH = '/v1/native/SH/api/credit/v2/records'
const JS_PATH = '/v1/native/JS/jsxy/batch/upload'

async function start (t: Parameters<typeof startHarness>[0]): Promise<Harness> {
  const h = await startHarness(t, {
    listen: true,
    // The bound is on the gateway's work, not the rate limiter's patience with the probes.
    settings: { apiRateLimitPerMinute: 1_000_000 },
    platformSecrets: { SH: { APP_KEY: appKey, APP_SECRET: appSecret }, JS: { TOKEN: token } },
    platformOverrides: (p) => p.id === 'SH'
      ? { ...p, adapter: 'sh-rest', endpoint: 'http://127.0.0.1:9/api/credit/v2/records' }
      : p.id === 'JS' ? { ...p, adapter: 'js-batch', endpoint: 'http://127.0.0.1:9' } : p
  })
  // One small refusal on each route first: the ledger's first connection and the first compilation
  // of the refusal paths are start-up costs, not the cost of a hostile body.
  await post(urlOf(h), SH_PATH, { 'content-type': 'application/json' }, ascii('{}'))
  await post(urlOf(h), JS_PATH, { 'content-type': 'text/csv; charset=GB18030' }, ascii('x'))
  return h
}

/** `[[[[…` nested as deep as `bytes` allows, as a Shanghai message's records. */
const deepJson = (bytes: number): Buffer => {
  const depth = Math.floor((bytes - 64) / 2)
  return Buffer.concat([ascii('{"msgId":"deep-1","records":'), fill(depth, '['), fill(depth, ']'), ascii('}')])
}
/** A million-odd zeros in one array. */
const wideJson = (bytes: number): Buffer => Buffer.concat([ascii('{"msgId":"wide-1","records":['), fill(2 * Math.floor((bytes - 64) / 2), '0,'), ascii('0]}')])

const shHeaders = (body: Buffer): Record<string, string> => ({
  'content-type': 'application/json; charset=utf-8',
  ...shAuthHeaders({ appKey, appSecret, method: 'POST', path: SH_PATH, body })
})

t.test('Shanghai\'s route: hostile bodies refused in < 1 s, /healthz answering meanwhile', async (t) => {
  const h = await start(t)
  const gw = urlOf(h)
  const signed = (body: Buffer) => () => {
    const headers = shHeaders(body)
    return async () => await post(gw, SH_PATH, headers, body)
  }
  const huge = deepJson(8 * MiB)

  const unsigned = await refusedInTime(t, gw, '8 MiB without credentials', () => async () => await post(gw, SH_PATH, { 'content-type': 'application/json' }, huge))
  t.same([unsigned.status, unsigned.body.code], [200, '1000'], 'refused on its headers: unknown app key')

  const tooLarge = await refusedInTime(t, gw, '8 MiB, signed', signed(huge))
  t.match(tooLarge.body, { code: '2001', data: { gatewayCode: 'PAYLOAD_TOO_LARGE' } }, 'over the route\'s own limit')

  const tooDeep = await refusedInTime(t, gw, '3 MiB nested 1.5 million levels, signed', signed(deepJson(3 * MiB)))
  t.match(tooDeep.body, { code: '2001', message: /nested more than 16 levels/, data: { gatewayCode: 'ENVELOPE_MALFORMED' } }, 'refused before JSON.parse')

  const tooWide = await refusedInTime(t, gw, '3 MiB of 1.5 million values, signed', signed(wideJson(3 * MiB)))
  t.match(tooWide.body, { code: '2001', message: /more than 200000 values/, data: { gatewayCode: 'ENVELOPE_MALFORMED' } })

  const long = Buffer.concat([ascii('{"msgId":"long-1","records":[{"listReason":"'), fill(MiB, 'x'), ascii('"}]}')])
  const tooLong = await post(gw, SH_PATH, shHeaders(long), long)
  t.match(tooLong.body, { code: '2001', message: /a string of more than 32768 bytes/ }, 'one enormous field')
  t.equal(await h.count('envelopes'), 0, 'nothing stored')
})

/** A batch file: the header, then `rows` as given (bytes are GB18030). */
const csv = (...rows: Buffer[]): Buffer => Buffer.concat([gb18030(`${JS_HEADER.join(',')}\r\n`), ...rows])
const jsHeaders = (body: Buffer, batchId: string, withToken = token): Record<string, string> => ({
  'content-type': 'text/csv; charset=GB18030', 'x-js-token': withToken, 'x-js-batch-id': batchId, 'x-js-content-sm3': batchSm3(body)
})

t.test('Jiangsu\'s route: hostile batches refused in < 1 s, /healthz answering meanwhile', async (t) => {
  const h = await start(t)
  const gw = urlOf(h)
  let batch = 0
  const upload = (body: Buffer, withToken = token) => () => {
    const headers = jsHeaders(body, `b-${++batch}`, withToken)
    return async () => await post(gw, JS_PATH, headers, body)
  }
  const emptyRow = `${','.repeat(JS_HEADER.length - 1)}\r\n`
  const huge = csv(fill(8 * MiB, emptyRow)).subarray(0, 8 * MiB)

  const noToken = await refusedInTime(t, gw, '8 MiB with a wrong token', upload(huge, 'wrong'))
  t.same([noToken.status, noToken.body.code], [401, 'AUTH_FAILED'], 'refused on its headers')

  const tooLarge = await refusedInTime(t, gw, '8 MiB with the token', upload(huge))
  t.same([tooLarge.status, tooLarge.body.code], [413, 'FILE_TOO_LARGE'], 'over the route\'s own limit')

  const rows = Math.floor(3 * MiB / emptyRow.length)
  const tooMany = await refusedInTime(t, gw, `3 MiB of ${rows} rows`, upload(csv(fill(emptyRow.length * rows, emptyRow))))
  t.same([tooMany.status, tooMany.body.code], [400, 'FILE_INVALID'])
  t.match(tooMany.body.message, /refused before parsing: more than 1001 records/)

  const tooWide = await refusedInTime(t, gw, 'a row of 500,001 fields', upload(csv(fill(500_000, ','), ascii('\r\n'))))
  t.match(tooWide.body, { code: 'FILE_INVALID', message: new RegExp(`more than ${JS_HEADER.length} fields`) })

  const bigCell = csv(ascii('"'), fill(3 * MiB, 'x'), ascii(`"${','.repeat(JS_HEADER.length - 1)}\r\n`))
  const tooBig = await refusedInTime(t, gw, 'one 3 MiB cell', upload(bigCell))
  t.match(tooBig.body, { code: 'FILE_INVALID', message: /record 2: field 1 holds more than 258 bytes/ })
  t.equal(await h.count('envelopes'), 0, 'nothing stored')
})

t.test('a legitimate publication still goes through both routes after the checks', async (t) => {
  const { publishShNative } = await import('../../sim/sh-rest-publisher.js')
  const { publishJsNative } = await import('../../sim/js-batch-publisher.js')
  const { sampleEntry } = await import('../../sim/sample-entries.js')
  const h = await start(t)
  const gw = urlOf(h)
  const sh = await publishShNative(gw, { appKey, appSecret, kind: 'list.upsert', items: [sampleEntry('SH', '310000', 1, { person: true })] })
  t.equal(sh.answer.code, '0000')
  const js = await publishJsNative(gw, { token, kind: 'list.upsert', items: [sampleEntry('JS', '320000', 1, { person: true })] })
  t.equal(js.answer.status, 'DONE')
  t.equal(await h.count('envelopes'), 2)
})
