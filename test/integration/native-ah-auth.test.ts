import { createCipheriv, randomBytes } from 'node:crypto'
import t, { type Test } from 'tap'
import { buildXml, type AhElement } from '../../adapters/ah-xml/ah-xml-codec.js'
import { hmacSm3, sm3Hex } from '../../adapters/ah-xml/ah-xml-crypto.js'
import { buildPayload, macInput, MESSAGE_ROOT, type AhHeader } from '../../adapters/ah-xml/ah-xml-envelope.js'
import { ahKeys } from '../../adapters/ah-xml/ah-xml-keys.js'
import { newAhSecrets } from '../../sim/ah-xml-secrets.js'
import { toNative } from '../../adapters/ah-xml/ah-xml-mapping.js'
import { createAhXmlAdapter } from '../../adapters/ah-xml/ah-xml-adapter.js'
import { DEFAULT_DELIVERY } from '../../config/config-schema.js'
import { postAhMessage, sealAhPublication } from '../../sim/ah-xml-publisher.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startHarness, urlOf, type Harness } from '../helpers/harness.js'

/** A gateway whose AH platform speaks ah-xml with `secrets`, in legacy mode when asked. */
async function start (
  t: Parameters<typeof startHarness>[0], secrets: Record<string, string>, legacy: boolean, failuresPerMinute = 100
): Promise<Harness> {
  return await startHarness(t, {
    listen: true,
    settings: { nativeAuthFailuresPerMinute: failuresPerMinute },
    platformSecrets: { AH: secrets },
    platformOverrides: (p) => p.id === 'AH'
      ? { ...p, adapter: 'ah-xml', endpoint: 'http://127.0.0.1:9/ahxy/gateway/receive', ...(legacy ? { ahXml: { legacyCbc: true } } : {}) }
      : p
  })
}

const cbcNoPadding = (key: Buffer, iv: Buffer, bytes: Buffer): Buffer => {
  const c = createCipheriv('sm4-cbc', key, iv)
  c.setAutoPadding(false)
  return Buffer.concat([c.update(bytes), c.final()])
}
const pkcs7 = (b: Buffer): Buffer => { const n = 16 - b.length % 16; return Buffer.concat([b, Buffer.alloc(n, n)]) }

/**
 * A message from AH built by hand, as an attacker (or a broken platform) could: the plaintext
 * bytes padded or not, any claimed digest, a MAC (protocol 2.0) computed with `macKey`.
 */
function craft (
  o: {
    xxid: string,
    plain: Buffer,
    pad?: boolean,
    digest?: string,
    enc: Buffer,
    mac?: Buffer,
    macOf?: (m: Buffer) => Buffer
  }
): string {
  const iv = randomBytes(16)
  const header: AhHeader = { XXID: o.xxid, XXLX: 'MDFB', FSF: 'AH', JSF: 'YRD', SJ: '2026-11-20 16:00:01', CSXL: iv.toString('hex'), XYBB: o.mac === undefined ? '1.0' : '2.0' }
  const ciphertext = cbcNoPadding(o.enc, iv, o.pad === false ? o.plain : pkcs7(o.plain))
  const digest = o.digest ?? sm3Hex(o.plain)
  const content: AhElement = { BT: { ...header }, ZT: ciphertext.toString('base64'), ZY: digest }
  if (o.mac !== undefined) {
    const mac = hmacSm3(o.mac, macInput(header, ciphertext, digest))
    content.RZM = (o.macOf?.(mac) ?? mac).toString('hex')
  }
  return buildXml(MESSAGE_ROOT, content)
}

const payload = (xxid: string): Buffer => Buffer.from(buildPayload({ XXID: xxid, XXLX: 'MDFB', YSF: 'AH', YSZY: 'x', JSSJ: '2026-11-20T08:00:00Z', records: [toNative('list.upsert', sampleEntry('AH', '340000', 1))] }), 'utf8')

