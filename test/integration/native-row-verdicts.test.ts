import { randomBytes } from 'node:crypto'
import t from 'tap'
import { KIND_CODES } from '../../adapters/ah-xml/ah-xml-codes.js'
import { beijingTime, buildPayload, recordsDigest, sealMessage } from '../../adapters/ah-xml/ah-xml-envelope.js'
import { ahKeys } from '../../adapters/ah-xml/ah-xml-keys.js'
import { toNative as ahToNative } from '../../adapters/ah-xml/ah-xml-mapping.js'
import { batchSm3, encodeBatchFile } from '../../adapters/js-batch/js-batch-file.js'
import { toNative as jsToNative } from '../../adapters/js-batch/js-batch-mapping.js'
import { gb18030 } from '../../adapters/js-batch/gb18030-text.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import { postAhMessage, sealAhPublication } from '../../sim/ah-xml-publisher.js'
import { newAhSecrets } from '../../sim/ah-xml-secrets.js'
import { jsBatchResult, publishJsNative } from '../../sim/js-batch-publisher.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startHarness, urlOf, type Harness } from '../helpers/harness.js'

const token = randomBytes(24).toString('base64url')
const ahSecrets = newAhSecrets()

async function start (t: Parameters<typeof startHarness>[0]): Promise<Harness> {
  return await startHarness(t, {
    listen: true,
    platformSecrets: { JS: { TOKEN: token }, AH: ahSecrets },
    platformOverrides: (p) => p.id === 'JS'
      ? { ...p, adapter: 'js-batch', endpoint: 'http://127.0.0.1:9' }
      : p.id === 'AH' ? { ...p, adapter: 'ah-xml', endpoint: 'http://127.0.0.1:9/ahxy/gateway/receive' } : p
  })
}

const js = (n: number): ListUpsertItemV1 => sampleEntry('JS', '320000', n)

/** Uploads raw file bytes as Jiangsu does (token, batch id, SM3 of exactly these bytes). */
async function upload (gw: string, batchId: string, body: Buffer, sm3 = batchSm3(body)): Promise<{
  status: number, answer: Record<string, unknown>
}> {
  const res = await fetch(`${gw}/v1/native/JS/jsxy/batch/upload`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv; charset=GB18030', 'x-js-token': token, 'x-js-batch-id': batchId, 'x-js-content-sm3': sm3 },
    body
  })
  return { status: res.status, answer: await res.json() as Record<string, unknown> }
}

t.test('JS: an unregistered list type or measure is a row verdict, kept, never a refused upload (issue 16)', async (t) => {
  const h = await start(t)
  const gw = urlOf(h)
  const cases: Array<{ what: string, bad: ListUpsertItemV1, code: string }> = [
    { what: 'list type not in the registry', bad: { ...js(2), listCode: 'no-such-list' }, code: 'LIST_TYPE_UNKNOWN' },
    {
      what: 'measure not in the measures list',
      bad: { ...js(3), measures: [{ code: 'no-such-measure', mandatory: true }] },
      code: 'MEASURE_UNKNOWN'
    }
  ]
  for (const c of cases) {
    const r = await publishJsNative(gw, { token, kind: 'list.upsert', items: [js(1), c.bad, js(4)] })
    t.equal(r.status, 200, `${c.what}: 200, not 422`)
    t.equal(r.answer.status, 'DONE')
    t.match(r.answer.rows, [
      { seq: 1, result: 'REJECTED', code: 'NOT_APPLIED', reason: `整批未受理: 第2条记录未通过 [${c.code}]` },
      { seq: 2, result: 'REJECTED', code: c.code, reason: new RegExp(`^\\[${c.code}\\] /`) },
      { seq: 3, result: 'REJECTED', code: 'NOT_APPLIED' }
    ], `${c.what}: the row its code, the others not applied because row 2 failed`)
    t.equal(r.answer.receipt, undefined, 'no receipt: nothing accepted')
    const kept = await jsBatchResult(gw, token, r.batchId)
    t.equal(kept.status, 200, `${c.what}: the result is kept (no BATCH_NOT_FOUND to re-upload on)`)
    t.same(kept.answer.rows, r.answer.rows)
  }
  t.equal(await h.count('envelopes'), 0, 'nothing stored: the envelope is all or nothing')
  t.equal(await h.count('entries'), 0)
})

t.test('JS: an SM3 that does not match the body is 400 DIGEST_MISMATCH, not a 401 (issue 16)', async (t) => {
  const h = await start(t)
  const body = encodeBatchFile('JS-digest-1', 'JS', [jsToNative('list.upsert', js(1))])
  const r = await upload(urlOf(h), 'JS-digest-1', body, batchSm3(Buffer.from('other bytes')))
  t.equal(r.status, 400)
  t.equal(r.answer.code, 'DIGEST_MISMATCH')
  t.equal(await h.count('envelopes'), 0)
})

