import { randomBytes } from 'node:crypto'
import t from 'tap'
import { startHarness, urlOf, type Harness } from '../helpers/harness.js'
import { ascii, fill, post, refusedUnparsed } from '../helpers/hostile-post.js'
import { shAuthHeaders } from '../../adapters/sh-rest/sh-rest-signature.js'
import { batchSm3 } from '../../adapters/js-batch/js-batch-file.js'
import { JS_HEADER } from '../../adapters/js-batch/js-batch-columns.js'
import { gb18030 } from '../../adapters/js-batch/gb18030-text.js'

/**
 * Item 2 of issue 12: a hostile body on a native route is refused on its headers, by the route's
 * size limit, or by the bounded shape scan (its own detail), over a real listening port; no large
 * input reaches JSON.parse or the GB18030 decode before the CSV parser meanwhile, and `/healthz`
 * answers afterwards. The time bounds (< 1 s, /healthz < 100 ms) are bench/hostile-bodies.ts's.
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
    settings: { apiRateLimitPerMinute: 1_000_000 },
    platformSecrets: { SH: { APP_KEY: appKey, APP_SECRET: appSecret }, JS: { TOKEN: token } },
    platformOverrides: (p) => p.id === 'SH'
      ? { ...p, adapter: 'sh-rest', endpoint: 'http://127.0.0.1:9/api/credit/v2/records' }
      : p.id === 'JS' ? { ...p, adapter: 'js-batch', endpoint: 'http://127.0.0.1:9' } : p
  })
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

t.test('Shanghai\'s route: hostile bodies refused before JSON.parse, /healthz answering', async (t) => {
  const h = await start(t)
  const gw = urlOf(h)
  const signed = (body: Buffer) => async () => await post(gw, SH_PATH, shHeaders(body), body)
  const huge = deepJson(8 * MiB)

  const unsigned = await refusedUnparsed(t, gw, '8 MiB without credentials',
    async () => await post(gw, SH_PATH, { 'content-type': 'application/json' }, huge))
  t.same([unsigned.status, unsigned.body.code], [200, '1000'], 'refused on its headers: unknown app key')

  const tooLarge = await refusedUnparsed(t, gw, '8 MiB, signed', signed(huge))
  t.match(tooLarge.body, { code: '2001', data: { gatewayCode: 'PAYLOAD_TOO_LARGE' } }, 'over the route\'s own limit')

  const tooDeep = await refusedUnparsed(t, gw, '3 MiB nested 1.5 million levels, signed', signed(deepJson(3 * MiB)))
  t.match(tooDeep.body, {
    code: '2001',
    message: /body refused before parsing: nested more than 16 levels deep$/,
    data: { gatewayCode: 'ENVELOPE_MALFORMED' }
  }, 'refused by the shape scan')

  const tooWide = await refusedUnparsed(t, gw, '3 MiB of 1.5 million values, signed', signed(wideJson(3 * MiB)))
  t.match(tooWide.body, {
    code: '2001',
    message: /body refused before parsing: more than 200000 values$/,
    data: { gatewayCode: 'ENVELOPE_MALFORMED' }
  })

  const long = Buffer.concat([ascii('{"msgId":"long-1","records":[{"listReason":"'), fill(MiB, 'x'), ascii('"}]}')])
  const tooLong = await refusedUnparsed(t, gw, 'one 1 MiB field, signed', signed(long))
  t.match(tooLong.body, { code: '2001', message: /refused before parsing: a string of more than 32768 bytes$/ },
    'one enormous field')
  t.equal(await h.count('envelopes'), 0, 'nothing stored')
})

/** A batch file: the header, then `rows` as given (bytes are GB18030). */
const csv = (...rows: Buffer[]): Buffer => Buffer.concat([gb18030(`${JS_HEADER.join(',')}\r\n`), ...rows])
const jsHeaders = (body: Buffer, batchId: string, withToken = token): Record<string, string> => ({
  'content-type': 'text/csv; charset=GB18030', 'x-js-token': withToken, 'x-js-batch-id': batchId, 'x-js-content-sm3': batchSm3(body)
})

t.test('Jiangsu\'s route: hostile batches refused before decoding and parsing, /healthz answering', async (t) => {
  const h = await start(t)
  const gw = urlOf(h)
  let batch = 0
  const upload = (body: Buffer, withToken = token) => async () =>
    await post(gw, JS_PATH, jsHeaders(body, `b-${++batch}`, withToken), body)
  const emptyRow = `${','.repeat(JS_HEADER.length - 1)}\r\n`
  const huge = csv(fill(8 * MiB, emptyRow)).subarray(0, 8 * MiB)

  const noToken = await refusedUnparsed(t, gw, '8 MiB with a wrong token', upload(huge, 'wrong'))
  t.same([noToken.status, noToken.body.code], [401, 'AUTH_FAILED'], 'refused on its headers')

  const tooLarge = await refusedUnparsed(t, gw, '8 MiB with the token', upload(huge))
  t.same([tooLarge.status, tooLarge.body.code], [413, 'FILE_TOO_LARGE'], 'over the route\'s own limit')

  const rows = Math.floor(3 * MiB / emptyRow.length)
  const manyRows = csv(fill(emptyRow.length * rows, emptyRow))
  const tooMany = await refusedUnparsed(t, gw, `3 MiB of ${rows} rows`, upload(manyRows))
  t.same([tooMany.status, tooMany.body.code], [400, 'FILE_INVALID'])
  t.match(tooMany.body.message, /refused before parsing: more than 1001 records$/)

  const wideRow = csv(fill(500_000, ','), ascii('\r\n'))
  const tooWide = await refusedUnparsed(t, gw, 'a row of 500,001 fields', upload(wideRow))
  t.match(tooWide.body, {
    code: 'FILE_INVALID', message: new RegExp(`refused before parsing: record 2: more than ${JS_HEADER.length} fields$`)
  })

  const bigCell = csv(ascii('"'), fill(3 * MiB, 'x'), ascii(`"${','.repeat(JS_HEADER.length - 1)}\r\n`))
  const tooBig = await refusedUnparsed(t, gw, 'one 3 MiB cell', upload(bigCell))
  t.match(tooBig.body, {
    code: 'FILE_INVALID', message: /refused before parsing: record 2: field 1 holds more than 258 bytes$/
  })
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