/** Every failure a padding oracle or a forger needs told apart, for one XXID. */
function failures (xxid: string, enc: Buffer, mac: Buffer | undefined): Record<string, string> {
  const good = payload(xxid)
  const badPadding = Buffer.concat([good.subarray(0, 32), Buffer.alloc(15, 1), Buffer.from([0])])
  const out: Record<string, string> = {
    'bad padding': craft({ xxid, plain: badPadding, pad: false, digest: sm3Hex(badPadding), enc, mac }),
    'not UTF-8 once decrypted': craft({ xxid, plain: Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80]), enc, mac }),
    'digest mismatch': craft({ xxid, plain: good, digest: sm3Hex('something else'), enc, mac }),
    'another encryption key': craft({ xxid, plain: good, enc: randomBytes(16), mac })
  }
  if (mac !== undefined) {
    out['MAC altered'] = craft({ xxid, plain: good, enc, mac, macOf: (m) => { const c = Buffer.from(m); c[0] = (c[0] ?? 0) ^ 1; return c } })
    out['another MAC key'] = craft({ xxid, plain: good, enc, mac: randomBytes(32) })
    out['no MAC at all'] = craft({ xxid, plain: good, enc }).replace('<XYBB>1.0</XYBB>', '<XYBB>2.0</XYBB>')
    out['legacy 1.0 message'] = craft({ xxid, plain: good, enc })
  }
  return out
}

async function answers (t: Test, h: Harness, bodies: Record<string, string>): Promise<void> {
  const gw = urlOf(h)
  const seen: Array<{ what: string, status: number, text: string }> = []
  for (const [what, body] of Object.entries(bodies)) {
    const r = await postAhMessage(gw, 'AH', body)
    seen.push({ what, status: r.status, text: r.text })
  }
  const first = seen[0]
  if (first === undefined) throw new Error('no answer')
  t.equal(first.status, 400)
  t.match(first.text, /<DM>E101<\/DM><XX>摘要校验失败: \[SIGNATURE_INVALID\] the message could not be authenticated/)
  for (const s of seen) {
    t.equal(s.status, first.status, `${s.what}: same status`)
    t.equal(s.text, first.text, `${s.what}: byte for byte the same answer as ${first.what}`)
  }
  t.equal(await h.count('envelopes'), 0, 'nothing stored')
  const codes = (await h.db.query<{ code: string }>('SELECT code FROM security_log')).rows.map((r) => r.code)
  t.same(codes, seen.map(() => 'SIGNATURE_INVALID'), 'one security-log line each, under one code')
}

t.test('every failure to authenticate or decrypt gets one answer, byte for byte (protocol 2.0)', async (t) => {
  const secrets = newAhSecrets()
  const h = await start(t, secrets, false)
  const keys = ahKeys(secrets, 'AH', false).in
  await answers(t, h, failures('AH-oracle-1', keys.enc, keys.mac))
})

t.test('legacy 1.0 (with its flag): padding, UTF-8 and digest failures get one answer, byte for byte', async (t) => {
  const secrets = newAhSecrets()
  const h = await start(t, secrets, true)
  const keys = ahKeys(secrets, 'AH', true).in
  await answers(t, h, failures('AH-oracle-2', keys.enc, undefined))
})