t.test('JS: a batch refused whole: 403 BATCH_REJECTED for 数据类型 07, 400 FILE_INVALID for two kinds', async (t) => {
  const h = await start(t)
  const gw = urlOf(h)
  const notice = { noticeId: 'n-1', noticeType: 'reminder', text: '催办' }
  const forbidden = await upload(gw, 'JS-07-1', encodeBatchFile('JS-07-1', 'JS', [jsToNative('gateway.notice', notice)]))
  t.equal(forbidden.status, 403)
  t.equal(forbidden.answer.code, 'BATCH_REJECTED')
  t.match(forbidden.answer.message, /^\[FORBIDDEN\] 数据类型 07/)
  // A batch of two kinds is no message of one kind: refused whole, not per row.
  const mixed = encodeBatchFile('JS-mixed-1', 'JS', [
    jsToNative('list.upsert', js(1)),
    jsToNative('list.remove', { entryId: 'x-1', owner: 'JS', version: 2, reason: 'expiry', basis: '期满', effectiveOn: '2026-01-01' })
  ])
  const two = await upload(gw, 'JS-mixed-1', mixed)
  t.equal(two.status, 400)
  t.equal(two.answer.code, 'FILE_INVALID')
})

t.test('JS: line ends of an uploaded batch file (README, "The batch file")', async (t) => {
  const h = await start(t)
  const gw = urlOf(h)
  const crlf = (id: string, n: number): Buffer => encodeBatchFile(id, 'JS', [jsToNative('list.upsert', js(n)), jsToNative('list.upsert', js(n + 1))])
  const text = (b: Buffer): string => new TextDecoder('gb18030').decode(b)

  const lf = gb18030(text(crlf('JS-lf-1', 1)).replaceAll('\r\n', '\n'))
  const bareLf = await upload(gw, 'JS-lf-1', lf)
  t.equal(bareLf.status, 200, 'bare LF throughout: accepted')
  t.match(bareLf.answer.rows, [{ result: 'ACCEPTED' }, { result: 'ACCEPTED' }])

  const noLast = gb18030(text(crlf('JS-end-1', 3)).replace(/\r\n$/, ''))
  t.equal((await upload(gw, 'JS-end-1', noLast)).status, 200, 'no line end after the last row: accepted')

  const mixedText = text(crlf('JS-mix-1', 5))
  const cut = mixedText.lastIndexOf('\r\n', mixedText.length - 3)
  const mixed = gb18030(`${mixedText.slice(0, cut)}\n${mixedText.slice(cut + 2)}`)
  const m = await upload(gw, 'JS-mix-1', mixed)
  t.equal(m.status, 400, 'CRLF then a bare LF: refused')
  t.equal(m.answer.code, 'FILE_INVALID')

  const cr = gb18030(text(crlf('JS-cr-1', 7)).replaceAll('\r\n', '\r'))
  const bareCr = await upload(gw, 'JS-cr-1', cr)
  t.equal(bareCr.status, 400, 'bare CR: refused')
  t.equal(bareCr.answer.code, 'FILE_INVALID')
  t.equal(await h.count('envelopes'), 2, 'only the LF and the unterminated files stored')
})

/** An AH publication whose payload carries `yszy` (undefined: the right one). */
function sealWith (yszy: (payloadXml: string) => string): { body: string, msgId: string } {
  const msgId = `AH-yszy-${randomBytes(4).toString('hex')}`
  const records = [ahToNative('list.upsert', sampleEntry('AH', '340000', 1))]
  const payload = { XXID: msgId, XXLX: KIND_CODES['list.upsert'], YSF: 'AH', YSZY: '-', JSSJ: new Date().toISOString(), records }
  const payloadXml = buildPayload({ ...payload, YSZY: yszy(buildPayload(payload)) })
  const keys = ahKeys(ahSecrets, 'AH', false).in
  const header = { XXID: msgId, XXLX: KIND_CODES['list.upsert'], FSF: 'AH', JSF: 'YRD', SJ: beijingTime() }
  return { body: sealMessage({ header, payloadXml, key: keys.enc, macKey: keys.mac }).body, msgId }
}

t.test('AH: YSZY of a publication is checked: SHA-256 (base64url) of the JL records as sent (issue 16)', async (t) => {
  const h = await start(t)
  const gw = urlOf(h)
  const wrong: Record<string, (xml: string) => string> = {
    'another record set': () => recordsDigest('<JL>x</JL>') ?? '',
    'hex instead of base64url': (xml) => Buffer.from(recordsDigest(xml) ?? '', 'base64url').toString('hex'),
    'padded base64': (xml) => `${Buffer.from(recordsDigest(xml) ?? '', 'base64url').toString('base64')}`,
    'the whole payload digested': (xml) => recordsDigest(`<JL>${xml}</JL>`) ?? ''
  }
  for (const [what, yszy] of Object.entries(wrong)) {
    const sealed = sealWith(yszy)
    const r = await postAhMessage(gw, 'AH', sealed.body)
    t.equal(r.status, 400, what)
    t.equal(r.receipt?.DM, 'E104', `${what}: E104`)
    t.match(r.receipt?.XX, /^报文头与报文体不一致: \[ENVELOPE_MALFORMED\] SJB\.YSZY is not the SHA-256/,
      'XX is `<meaning>: [CODE] detail`')
  }
  t.equal(await h.count('envelopes'), 0, 'nothing stored')
  const right = await postAhMessage(gw, 'AH', sealWith((xml) => recordsDigest(xml) ?? '').body)
  t.equal(right.receipt?.DM, '0000', 'the right digest: accepted')
  const publisher = await postAhMessage(gw, 'AH', sealAhPublication({ secrets: ahSecrets, kind: 'list.upsert', items: [sampleEntry('AH', '340000', 2)] }).body)
  t.equal(publisher.receipt?.DM, '0000', 'as the simulated platform seals it')
})
