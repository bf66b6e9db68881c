import { createCipheriv } from 'node:crypto'
import t from 'tap'
import type { NativeKind } from '../../adapters/native-kinds.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import { AdapterError } from '../../adapters/types.js'
import { KIND_CODES } from '../../adapters/ah-xml/ah-xml-codes.js'
import { parseXml } from '../../adapters/ah-xml/ah-xml-codec.js'
import { parseSm4Key, sm3Hex, sm4CbcDecrypt, sm4CbcEncrypt } from '../../adapters/ah-xml/ah-xml-crypto.js'
import { AhRefusal, beijingTime, buildPayload, openPayload, parsePayload, readMessage, sealMessage } from '../../adapters/ah-xml/ah-xml-envelope.js'
import { fromNative, toNative } from '../../adapters/ah-xml/ah-xml-mapping.js'
import { buildReceipt, judgeAnswer, maskIdNumbers } from '../../adapters/ah-xml/ah-xml-receipt.js'
import { sampleEntry, sampleIdNumber, sampleNotice } from '../../sim/sample-entries.js'

/** Through the real wire format: records → payload XML → parsed → contract items. */
function roundTrip (kind: NativeKind, items: unknown[]): unknown[] {
  const xml = buildPayload({ XXID: 'j-1', XXLX: KIND_CODES[kind], YSF: 'SH', YSZY: 'A'.repeat(43), JSSJ: '2026-11-20T08:00:00Z', records: items.map((item, i) => toNative(kind, item, i)) })
  return parsePayload(xml).records.map((r, i) => fromNative(kind, r, i))
}

function refusal (fn: () => unknown): AdapterError {
  try {
    fn()
  } catch (err) {
    if (err instanceof AdapterError) return err
    throw err
  }
  throw new Error('expected a refusal')
}

function protocolCode (fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    if (err instanceof AhRefusal) return err.code
    throw err
  }
  return 'accepted'
}

const full: Record<NativeKind, unknown> = {
  'list.upsert': (() => {
    // Dates of its own (not sampleEntry's, which follow the clock): the records below are compared as text.
    const e: ListUpsertItemV1 = {
      ...sampleEntry('SH', '310000', 1),
      notification: { notifiedOn: '2025-03-01', channel: 'in-person' },
      validFrom: '2025-03-15',
      validUntil: '2028-03-14'
    }
    e.decision = { ...e.decision, decidedOn: '2025-03-15' }
    e.decision.authorityCode = '11310000002422375X'
    e.subject.responsiblePersons?.push({ role: 'actual-controller', name: '王五' })
    return e
  })(),
  'list.remove': { entryId: 'SH-black-1', owner: 'SH', version: 3, reason: 'repair', basis: '信用修复决定书', effectiveOn: '2026-11-20' },
  'punishment.notice': { caseId: 'c1', mode: 'reward', entryId: 'SH-red-1', owner: 'SH', initiatingDepartment: { name: '上海市发展和改革委员会', code: 'SHFGW' }, subject: { type: 'person', name: '张三·阿卜杜拉', idNumber: sampleIdNumber('310000', 3) }, measures: ['green-channel', 'priority-support'], respondBy: '2026-12-01', feedbackBy: '2026-12-15', note: '请及时反馈' },
  'punishment.feedback': { caseId: 'c1', initiator: 'SH', department: { name: '安徽省财政厅', code: 'AHCZT' }, outcome: 'applied', measure: 'green-channel', appliedOn: '2026-11-25', reason: '已执行' },
  'objection.open': { objectionId: 'o1', entryId: 'SH-black-1', owner: 'SH', lodgedOn: '2026-11-20', grounds: '处罚已撤销' },
  'objection.resolve': { objectionId: 'o1', entryId: 'SH-black-1', owner: 'SH', outcome: 'corrected', resolvedOn: '2026-11-22', explanation: '已更正', correctedVersion: 4 },
  'gateway.notice': {
    noticeId: 'YRD-notice-1',
    noticeType: 'check.outcome',
    caseId: 'c1',
    initiator: 'JS',
    entryId: 'SH-black-1',
    owner: 'SH',
    objectionId: 'o1',
    checkId: 'AH-check-1',
    outcome: 'restricted',
    measures: ['restrict-public-procurement', 'strict-supervision'],
    dueOn: '2026-12-15',
    text: '核查结果：已限制其参与政府采购。'
  },
  'repair.request': { repairId: 'R-1', entryId: 'SH-black-1', owner: 'SH', requestedOn: '2026-11-20', grounds: '已缴清罚款并完成整改 <&> 𠮷' },
  'repair.decision': { repairId: 'R-1', entryId: 'SH-black-1', owner: 'SH', outcome: 'granted', decidedOn: '2026-11-27', reason: '符合修复条件，准予修复' }
}

