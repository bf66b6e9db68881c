import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t, { type Test } from 'tap'
import { KIND_CODES } from '../../adapters/ah-xml/ah-xml-codes.js'
import { buildXml } from '../../adapters/ah-xml/ah-xml-codec.js'
import { sm3Hex, sm4CbcDecrypt } from '../../adapters/ah-xml/ah-xml-crypto.js'
import { parsePayload, readMessage, sealMessage } from '../../adapters/ah-xml/ah-xml-envelope.js'
import { fromNative as ahFromNative, toNative as ahToNative } from '../../adapters/ah-xml/ah-xml-mapping.js'
import { parseReceipt } from '../../adapters/ah-xml/ah-xml-receipt.js'
import { gb18030 } from '../../adapters/js-batch/gb18030-text.js'
import { batchSm3, decodeBatchFile, encodeBatchFile } from '../../adapters/js-batch/js-batch-file.js'
import { fromNative as jsFromNative, toNative as jsToNative } from '../../adapters/js-batch/js-batch-mapping.js'
import { readBatchStatus } from '../../adapters/js-batch/js-batch-result.js'
import { fromNative as shFromNative, toNative as shToNative } from '../../adapters/sh-rest/sh-rest-mapping.js'
import { shAuthHeaders, shBodyDigest, shSignature, shStringToSign } from '../../adapters/sh-rest/sh-rest-signature.js'
import { Value } from '@sinclair/typebox/value'
import { PlatformConfig } from '../../config/config-schema.js'
import { publicPart } from '../../src/keys/signing-keys.js'
import { startAhXmlSimulator } from '../../sim/ah-xml-simulator.js'
import { startJsBatchSimulator } from '../../sim/js-batch-simulator.js'
import { jsBatchResult, publishJsNative } from '../../sim/js-batch-publisher.js'
import { sampleEntry, sampleIdNumber } from '../../sim/sample-entries.js'
import { startShRestSimulator } from '../../sim/sh-rest-simulator.js'
import { startHarness, urlOf, type Harness } from '../helpers/harness.js'

/**
 * Runs every worked example of the adapters' READMEs against the code, so the documents cannot
 * drift from it (issue 16). A fenced block is marked on the line before it, `<!-- example: <name> -->`
 * (run below under that name) or `<!-- not-runnable: <reason> -->`; an unmarked block fails this
 * test. Requests go to the simulated platforms (the platform side of each assumed interface) and
 * the items they carry to a real gateway; examples of the gateway's own answers are compared with
 * what a real gateway answers.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const READMES = ['adapters/README.md', 'adapters/sh-rest/README.md', 'adapters/js-batch/README.md', 'adapters/ah-xml/README.md']

interface Block { file: string, line: number, mark: 'example' | 'not-runnable' | undefined, name: string, text: string }

/** The fenced blocks of a README with their markers; a marker before a paragraph marks the paragraph. */
function blocksOf (file: string): Block[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n')
  const out: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const marker = /^<!-- (example|not-runnable): (.+) -->$/.exec(lines[i - 1] ?? '')
    const line = lines[i] ?? ''
    if (line.startsWith('```')) {
      const end = lines.findIndex((l, k) => k > i && l.startsWith('```'))
      out.push({ file, line: i + 1, mark: marker?.[1] as Block['mark'], name: marker?.[2] ?? '', text: lines.slice(i + 1, end).join('\n') })
      i = end
    } else if (marker !== null && line.trim() !== '') {
      const end = lines.findIndex((l, k) => k > i && l.trim() === '')
      out.push({ file, line: i + 1, mark: marker[1] as Block['mark'], name: marker[2] ?? '', text: lines.slice(i, end).join('\n') })
    }
  }
  return out
}

const blocks = READMES.flatMap(blocksOf)
const example = (name: string): string => {
  const b = blocks.find((x) => x.mark === 'example' && x.name === name)
  if (b === undefined) throw new Error(`no example ${name}`)
  return b.text
}