t.test('legacy 1.0 needs the explicit per-platform flag', async (t) => {
  const secrets = newAhSecrets()
  const items = [sampleEntry('AH', '340000', 3)]

  await t.test('without the flag a well-formed 1.0 message is not taken', async (t) => {
    const h = await start(t, secrets, false)
    const legacy = sealAhPublication({ secrets, legacy: true, kind: 'list.upsert', items })
    const r = await postAhMessage(urlOf(h), 'AH', legacy.body)
    t.equal(r.status, 400)
    t.equal(r.receipt?.DM, 'E101')
    t.equal(await h.count('envelopes'), 0)
    const modern = await postAhMessage(urlOf(h), 'AH', sealAhPublication({ secrets, kind: 'list.upsert', items }).body)
    t.equal(modern.receipt?.DM, '0000', 'the same records in 2.0 are')
  })

  await t.test('with the flag, 1.0 is taken and 2.0 is not (one protocol per platform)', async (t) => {
    const h = await start(t, { SM4_KEY: secrets.SM4_KEY_OUT ?? '', SM4_KEY_IN: secrets.SM4_KEY_IN ?? '' }, true)
    const legacy = await postAhMessage(urlOf(h), 'AH', sealAhPublication({ secrets, legacy: true, kind: 'list.upsert', items }).body)
    t.equal(legacy.receipt?.DM, '0000')
    const modern = await postAhMessage(urlOf(h), 'AH', sealAhPublication({ secrets, kind: 'list.upsert', items: [sampleEntry('AH', '340000', 4)] }).body)
    t.equal(modern.receipt?.DM, 'E101')
  })

  await t.test('without the flag nothing starts without MAC keys, nor with one key for both directions', async (t) => {
    const only = { SM4_KEY_OUT: secrets.SM4_KEY_OUT ?? '', SM4_KEY_IN: secrets.SM4_KEY_IN ?? '' }
    t.throws(() => ahKeys(only, 'AH', false), /MAC_KEY_OUT \(environment GW_AH_MAC_KEY_OUT\) is required.*legacyCbc/)
    t.throws(() => ahKeys({ SM4_KEY: secrets.SM4_KEY_OUT ?? '' }, 'AH', true), /SM4_KEY_IN .*is required/, 'the old single key is not enough, even in legacy mode')
    t.throws(() => ahKeys({ ...secrets, SM4_KEY_IN: secrets.SM4_KEY_OUT ?? '' }, 'AH', true), /must differ/)
    const platform = { id: 'AH', name: 'AH', regionCode: '340000', adapter: 'ah-xml', endpoint: 'http://127.0.0.1:9/ahxy/gateway/receive', enabled: true, delivery: DEFAULT_DELIVERY }
    t.throws(() => createAhXmlAdapter({ platform, policy: DEFAULT_DELIVERY, sign: async () => '', secrets: only }), /MAC_KEY_OUT/)
    const legacy = createAhXmlAdapter({ platform: { ...platform, ahXml: { legacyCbc: true } }, policy: DEFAULT_DELIVERY, sign: async () => '', secrets: only })
    await legacy.close()
  })
})

t.test('failed native authentications are rate-limited per address and logged', async (t) => {
  const secrets = newAhSecrets()
  const h = await start(t, secrets, false, 3)
  const gw = urlOf(h)
  const wrong = { ...secrets, MAC_KEY_IN: randomBytes(32).toString('hex') }
  for (let i = 0; i < 3; i++) {
    const r = await postAhMessage(gw, 'AH', sealAhPublication({ secrets: wrong, kind: 'list.upsert', items: [sampleEntry('AH', '340000', 10 + i)] }).body)
    t.equal(r.receipt?.DM, 'E101', `failure ${i + 1} is an ordinary refusal`)
  }
  const good = sealAhPublication({ secrets, kind: 'list.upsert', items: [sampleEntry('AH', '340000', 20)] })
  for (let i = 0; i < 2; i++) {
    const blocked = await postAhMessage(gw, 'AH', good.body)
    t.equal(blocked.status, 429, 'then the address is refused, even with a good message')
    t.equal(blocked.receipt?.DM, 'E500', 'in Anhui\'s code for "try again later"')
    t.match(blocked.receipt?.XX, /\[RATE_LIMITED\]/)
  }
  t.equal(await h.count('envelopes'), 0, 'nothing stored while blocked')
  const codes = (await h.db.query<{ code: string, detail: string }>('SELECT code, detail FROM security_log ORDER BY id')).rows
  t.same(codes.map((r) => r.code), ['SIGNATURE_INVALID', 'SIGNATURE_INVALID', 'SIGNATURE_INVALID', 'RATE_LIMITED'], 'each failure logged, the blocked window once')
  const ttl = await h.redis.ttl((await h.redis.keys(`${h.runtime.redisPrefix}:native-auth-fail:*`)).find((k) => !k.endsWith(':told')) ?? '')
  t.ok(ttl > 0 && ttl <= 60, 'the window ends within a minute of the first failure')
})