const minimal: Record<NativeKind, unknown> = {
  'list.upsert': (() => {
    const { severeCategory: _s, validUntil: _v, ...e } = sampleEntry('SH', '310000', 2, { listType: 'key-supervision' })
    return { ...e, subject: { type: 'social-organisation', name: '𠮷野家' }, measures: [], repairable: false, decision: { ...e.decision, documentType: 'other' } }
  })(),
  'list.remove': { entryId: 'SH-black-2', owner: 'SH', version: 2, reason: 'other', basis: '其他', effectiveOn: '2026-11-20' },
  'punishment.notice': { caseId: 'c2', mode: 'punishment', entryId: 'SH-black-2', owner: 'SH', initiatingDepartment: { name: '上海市市场监督管理局' }, subject: { type: 'enterprise', name: '华东食品有限公司', responsiblePersons: [] }, measures: ['restrict-public-procurement'], respondBy: '2026-12-01', feedbackBy: '2026-12-15' },
  'punishment.feedback': { caseId: 'c2', initiator: 'SH', department: { name: '江苏省财政厅' }, outcome: 'acknowledged' },
  'objection.open': { objectionId: 'o2', entryId: 'SH-black-2', owner: 'SH', lodgedOn: '2026-11-20', grounds: '😀' },
  'objection.resolve': { objectionId: 'o2', entryId: 'SH-black-2', owner: 'SH', outcome: 'upheld', resolvedOn: '2026-11-22', explanation: '维持' },
  'gateway.notice': { noticeId: 'n2', noticeType: 'reminder', text: '𠮷 请按期响应' },
  'repair.request': { repairId: 'R-2', entryId: 'SH-black-2', owner: 'SH', requestedOn: '2026-11-20', grounds: '😀' },
  'repair.decision': { repairId: 'R-2', entryId: 'SH-black-2', owner: 'SH', outcome: 'refused', decidedOn: '2026-11-27', reason: '未消除不良影响' }
}