/** Documents mask identity numbers (`3101**********0017`); on the wire they are whole: a valid one each. */
const unmask = (text: string): string => {
  let n = 0
  return text.replace(/\b(\d{4})\*{10}\d{3}[\dX]\b/g, (_, head: string) => sampleIdNumber(`${head}00`, ++n))
}

/** An HTTP message of a README: request or status line, headers, body. */
function http (text: string): { start: string, headers: Record<string, string>, body: string } {
  const [head = '', ...rest] = text.split('\n\n')
  const [start = '', ...headerLines] = head.split('\n')
  const headers = Object.fromEntries(headerLines.map((l) => {
    const at = l.indexOf(':')
    return [l.slice(0, at).toLowerCase(), l.slice(at + 1).trim()]
  }))
  return { start, headers, body: rest.join('\n\n') }
}

const sha256Hex = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex')

let harness: Harness | undefined
const jsToken = randomBytes(16).toString('hex')
/** One real gateway for every example (JS publishing natively with js-batch), torn down with the file. */
async function gateway (): Promise<Harness> {
  harness ??= await startHarness(t, {
    listen: true,
    platformSecrets: { JS: { TOKEN: jsToken } },
    platformOverrides: (p) => p.id === 'JS' ? { ...p, adapter: 'js-batch', endpoint: 'http://127.0.0.1:9' } : p
  })
  return harness
}

/** The gateway accepts `items` of `kind` from `iss` as a JWS envelope: the example's items are valid contract items. */
async function accepted (t: Test, iss: string, kind: string, items: unknown[], what: string): Promise<void> {
  const h = await gateway()
  const { jws } = await h.sign(iss, { kind: kind as 'list.upsert', items: items as never })
  const r = await h.post(jws)
  t.equal(r.status, 202, `${what}: the real gateway accepts the example's items (${JSON.stringify(r.body).slice(0, 300)})`)
}

const AH_TEST_KEY = '0123456789abcdeffedcba9876543210'
const compactXml = (xml: string): string => xml.replace(/>\s+</g, '><').trim()