t.test('known answers: SM3 (GB/T 32905-2016) and SM4 (GB/T 32907-2016)', async (t) => {
  t.equal(sm3Hex('abc'), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0')
  t.equal(sm3Hex('abcd'.repeat(16)), 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732')
  const k = Buffer.from('0123456789abcdeffedcba9876543210', 'hex')
  const ecb = createCipheriv('sm4-ecb', k, null).setAutoPadding(false)
  t.equal(Buffer.concat([ecb.update(k), ecb.final()]).toString('hex'), '681edf34d206965e86b3e94f536e4246', 'example 1')
  const loop = createCipheriv('sm4-ecb', k, null).setAutoPadding(false)
  let block = Buffer.from(k)
  for (let i = 0; i < 1_000_000; i++) block = loop.update(block)
  t.equal(block.toString('hex'), '595298c7c6fd271f0402f804c33d3f66', 'example 2: encrypted 1,000,000 times')
  // CBC with a zero IV is ECB on the first block; PKCS#7 then adds a whole block to 16 bytes.
  const cbc = sm4CbcEncrypt(k, Buffer.alloc(16), k)
  t.equal(cbc.subarray(0, 16).toString('hex'), '681edf34d206965e86b3e94f536e4246')
  t.equal(cbc.length, 32)
  t.same(sm4CbcDecrypt(k, Buffer.alloc(16), cbc), k)
  t.equal(sm4CbcEncrypt(k, Buffer.alloc(16), Buffer.alloc(15)).length, 16, 'padding fills the last block')
})

t.test('the SM4 key is required and checked', async (t) => {
  t.throws(() => parseSm4Key(undefined), /SM4_KEY is required/)
  t.throws(() => parseSm4Key('0123'), /32 hex characters/)
  t.equal(parseSm4Key('0123456789abcdeffedcba9876543210').length, 16)
})

t.test('every kind round-trips with all optional fields present', async (t) => {
  for (const [kind, item] of Object.entries(full) as Array<[NativeKind, unknown]>) {
    t.strictSame(roundTrip(kind, [item]), [item], kind)
  }
})

t.test('every kind round-trips with all optional fields absent, and they stay absent', async (t) => {
  for (const [kind, item] of Object.entries(minimal) as Array<[NativeKind, unknown]>) {
    const [back] = roundTrip(kind, [item])
    t.strictSame(back, item, kind)
    t.same(Object.keys(back as object).sort(), Object.keys(item as object).sort(), `${kind}: no key added`)
  }
})

t.test('国办发〔2020〕49号 (十一)(十二): repair.request and repair.decision are XFSQ / XFJD records in the platform\'s codes, every field both ways', async (t) => {
  t.equal(KIND_CODES['repair.request'], 'XFSQ')
  t.equal(KIND_CODES['repair.decision'], 'XFJD')
  t.strictSame(toNative('repair.request', full['repair.request']), { XFBH: 'R-1', TMBH: 'SH-black-1', SJLY: 'SH', SQRQ: '20261120', XFLY: '已缴清罚款并完成整改 <&> 𠮷' })
  t.strictSame(toNative('repair.decision', full['repair.decision']), { XFBH: 'R-1', TMBH: 'SH-black-1', SJLY: 'SH', CLJG: '01', CLRQ: '20261127', CLSM: '符合修复条件，准予修复' })
  t.equal(toNative('repair.decision', minimal['repair.decision']).CLJG, '02', 'refused is 02')
  for (const kind of ['repair.request', 'repair.decision'] as const) {
    t.strictSame(roundTrip(kind, [full[kind], minimal[kind]]), [full[kind], minimal[kind]], `${kind} both ways through the payload XML`)
  }
  t.strictSame(fromNative('repair.request', { XFBH: 'R-3', TMBH: 'AH-1', SJLY: 'AH', SQRQ: '20261201', XFLY: '已整改' }),
    { repairId: 'R-3', entryId: 'AH-1', owner: 'AH', requestedOn: '2026-12-01', grounds: '已整改' }, 'Anhui can send a request inbound')
  t.match(refusal(() => fromNative('repair.decision', { XFBH: 'R-3', TMBH: 'AH-1', SJLY: 'AH', CLJG: '09', CLRQ: '20261201', CLSM: 'x' })).message, /CLJG has an unknown code/)
  t.match(refusal(() => fromNative('repair.request', { XFBH: 'R-3', TMBH: 'AH-1', SJLY: 'AH', SQRQ: '20261201' })).message, /missing field JL.XFLY/)
  t.match(refusal(() => toNative('repair.decision', { ...(full['repair.decision'] as object), outcome: 'maybe' })).message, /not a valid repair.decision item/)
})

t.test('a gateway notice is a WGTZ record in the platform\'s codes, and maps back', async (t) => {
  t.equal(KIND_CODES['gateway.notice'], 'WGTZ')
  t.strictSame(toNative('gateway.notice', full['gateway.notice']), {
    TZBH: 'YRD-notice-1',
    TZLX: '03',
    AJBH: 'c1',
    FQF: 'JS',
    TMBH: 'SH-black-1',
    SJLY: 'SH',
    YYBH: 'o1',
    HCBH: 'AH-check-1',
    HCJG: 'restricted',
    CSLB: { CSDM: ['restrict-public-procurement', 'strict-supervision'] },
    BLQX: '20261215',
    TZNR: '核查结果：已限制其参与政府采购。'
  })
  for (const type of ['reminder', 'remediation', 'check.outcome'] as const) {
    const item = sampleNotice(5, type)
    t.strictSame(roundTrip('gateway.notice', [item]), [item], `sample ${type} both ways`)
  }
  const none = { noticeId: 'n3', noticeType: 'remediation', measures: [], text: '请纠正' }
  t.strictSame(roundTrip('gateway.notice', [none]), [none], 'an empty measures list stays an empty list')
  t.match(refusal(() => fromNative('gateway.notice', { TZBH: 'n4', TZLX: '09', TZNR: 'x' })).message, /TZLX has an unknown code/, 'an unknown 通知类型 code is refused')
})

t.test('records carry the platform codes', async (t) => {
  const rec = toNative('list.upsert', full['list.upsert'])
  t.match(rec, {
    TMBH: 'SH-black-1',
    SJLY: 'SH',
    BBH: '1',
    MDLX: '01',
    YZSXLB: '1',
    RDBMDM: '11310000002422375X',
    WSLX: '03',
    JDRQ: '20250315',
    YXQQ: '20250315',
    YXQZ: '20280314',
    SFKXF: '1',
    XYZT: { ZTLX: '01', ZTMC: '长江环保科技有限公司', ZRRLB: { ZRR: [{ ZRRJS: '01', XM: '李某', ZJLX: '111' }, { ZRRJS: '03', XM: '王五' }] } },
    CJCSLB: { CJCS: [{ CSDM: 'restrict-public-procurement', SFQZ: '1', CSMS: '限制参与政府采购' }, { CSDM: 'strict-supervision', SFQZ: '0' }] }
  })
  t.notOk('ZJLX' in ((rec.XYZT as { ZRRLB: { ZRR: Array<Record<string, unknown>> } }).ZRRLB.ZRR[1] ?? {}), 'no ZJLX without ZJHM')
  t.match(toNative('punishment.notice', full['punishment.notice']), { JCLX: '2', FQBMMC: '上海市发展和改革委员会', FQBMDM: 'SHFGW', CSLB: { CSDM: ['green-channel', 'priority-support'] }, XYZT: { ZTLX: '06', ZJLX: '111' } })
  t.match(toNative('list.upsert', minimal['list.upsert']), { MDLX: '03', WSLX: '99', SFKXF: '0', CJCSLB: '' })
})

t.test('Unicode names and XML-special text survive', async (t) => {
  const names = ['张三·阿卜杜拉', '𠮷野家', '😀👨‍👩‍👧 家族企业', '<公司> & "合伙" \'有限\'', 'Ünïcödé ＦＵＬＬＷＩＤＴＨ', ' 前后空格 ']
  for (const name of names) {
    const e = sampleEntry('SH', '310000', 5, { person: true })
    e.subject.name = name
    e.facts = '第一行\r\n第二行\r第三行\n\t缩进 ]]> &amp; &#13;'
    t.strictSame(roundTrip('list.upsert', [e]), [e], name)
  }
  const e = sampleEntry('SH', '310000', 6)
  e.subject.responsiblePersons = [{ role: 'principal', name: '𠮷'.repeat(50) }]
  t.strictSame(roundTrip('list.upsert', [e]), [e], 'XM counts code points: 50 × 𠮷 fits')
})

t.test('what the platform cannot hold is refused, permanently, naming the field not the value', async (t) => {
  const cases: Array<[string, (e: ListUpsertItemV1) => void, RegExp]> = [
    ['a name longer than XM', (e) => { e.subject.responsiblePersons = [{ role: 'principal', name: '𠮷'.repeat(26) + 'a'.repeat(25) }] }, /responsiblePersons\[0\]\.name: longer than 50 characters.*XM/],
    ['a document number longer than WSH', (e) => { e.decision.documentNumber = '号'.repeat(65) }, /decision\.documentNumber: longer than 64.*WSH/],
    ['a department name longer than RDBM', (e) => { e.decision.authority = '局'.repeat(101) }, /decision\.authority.*RDBM/],
    ['a control character', (e) => { e.facts = 'a\u0001b' }, /facts: it contains the character U\+0001/],
    ['an unpaired surrogate', (e) => { e.subject.name = 'a\ud800b' }, /subject\.name: it contains an unpaired surrogate/],
    ['U+FFFE', (e) => { e.remedies = '\ufffe' }, /remedies: it contains the character U\+FFFE/],
    ['a control character in an identity number', (e) => { e.subject.responsiblePersons = [{ role: 'principal', name: '李某', idNumber: '31011019800101123\u0007' }] }, /responsiblePersons\[0\]\.idNumber/],
    ['an item that is not valid for its kind', (e) => { (e as { version: unknown }).version = 'one' }, /not a valid list\.upsert item \(\/version/]
  ]
  for (const [what, change, message] of cases) {
    const e = sampleEntry('SH', '310000', 7, { person: true })
    change(e)
    const err = refusal(() => toNative('list.upsert', e, 3))
    t.equal(err.retryable, false, `${what}: permanent`)
    t.match(err.message, message, what)
    t.match(err.message, /^item 3/, `${what}: names the item`)
    t.notMatch(err.message, e.subject.idNumber ?? '-', `${what}: no identity number`)
  }
})

t.test('records the platform would not accept are refused when read', async (t) => {
  const good = toNative('list.upsert', full['list.upsert'])
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an unknown element', { ...good, QTXX: 'x' }, /unknown field JL\.QTXX/],
    ['a missing element', { ...good, SY: undefined }, /missing field JL\.SY/],
    ['a code outside its table', { ...good, MDLX: '09' }, /JL\.MDLX has an unknown code/],
    ['a malformed date', { ...good, JDRQ: '2026-03-15' }, /JL\.JDRQ must be a date YYYYMMDD/],
    ['a malformed flag', { ...good, SFKXF: 'Y' }, /JL\.SFKXF must be 1 or 0/],
    ['a malformed version', { ...good, BBH: '01' }, /JL\.BBH must be a whole number/],
    ['a version out of range', { ...good, BBH: '0' }, /not a valid list\.upsert item \(\/version/],
    ['ZJHM of an unknown card type', { ...good, XYZT: { ZTLX: '06', ZTMC: '张某', ZJLX: '414', ZJHM: sampleIdNumber('310000', 1) } }, /JL\.XYZT\.ZJLX must be 111/]
  ]
  for (const [what, record, message] of cases) {
    const clean = Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as typeof good
    const err = refusal(() => fromNative('list.upsert', clean, 2))
    t.equal(err.retryable, false, what)
    t.match(err.message, message, what)
  }
})

t.test('a message: sealed, read and opened; tampering and wrong keys are caught', async (t) => {
  const key = parseSm4Key('0123456789abcdeffedcba9876543210')
  const iv = Buffer.from('00112233445566778899aabbccddeeff', 'hex')
  const payloadXml = buildPayload({ XXID: 'jti-1', XXLX: 'MDFB', YSF: 'SH', YSZY: 'A'.repeat(43), JSSJ: '2026-11-20T08:00:00Z', records: [toNative('list.upsert', full['list.upsert'])] })
  const { body, digest } = sealMessage({ header: { XXID: 'jti-1', XXLX: 'MDFB', FSF: 'YRD', JSF: 'AH', SJ: '2026-11-20 16:00:00' }, payloadXml, key, iv })
  t.equal(digest, sm3Hex(Buffer.from(payloadXml, 'utf8')))
  t.match(body, /^<\?xml version="1\.0" encoding="UTF-8"\?><AHXY><BT><XXID>jti-1<\/XXID><XXLX>MDFB<\/XXLX><FSF>YRD<\/FSF><JSF>AH<\/JSF><SJ>2026-11-20 16:00:00<\/SJ><CSXL>00112233445566778899aabbccddeeff<\/CSXL><XYBB>1\.0<\/XYBB><\/BT><ZT>[A-Za-z0-9+/=]+<\/ZT><ZY>[0-9a-f]{64}<\/ZY><\/AHXY>$/)
  t.notMatch(body, /江南/, 'nothing of the payload in clear')
  const msg = readMessage(body)
  const legacy = { enc: key, mac: undefined }
  t.equal(openPayload(msg, legacy), payloadXml)
  t.equal(protocolCode(() => openPayload(msg, { enc: parseSm4Key('fedcba98765432100123456789abcdef'), mac: undefined })), 'E101', 'another key')
  t.equal(protocolCode(() => openPayload({ ...msg, digest: sm3Hex('x') }, legacy)), 'E101', 'another digest')
  // CBC is malleable: flipping an IV bit changes the first plaintext block and nothing else.
  const flipped = Buffer.from(iv)
  flipped[14] = (flipped[14] ?? 0) ^ 0x01
  t.equal(protocolCode(() => openPayload({ ...msg, header: { ...msg.header, CSXL: flipped.toString('hex') } }, legacy)), 'E101', 'an altered IV')
  const cut = { ...msg, ciphertext: msg.ciphertext.subarray(0, msg.ciphertext.length - 1) }
  t.equal(protocolCode(() => openPayload(cut, legacy)), 'E101', 'a truncated ciphertext: the same code as every other failure')

  // Protocol 2.0: the SM3-HMAC over header, IV and ciphertext is checked before anything is decrypted.
  const macKey = Buffer.alloc(32, 7)
  const sealed = sealMessage({ header: { XXID: 'jti-1', XXLX: 'MDFB', FSF: 'YRD', JSF: 'AH', SJ: '2026-11-20 16:00:00' }, payloadXml, key, macKey, iv })
  t.match(sealed.body, /<XYBB>2\.0<\/XYBB>.*<RZM>[0-9a-f]{64}<\/RZM><\/AHXY>$/)
  const v2 = readMessage(sealed.body)
  t.equal(openPayload(v2, { enc: key, mac: macKey }), payloadXml)
  t.equal(protocolCode(() => openPayload(v2, { enc: key, mac: Buffer.alloc(32, 8) })), 'E101', 'another MAC key')
  t.equal(protocolCode(() => openPayload({ ...v2, header: { ...v2.header, CSXL: flipped.toString('hex') } }, { enc: key, mac: macKey })), 'E101', 'an altered IV')
  t.equal(protocolCode(() => openPayload({ ...v2, header: { ...v2.header, XXID: 'jti-2' } }, { enc: key, mac: macKey })), 'E101', 'an altered header')
  t.equal(protocolCode(() => openPayload(msg, { enc: key, mac: macKey })), 'E101', 'a 1.0 message where 2.0 is agreed')
  t.equal(protocolCode(() => openPayload(v2, legacy)), 'E101', 'a 2.0 message where 1.0 is agreed')

  t.equal(protocolCode(() => readMessage(body.replace('<XXLX>MDFB', '<XXLX>QTLX'))), 'E105', 'unknown message type')
  t.equal(protocolCode(() => readMessage(body.replace('<XYBB>1.0', '<XYBB>3.0'))), 'E105', 'unknown protocol version')
  t.equal(protocolCode(() => readMessage(body.replace(/<ZY>.*<\/ZY>/, ''))), 'E100', 'no digest')
  t.equal(protocolCode(() => readMessage(body.replace('2026-11-20 16:00:00', '20261120160000'))), 'E100', 'a time in another format')
  t.equal(protocolCode(() => readMessage(body.replace('<AHXY>', '<!DOCTYPE x [<!ENTITY a "a">]><AHXY>'))), 'E100', 'DOCTYPE')
  t.equal(protocolCode(() => readMessage(body.replace('</AHXY>', ''))), 'E100', 'not well-formed')
  t.equal(protocolCode(() => parsePayload(payloadXml.replace('<JLS>1</JLS>', '<JLS>2</JLS>'))), 'E104', 'record count')
})

t.test('receipts: what counts as taken, what may pass later, what never will', async (t) => {
  const sent = { XXID: 'jti-1', ZY: sm3Hex('payload') }
  const receipt = (extra: Record<string, string>): string => buildReceipt({ DM: '0000', XX: '成功', XXID: 'jti-1', ZY: sent.ZY, ...extra })
  t.match(judgeAnswer(200, receipt({}), sent).evidence, { DM: '0000', XXID: 'jti-1', duplicate: false })
  t.match(judgeAnswer(200, receipt({ DM: '0001' }), sent).evidence, { DM: '0001', duplicate: true })
  t.match(judgeAnswer(200, receipt({ ZY: sent.ZY.toUpperCase() }), sent).evidence, { DM: '0000' }, 'hex case does not matter')
  const pretty = `<?xml version="1.0" encoding="UTF-8"?>\n<FHJG>\n  <DM>0000</DM>\n  <XX>成功</XX>\n  <XXID>jti-1</XXID>\n  <ZY>${sent.ZY}</ZY>\n</FHJG>\n`
  t.match(judgeAnswer(200, pretty, sent).evidence, { DM: '0000' }, 'an indented receipt')
  const cases: Array<[string, number, string, boolean, RegExp]> = [
    ['XXID of another message', 200, receipt({ XXID: 'jti-2' }), false, /invalid receipt: XXID/],
    ['ZY not echoed', 200, receipt({ ZY: sm3Hex('other') }), false, /invalid receipt: ZY/],
    ['not a receipt', 200, '<html>OK</html>', false, /invalid receipt/],
    ['0000 with HTTP 400', 400, receipt({}), false, /invalid receipt/],
    ['E500 busy', 200, receipt({ DM: 'E500', XX: '系统繁忙' }), true, /busy.*E500/],
    ['HTTP 503 without a receipt', 503, 'Service Unavailable', true, /HTTP 503/],
    ['HTTP 429', 429, '', true, /HTTP 429/],
    ['E101 digest mismatch', 400, receipt({ DM: 'E101', XX: '摘要校验失败' }), false, /refused the message.*E101 摘要校验失败/],
    ['E102 decryption failed', 400, receipt({ DM: 'E102', XX: '解密失败' }), false, /E102/],
    ['E201 field invalid', 400, receipt({ DM: 'E201', XX: '字段校验不通过' }), false, /E201/],
    ['HTTP 404 without a receipt', 404, 'Not Found', false, /HTTP 404/]
  ]
  for (const [what, status, text, retryable, message] of cases) {
    const err = refusal(() => judgeAnswer(status, text, sent))
    t.equal(err.retryable, retryable, what)
    t.equal(err.unreachable, false, `${what}: the platform answered`)
    t.match(err.message, message, what)
  }
  const id = sampleIdNumber('340000', 9)
  const partly = (cwlb: Array<{ XH: string, DM: string, XX: string }>): string =>
    buildReceipt({ DM: 'E202', XX: '部分记录未通过校验', XXID: 'jti-1', ZY: sent.ZY, CWLB: cwlb })
  const three = { ...sent, records: 3 }
  const judged = judgeAnswer(200, partly([{ XH: '2', DM: 'E201', XX: `ZJHM ${id}` }]), three)
  t.same(judged.refused, [{ index: 1, code: 'E201', reason: `ZJHM ${id.slice(0, 4)}**********${id.slice(14)}` }], 'E202: 记录序号 2 is item 1, its reason masked')
  t.notMatch(JSON.stringify(judged.evidence), id, 'no identity number in the evidence')
  const partCases: Array<[string, number, string, RegExp]> = [
    ['E202 refusing every record', 200, partly([1, 2, 3].map((n) => ({ XH: String(n), DM: 'E201', XX: '-' }))), /refused every record/],
    ['E202 naming a record not sent', 200, partly([{ XH: '4', DM: 'E201', XX: '-' }]), /out of range/],
    ['E202 naming a record twice', 200, partly([{ XH: '1', DM: 'E201', XX: '-' }, { XH: '1', DM: 'E201', XX: '-' }]), /twice/],
    ['E202 without CWLB', 200, partly([]), /without CWLB/],
    ['E202 with HTTP 400', 400, partly([{ XH: '1', DM: 'E201', XX: '-' }]), /refused part of the message/]
  ]
  for (const [what, status, text, message] of partCases) {
    const e = refusal(() => judgeAnswer(status, text, three))
    t.equal(e.retryable, false, what)
    t.match(e.message, message, what)
  }
  const err = refusal(() => judgeAnswer(400, buildReceipt({ DM: 'E201', XX: `证件号码${id}校验失败`, CWLB: [{ XH: '1', DM: 'E201', XX: `ZJHM ${id}` }] }), sent))
  t.notMatch(err.message, id, 'identity numbers in the platform\'s wording are masked')
  t.match(err.message, `${id.slice(0, 4)}**********${id.slice(14)}`)
  t.equal(maskIdNumbers('91340100MA2N0X1234 and 1234'), '91340100MA2N0X1234 and 1234', 'credit codes and short numbers untouched')
})

t.test('XML details', async (t) => {
  t.equal(beijingTime(new Date('2026-11-20T16:30:05Z')), '2026-11-21 00:30:05', 'UTC+8')
  t.throws(() => parseXml('<A><B><![CDATA[x]]></B></A>', 'A', new Set()), /CDATA/)
  t.throws(() => parseXml('<A><B>&nbsp;</B></A>', 'A', new Set()), /undefined entity/)
  t.throws(() => parseXml('<?xml version="1.0" encoding="GBK"?><A/>', 'A', new Set()), /not UTF-8/)
  t.throws(() => parseXml('<A>&#1;</A>', 'A', new Set()), /U\+0001/)
  t.throws(() => parseXml('<B>x</B>', 'A', new Set()), /must be <A> alone/)
  t.throws(() => parseXml('<A><B>1</B>text<C>2</C></A>', 'A', new Set()), /mixed/)
  t.same(parseXml('<A><B>&#x1F600;&#13;&amp;#13;</B><L><I>1</I></L></A>', 'A', new Set(['A.L.I'])), { B: '😀\r&#13;', L: { I: ['1'] } })
})

t.test('a responsible organisation\'s credit code travels both ways as ZRR/TYSHXYDM (落实到人, 国办发〔2019〕35号 (十二))', async (t) => {
  const entry = sampleEntry('AH', '340000', 31)
  const item = { ...entry, subject: { ...entry.subject, responsiblePersons: [{ role: 'actual-controller' as const, name: '某控股集团有限公司', creditCode: entry.subject.creditCode as string }] } }
  t.strictSame(roundTrip('list.upsert', [item]), [item])
})