const RUNNERS: Record<string, (t: Test) => Promise<void>> = {
  'sh-config': async (t) => {
    const h = await gateway()
    const jwk = publicPart(h.platform('SH').privateJwk)
    const config = JSON.parse(example('sh-config').replace('[ … ]', JSON.stringify([jwk]))) as unknown
    t.ok(Value.Check(PlatformConfig, Value.Default(PlatformConfig, config)), 'a valid platform file')
  },
  'sh-known-answer': async (t) => {
    const v = [...example('sh-known-answer').matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '')
    const [secret = '', method = '', path = '', ts = '', nonce = '', body = '', digest = '', signature = ''] = v
    t.equal(shBodyDigest(body), digest, 'the body digest')
    t.equal(shSignature(secret, shStringToSign(method, path, ts, nonce, digest)), signature, 'the signature')
  },
  'sh-request': async (t) => {
    const req = http(example('sh-request'))
    t.equal(req.start, 'POST /api/credit/v2/records HTTP/1.1')
    const body = unmask(req.body.replace(/\n/g, ''))
    const msg = JSON.parse(body) as { msgId: string, msgType: string, sourceProvince: string, records: unknown[] }
    const mapped = msg.records.map((r) => shFromNative(r))
    for (const [i, m] of mapped.entries()) t.same(shToNative(m.kind, m.item), msg.records[i], 'the record is what the adapter writes for its item')
    await accepted(t, msg.sourceProvince, mapped[0]?.kind ?? '', mapped.map((m) => m.item), 'sh-request')
    const sim = await startShRestSimulator({ apps: { 'yrd-gateway': 'sh-secret' } })
    t.teardown(async () => { await sim.close() })
    const res = await fetch(sim.endpoint, {
      method: 'POST',
      headers: {
        'content-type': req.headers['content-type'] ?? '',
        ...shAuthHeaders({ appKey: 'yrd-gateway', appSecret: 'sh-secret', method: 'POST', path: '/api/credit/v2/records', body })
      },
      body
    })
    t.equal(res.status, 200)
    const answer = await res.json() as { code: string, data: { msgId: string, accepted: number, bodyDigest: string } }
    const documented = JSON.parse(example('sh-answer').replace('<SHA-256 hex of the body>', sha256Hex(body))) as typeof answer
    t.same(answer, documented, 'the platform answers as documented')
  },
  'sh-answer': async (t) => { t.pass('compared with the simulated platform\'s answer under sh-request') },
  'js-result': async (t) => {
    const status = readBatchStatus(example('js-result'), 'SH-20261120-000123')
    t.match(status, { status: 'DONE', rows: [{ seq: 1, result: 'ACCEPTED' }, { seq: 2, result: 'REJECTED' }, { seq: 3, note: /版本号/ }] })
  },
  'js-upload': async (t) => {
    const req = http(example('js-upload'))
    t.equal(req.start, 'POST /jsxy/batch/upload HTTP/1.1')
    const batchId = req.headers['x-js-batch-id'] ?? ''
    const bytes = gb18030(`${unmask(req.body).split('\n').join('\r\n')}\r\n`)
    const file = decodeBatchFile(bytes)
    t.equal(file.batchId, batchId, '批次号 = X-JS-Batch-Id')
    const mapped = file.rows.map((row) => jsFromNative(row))
    t.same(encodeBatchFile(batchId, file.origin, mapped.map((m) => jsToNative(m.kind, m.item))), bytes,
      'byte for byte the file the adapter writes for these items')
    await accepted(t, file.origin, mapped[0]?.kind ?? '', mapped.map((m) => m.item), 'js-upload')
    const token = randomBytes(8).toString('hex')
    const sim = await startJsBatchSimulator({ token })
    t.teardown(async () => { await sim.close() })
    const res = await fetch(`${sim.url}/jsxy/batch/upload`, {
      method: 'POST',
      headers: { 'content-type': req.headers['content-type'] ?? '', 'x-js-batch-id': batchId, 'x-js-token': token, 'x-js-content-sm3': batchSm3(bytes) },
      body: bytes
    })
    t.equal(res.status, 200)
    t.same(await res.json(), JSON.parse(http(example('js-upload-answer')).body), 'the upload answer as documented')
    const poll = http(example('js-result-poll'))
    const path = poll.start.split(' ')[1] ?? ''
    let result: unknown
    for (let i = 0; i < 100; i++) {
      result = await (await fetch(`${sim.url}${path}`, { headers: { 'x-js-token': token } })).json()
      if ((result as { status: string }).status === 'DONE') break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    t.same(result, JSON.parse(poll.body.split('\n').at(-1) ?? ''), 'the result as documented')
  },
  'js-upload-answer': async (t) => { t.pass('compared under js-upload') },
  'js-result-poll': async (t) => { t.pass('compared under js-upload') },
  'js-inbound-rejected': async (t) => {
    const h = await gateway()
    const documented = JSON.parse(example('js-inbound-rejected')) as { batchId: string }
    const items = [
      sampleEntry('JS', '320000', 1),
      { ...sampleEntry('JS', '320000', 2), listCode: 'no-such-list' },
      sampleEntry('JS', '320000', 3)
    ]
    const r = await publishJsNative(urlOf(h), { token: jsToken, kind: 'list.upsert', items, batchId: documented.batchId })
    t.equal(r.status, 200)
    t.same(r.answer, documented, 'the gateway answers as documented')
    t.same((await jsBatchResult(urlOf(h), jsToken, documented.batchId)).answer, documented, 'and keeps it')
  },
  'ah-config': async (t) => {
    const h = await gateway()
    const config = JSON.parse(example('ah-config')) as Record<string, unknown>
    const withKeys = { ...config, jwks: { keys: [publicPart(h.platform('AH').privateJwk)] } }
    t.ok(Value.Check(PlatformConfig, Value.Default(PlatformConfig, withKeys)), 'a valid platform file (with its jwks)')
  },
  'ah-payload': async (t) => {
    const payload = parsePayload(unmask(compactXml(example('ah-payload'))))
    const kind = 'list.upsert' as const
    t.equal(payload.XXLX, KIND_CODES[kind])
    const items = payload.records.map((r, i) => ahFromNative(kind, r, i + 1))
    for (const [i, item] of items.entries()) {
      t.equal(buildXml('JL', ahToNative(kind, item, i)), buildXml('JL', payload.records[i] ?? {}), 'the record is what the adapter writes')
    }
    await accepted(t, payload.YSF, kind, items, 'ah-payload')
  },
  'ah-request': async (t) => {
    const req = http(example('ah-request'))
    t.equal(req.start, 'POST /ahxy/gateway/receive HTTP/1.1')
    const msg = readMessage(req.body.trim())
    const plain = sm4CbcDecrypt(Buffer.from(AH_TEST_KEY, 'hex'), Buffer.from(msg.header.CSXL, 'hex'), msg.ciphertext)
    t.equal(plain.toString('utf8'), compactXml(example('ah-payload')), 'ZT is the payload above, encrypted with the test key and IV')
    t.equal(sm3Hex(plain), msg.digest, 'ZY is its SM3')
    const other = randomBytes(16).toString('hex')
    /** Posts to a fresh simulated platform (legacy 1.0, the test key): it has applied no XXID yet. */
    const post = async (body: string): Promise<{ status: number, text: string }> => {
      const sim = await startAhXmlSimulator({ secrets: { SM4_KEY_OUT: AH_TEST_KEY, SM4_KEY_IN: other }, legacy: true })
      t.teardown(async () => { await sim.close() })
      const res = await fetch(sim.endpoint, { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body })
      return { status: res.status, text: await res.text() }
    }
    const ok = await post(req.body.trim())
    const answer = http(example('ah-answer'))
    t.equal(ok.status, Number(answer.start.split(' ')[1]))
    const clsj = (s: string): string => s.replace(/<CLSJ>[^<]*<\/CLSJ>/, '<CLSJ/>')
    t.equal(clsj(ok.text), clsj(answer.body.trim()), 'the answer as documented (but the time)')

    // The refusal: the same record with an MDLX outside the table.
    const refusal = http(example('ah-refusal'))
    const bad = compactXml(example('ah-payload')).replace('<MDLX>01</MDLX>', '<MDLX>09</MDLX>')
    const sealed = sealMessage({
      header: { ...msg.header },
      payloadXml: bad,
      key: Buffer.from(AH_TEST_KEY, 'hex')
    })
    const no = await post(sealed.body)
    t.equal(no.status, Number(refusal.start.split(' ')[1]))
    t.equal(clsj(no.text), clsj(refusal.body.trim()), 'the refusal as documented (but the time)')
    t.same(parseReceipt(no.text)?.DM, 'E201')
  },
  'ah-answer': async (t) => { t.pass('compared under ah-request') },
  'ah-refusal': async (t) => { t.pass('compared under ah-request') }
}

t.test('every fenced block of the adapters\' READMEs is a marked example or marked not runnable', async (t) => {
  for (const b of blocks) t.ok(b.mark !== undefined, `${b.file}:${b.line} is marked`)
  const names = blocks.filter((b) => b.mark === 'example').map((b) => b.name)
  t.same([...names].sort(), Object.keys(RUNNERS).sort(), 'one runner per example, one example per runner')
})

for (const [name, run] of Object.entries(RUNNERS)) t.test(`README example ${name}`, run)

t.test('the JS README states the column count of the code, and its table lists the code\'s columns', async (t) => {
  const text = readFileSync(join(ROOT, 'adapters/js-batch/README.md'), 'utf8')
  const { JS_HEADER } = await import('../../adapters/js-batch/js-batch-columns.js')
  t.match(text, `exactly the ${JS_HEADER.length} column names below`)
  const table = text.slice(text.indexOf('### Columns'), text.indexOf('### Code tables'))
  const names = [...table.matchAll(/^(\S+) \| \d+ \|/gm)].map((m) => m[1])
  t.same(names, [...JS_HEADER])
})
