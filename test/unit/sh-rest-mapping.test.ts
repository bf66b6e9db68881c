import t from 'tap'
import type { TSchema } from '@sinclair/typebox'
import type { NativeKind } from '../../adapters/native-kinds.js'
import { GatewayNoticeTypeV1 } from '../../contracts/gateway-notice-item-v1.js'
import { RemovalReasonV1 } from '../../contracts/list-remove-item-v1.js'
import { DecisionV1, ListTypeV1, NotificationV1, SevereCategoryV1, type ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import { ObjectionResolveItemV1 } from '../../contracts/objection-items-v1.js'
import { PunishmentFeedbackItemV1 } from '../../contracts/punishment-feedback-item-v1.js'
import { PunishmentNoticeItemV1 } from '../../contracts/punishment-notice-item-v1.js'
import { RepairDecisionItemV1 } from '../../contracts/repair-items-v1.js'
import { ResponsiblePersonV1, SubjectTypeV1 } from '../../contracts/subject-v1.js'
import { readShAnswer, platformReason } from '../../adapters/sh-rest/sh-rest-answer.js'
import { shRestUrls } from '../../adapters/sh-rest/sh-rest-adapter.js'
import { SH_CODE_TABLES, type ShCodeTable } from '../../adapters/sh-rest/sh-rest-codes.js'
import { fromNative, toNative } from '../../adapters/sh-rest/sh-rest-mapping.js'
import { SH_MSG_TYPES } from '../../adapters/sh-rest/sh-rest-protocol.js'
import { shAuthHeaders, shBodyDigest, shNonce, shSignature, shStringToSign } from '../../adapters/sh-rest/sh-rest-signature.js'
import { AdapterError } from '../../adapters/types.js'
import { sampleEntry, sampleIdNumber, sampleNotice, sampleUscc } from '../../sim/sample-entries.js'

const ID = sampleIdNumber('310000', 42)
const ORG = sampleUscc('310000', 42)
/** A gateway notice with every optional field. */
const NOTICE_FULL = {
  noticeId: 'YRD-notice-1',
  noticeType: 'check.outcome',
  caseId: 'case-2026-1',
  initiator: 'JS',
  entryId: 'SH-black-1',
  owner: 'SH',
  objectionId: 'obj-1',
  checkId: 'JS-check-1',
  outcome: 'restricted',
  measures: ['restrict-public-procurement', 'strict-supervision'],
  dueOn: '2026-12-15',
  text: '核查结果：已限制其参与政府采购。'
}

/** Every field of every kind, optional ones included. */
const full: Record<NativeKind, Record<string, unknown>> = {
  'list.upsert': {
    ...sampleEntry('SH', '310000', 1),
    decision: { authority: '上海市市场监督管理局', authorityCode: sampleUscc('310000', 7, '11'), documentType: 'penalty-decision', documentName: '行政处罚决定书', documentNumber: '沪市监罚〔2026〕101号', decidedOn: '2026-03-15' },
    subject: { type: 'enterprise', name: '华东食品有限公司', creditCode: ORG, responsiblePersons: [{ role: 'legal-representative', name: '李某', idNumber: ID }, { role: 'actual-controller', name: '王某' }] },
    measures: [{ code: 'restrict-public-procurement', mandatory: true, description: '限制参与政府采购' }, { code: 'strict-supervision', mandatory: false }],
    severeCategory: 'market-order',
    validFrom: '2026-03-15',
    validUntil: '2029-03-14',
    notification: { notifiedOn: '2026-03-01', channel: 'in-person' },
    repairable: false
  },
  'list.remove': { entryId: 'SH-black-1', owner: 'SH', version: 3, reason: 'repair', basis: '信用修复决定', effectiveOn: '2026-11-20' },
  'punishment.notice': {
    caseId: 'case-2026-1',
    mode: 'reward',
    entryId: 'SH-red-3',
    owner: 'SH',
    initiatingDepartment: { name: '上海市发展和改革委员会', code: 'SHFGW-01' },
    subject: { type: 'person', name: '张三·阿卜杜拉', idNumber: ID, responsiblePersons: [] },
    measures: ['green-channel', 'fewer-inspections'],
    respondBy: '2026-12-01',
    feedbackBy: '2026-12-15',
    note: '请各实施部门按期反馈'
  },
  'punishment.feedback': { caseId: 'case-2026-1', initiator: 'SH', department: { name: '江苏省财政厅', code: 'JSCZT' }, outcome: 'declined', measure: 'restrict-public-procurement', appliedOn: '2026-11-25', reason: '本省无对应采购项目' },
  'objection.open': { objectionId: 'obj-1', entryId: 'SH-black-1', owner: 'SH', lodgedOn: '2026-11-20', grounds: '处罚决定已被复议撤销' },
  'objection.resolve': { objectionId: 'obj-1', entryId: 'SH-black-1', owner: 'SH', outcome: 'corrected', resolvedOn: '2026-11-22', explanation: '更正认定文书号', correctedVersion: 4 },
  'gateway.notice': NOTICE_FULL,
  'repair.request': { repairId: 'R-1', entryId: 'SH-black-1', owner: 'SH', requestedOn: '2026-11-20', grounds: '已缴清罚款并完成整改，𠮷' },
  'repair.decision': { repairId: 'R-1', entryId: 'SH-black-1', owner: 'SH', outcome: 'granted', decidedOn: '2026-11-27', reason: '符合修复条件，准予修复' }
}

/** Only the required fields of every kind. */
const bare: Record<NativeKind, Record<string, unknown>> = {
  'list.upsert': (() => {
    const { severeCategory: _s, validUntil: _v, ...rest } = sampleEntry('SH', '310000', 2, { listType: 'red' })
    return { ...rest, subject: { type: 'public-institution', name: '上海市某事业单位', creditCode: sampleUscc('310000', 42, '12') }, measures: [] }
  })(),
  'list.remove': { entryId: 'SH-red-2', owner: 'SH', version: 2, reason: 'other', basis: '其他', effectiveOn: '2026-01-01' },
  'punishment.notice': { caseId: 'c2', mode: 'punishment', entryId: 'SH-black-2', owner: 'SH', initiatingDepartment: { name: '上海市税务局' }, subject: { type: 'person', name: '𠮷野家', idNumber: ID }, measures: ['m1'], respondBy: '2026-12-01', feedbackBy: '2026-12-01' },
  'punishment.feedback': { caseId: 'c2', initiator: 'SH', department: { name: '浙江省商务厅' }, outcome: 'acknowledged' },
  'objection.open': { objectionId: 'o2', entryId: 'SH-black-2', owner: 'SH', lodgedOn: '2026-11-20', grounds: '😀 不服' },
  'objection.resolve': { objectionId: 'o2', entryId: 'SH-black-2', owner: 'SH', outcome: 'upheld', resolvedOn: '2026-11-22', explanation: '维持' },
  'gateway.notice': { noticeId: 'n2', noticeType: 'reminder', text: '𠮷 请按期响应' },
  'repair.request': { repairId: 'R-2', entryId: 'SH-black-2', owner: 'SH', requestedOn: '2026-11-20', grounds: '😀' },
  'repair.decision': { repairId: 'R-2', entryId: 'SH-black-2', owner: 'SH', outcome: 'refused', decidedOn: '2026-11-27', reason: '未消除不良影响' }
}

/** Through the wire and back: JSON in between, as the platform sees it. */
const roundTrip = (kind: NativeKind, item: unknown): unknown => {
  const back = fromNative(JSON.parse(JSON.stringify(toNative(kind, item))))
  return back.kind === kind ? back.item : { wrongKind: back.kind }
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

t.test('every kind maps both ways with every optional field present', async (t) => {
  for (
    const [kind, item] of Object.entries(full) as Array<[NativeKind, unknown]>
  ) t.strictSame(roundTrip(kind, item), item, kind)
})

t.test('every kind maps both ways with every optional field absent, and absent stays absent', async (t) => {
  for (
    const [kind, item] of Object.entries(bare) as Array<[NativeKind, unknown]>
  ) t.strictSame(roundTrip(kind, item), item, kind)
  const native = toNative('list.upsert', bare['list.upsert']) as unknown as Record<string, unknown>
  for (const f of ['seriousType', 'validEnd', 'decisionOrgCode', 'certNo', 'certType', 'dutyPersons']) t.notOk(f in native, `no ${f}`)
})

t.test('the native record uses Shanghai names, codes, dates and flags', async (t) => {
  t.strictSame(toNative('list.upsert', full['list.upsert']), {
    recordType: 'creditList',
    recordId: 'SH-black-1',
    ownerProvince: 'SH',
    recordVersion: 1,
    listCategory: '01',
    listTypeCode: 'food-drug-serious-violation',
    industryField: 'food-drug',
    creditSubjectType: '01',
    creditSubjectName: '华东食品有限公司',
    unifiedCode: ORG,
    dutyPersons: [{ dutyRole: 'FR', dutyName: '李某', dutyCertNo: ID }, { dutyRole: 'SJKZR', dutyName: '王某' }],
    listReason: '生产经营不符合食品安全标准的食品，情节严重。',
    punishBasis: '《中华人民共和国食品安全法》第一百二十三条；国发〔2016〕33号 (九)',
    decisionOrg: '上海市市场监督管理局',
    decisionOrgCode: sampleUscc('310000', 7, '11'),
    decisionDocType: '03',
    decisionDocName: '行政处罚决定书',
    decisionDocNo: '沪市监罚〔2026〕101号',
    decisionDate: '20260315',
    measureList: [{ measureCode: 'restrict-public-procurement', mandatoryFlag: '1', measureDesc: '限制参与政府采购' }, { measureCode: 'strict-supervision', mandatoryFlag: '0' }],
    removeCondition: '惩戒期满且已履行处罚决定，可申请移出。',
    reliefMeasure: '可依法申请行政复议或提起行政诉讼，或向认定部门提出异议。',
    validStart: '20260315',
    repairFlag: '0',
    seriousType: '2',
    validEnd: '20290314',
    noticeDate: '20260301',
    noticeMode: '01'
  })
  const person = toNative('punishment.notice', full['punishment.notice']) as unknown as Record<string, unknown>
  t.same([person.creditSubjectType, person.certType, person.certNo, person.actionType], ['09', '01', ID, 'R'])
})

t.test('a gateway notice is a gatewayNotice record of msgType GATEWAY_NOTICE, in Shanghai\'s names', async (t) => {
  t.equal(SH_MSG_TYPES['gateway.notice'], 'GATEWAY_NOTICE')
  t.strictSame(toNative('gateway.notice', NOTICE_FULL), {
    recordType: 'gatewayNotice',
    noticeNo: 'YRD-notice-1',
    noticeType: '03',
    noticeContent: '核查结果：已限制其参与政府采购。',
    caseNo: 'case-2026-1',
    initiateProvince: 'JS',
    recordId: 'SH-black-1',
    ownerProvince: 'SH',
    objectionNo: 'obj-1',
    checkNo: 'JS-check-1',
    checkResult: 'restricted',
    measureCodes: ['restrict-public-procurement', 'strict-supervision'],
    handleDeadline: '20261215'
  })
  for (const type of ['reminder', 'remediation', 'check.outcome'] as const) {
    const item = sampleNotice(7, type)
    t.strictSame(roundTrip('gateway.notice', item), item, `sample ${type} both ways`)
  }
  const none = { noticeId: 'n3', noticeType: 'remediation', measures: [], text: '请纠正' }
  t.strictSame(roundTrip('gateway.notice', none), none, 'an empty measures list stays an empty list')
  t.match(refusal(() => toNative('gateway.notice', { ...NOTICE_FULL, text: '字'.repeat(2001) })).message, /at most 2000|not a valid gateway.notice/, 'a text beyond 2,000 characters is refused')
  t.match(refusal(() => fromNative({ recordType: 'gatewayNotice', noticeNo: 'n4', noticeType: '09', noticeContent: 'x' })).message, /unknown noticeType code/, 'an unknown 通知类型 code is refused')
})

t.test('国办发〔2020〕49号 (十一)(十二): repair.request and repair.decision travel as CREDIT_REPAIR_APPLY / CREDIT_REPAIR_RESULT records, every field both ways', async (t) => {
  t.equal(SH_MSG_TYPES['repair.request'], 'CREDIT_REPAIR_APPLY')
  t.equal(SH_MSG_TYPES['repair.decision'], 'CREDIT_REPAIR_RESULT')
  t.strictSame(toNative('repair.request', full['repair.request']), {
    recordType: 'repairApply', repairNo: 'R-1', recordId: 'SH-black-1', ownerProvince: 'SH', applyDate: '20261120', repairReason: '已缴清罚款并完成整改，𠮷'
  })
  t.strictSame(toNative('repair.decision', full['repair.decision']), {
    recordType: 'repairResult', repairNo: 'R-1', recordId: 'SH-black-1', ownerProvince: 'SH', repairResult: '1', handleDate: '20261127', repairOpinion: '符合修复条件，准予修复'
  })
  for (const kind of ['repair.request', 'repair.decision'] as const) {
    t.strictSame(roundTrip(kind, full[kind]), full[kind], `${kind} both ways`)
    t.strictSame(roundTrip(kind, bare[kind]), bare[kind], `${kind} (the other outcome) both ways`)
  }
  t.equal((toNative('repair.decision', bare['repair.decision']) as unknown as Record<string, unknown>).repairResult, '0', 'refused is 0')
  t.strictSame(fromNative({ recordType: 'repairApply', repairNo: 'R-3', recordId: 'SH-1', ownerProvince: 'SH', applyDate: '20261201', repairReason: '已整改' }),
    { kind: 'repair.request', item: { repairId: 'R-3', entryId: 'SH-1', owner: 'SH', requestedOn: '2026-12-01', grounds: '已整改' } }, 'Shanghai can send a request inbound')
  t.match(refusal(() => fromNative({ recordType: 'repairResult', repairNo: 'R-3', recordId: 'SH-1', ownerProvince: 'SH', repairResult: '7', handleDate: '20261201', repairOpinion: 'x' })).message, /unknown repairResult code/, 'an unknown 修复结果 code is refused')
  t.match(refusal(() => fromNative({ recordType: 'repairApply', repairNo: 'R-3', recordId: 'SH-1', ownerProvince: 'SH', applyDate: '20261201' })).message, /repairReason: required field missing/)
  t.match(refusal(() => toNative('repair.request', { ...full['repair.request'], grounds: 'a\u0007b' })).message, /control character/, 'a control character is refused')
})

t.test('every code table is one-to-one and covers every contract value', async (t) => {
  const literals = (schema: TSchema): string[] => (schema.anyOf as Array<{ const: string }>).map((s) => s.const)
  const props = (schema: TSchema, key: string): TSchema => (
    schema.properties as Record<string, TSchema>
  )[key] as TSchema
  const expected: Record<ShCodeTable, string[]> = {
    subjectType: literals(SubjectTypeV1),
    dutyRole: literals(props(ResponsiblePersonV1, 'role')),
    listCategory: literals(ListTypeV1),
    seriousType: literals(SevereCategoryV1),
    decisionDocType: literals(props(DecisionV1, 'documentType')),
    removeReason: literals(RemovalReasonV1),
    actionType: literals(props(PunishmentNoticeItemV1, 'mode')),
    feedbackResult: literals(props(PunishmentFeedbackItemV1, 'outcome')),
    handleResult: literals(props(ObjectionResolveItemV1, 'outcome')),
    noticeType: literals(GatewayNoticeTypeV1),
    noticeMode: literals(props(NotificationV1, 'channel')),
    repairResult: literals(props(RepairDecisionItemV1, 'outcome'))
  }
  for (const [table, values] of Object.entries(expected)) {
    const codes: Record<string, string> = SH_CODE_TABLES[table as ShCodeTable]
    t.same(Object.keys(codes).sort(), [...values].sort(), `${table} covers the contract`)
    t.equal(new Set(Object.values(codes)).size, values.length, `${table} codes are distinct`)
  }
})

t.test('Unicode names travel as they are (UTF-8 JSON), counted in characters', async (t) => {
  for (const name of ['张三·阿卜杜拉', '𠮷野家', '😀🇨🇳 小店', 'Ǆ̌ combining é', '𠮷'.repeat(100)]) {
    const item = { ...bare['punishment.notice'], subject: { type: 'person', name, idNumber: ID } }
    t.strictSame(roundTrip('punishment.notice', item), item, `${name.slice(0, 12)}: ${[...name].length} characters`)
  }
})

t.test('refuses what Shanghai cannot store, not retryable, naming the field but not the value', async (t) => {
  const entry = full['list.upsert'] as ListUpsertItemV1
  const cases: Array<[string, NativeKind, unknown, RegExp]> = [
    ['subject name over 100 characters', 'list.upsert', { ...entry, subject: { ...entry.subject, name: '𠮷'.repeat(50) + '長'.repeat(51) } }, /subject\.name: 101 characters.*creditSubjectName holds at most 100/],
    ['facts over 2,000 characters', 'list.upsert', { ...entry, facts: '事'.repeat(2001) }, /facts: 2001 characters.*listReason/],
    ['grounds over 2,000 characters', 'objection.open', { ...bare['objection.open'], grounds: '异'.repeat(2001) }, /grounds: 2001 characters/],
    ['explanation over 2,000 characters', 'objection.resolve', { ...bare['objection.resolve'], explanation: '议'.repeat(2001) }, /explanation: 2001 characters/],
    ['a control character', 'list.upsert', { ...entry, remedies: '复议\u0007' }, /remedies: contains a control character/],
    ['a lone surrogate', 'punishment.notice', { ...bare['punishment.notice'], subject: { type: 'person', name: '张\uD842', idNumber: ID } }, /subject\.name: contains a lone surrogate/],
    ['not a contract item', 'list.upsert', { ...entry, version: 0 }, /item\.version: not a valid list\.upsert item/]
  ]
  for (const [what, kind, item, message] of cases) {
    const err = refusal(() => toNative(kind, item))
    t.equal(err.retryable, false, `${what}: not retryable`)
    t.match(err.message, message, what)
    t.notOk(err.message.includes(ID), `${what}: no identity number in the message`)
  }
  t.strictSame(roundTrip('list.upsert', { ...entry, facts: '事\n实\t'.repeat(500) }), { ...entry, facts: '事\n实\t'.repeat(500) }, 'tabs and line breaks are fine')
})

t.test('fromNative refuses records the platform would not hold', async (t) => {
  const good = toNative('objection.open', bare['objection.open']) as unknown as Record<string, unknown>
  const notice = toNative('punishment.notice', bare['punishment.notice']) as unknown as Record<string, unknown>
  const cases: Array<[string, unknown, RegExp]> = [
    ['not an object', [good], /record: expected an object/],
    ['unknown record type', { ...good, recordType: 'memo' }, /record\.recordType: unknown record type/],
    ['a date not yyyyMMdd', { ...good, applyDate: '2026-11-20' }, /record\.applyDate: not a yyyyMMdd date/],
    ['a missing field', { ...good, objectionReason: undefined }, /record\.objectionReason: required field missing/],
    ['an unknown code', { ...notice, creditSubjectType: '77' }, /creditSubjectType: unknown subjectType code "77"/],
    ['certNo without certType', { ...notice, certType: undefined }, /certType and certNo go together/],
    ['another document type', { ...notice, certType: '02' }, /only "01"/],
    ['an id the contract does not allow', { ...good, recordId: 'has space' }, /record\.entryId: not a valid objection\.open item/]
  ]
  for (const [what, record, message] of cases) {
    const err = refusal(() => fromNative(record))
    t.equal(err.retryable, false, what)
    t.match(err.message, message, what)
  }
  t.notOk(refusal(() => fromNative({ ...notice, creditSubjectType: ID })).message.includes(ID), 'an identity number in a code field is not quoted')
})

t.test('signature: body digest and HMAC-SHA256 known answers', async (t) => {
  t.equal(shBodyDigest(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'SHA-256 of ""')
  t.equal(shBodyDigest('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'SHA-256 of "abc"')
  const body = '{"msgId":"demo-1"}'
  const toSign = shStringToSign('post', '/api/credit/v2/records', '1767225600000', '0123456789abcdef0123456789abcdef', shBodyDigest(body))
  t.equal(toSign, 'POST\n/api/credit/v2/records\n1767225600000\n0123456789abcdef0123456789abcdef\n2b867ade842a22a0c91c8c67be5740718b3d6cf4f1562a647909b9956e1355ea')
  t.equal(shSignature('sh-demo-secret', toSign), 'AObk4zCngWgykAet4TRbiitY1cpwDpSuMNT03Qkgc8s=', 'computed independently with openssl dgst -hmac')
  t.strictSame(shAuthHeaders({ appKey: 'k', appSecret: 'sh-demo-secret', method: 'POST', path: '/api/credit/v2/records', body, timestamp: 1767225600000, nonce: '0123456789abcdef0123456789abcdef' }), {
    'x-sh-appkey': 'k', 'x-sh-timestamp': '1767225600000', 'x-sh-nonce': '0123456789abcdef0123456789abcdef', 'x-sh-signature': 'AObk4zCngWgykAet4TRbiitY1cpwDpSuMNT03Qkgc8s='
  })
  const nonces = new Set(Array.from({ length: 1000 }, () => shNonce()))
  t.equal(nonces.size, 1000, 'nonces do not repeat')
  t.match([...nonces][0], /^[0-9a-f]{32}$/)
})

t.test('answers are classified: taken, retryable or permanent', async (t) => {
  const x = { platform: 'SH', msgId: 'm1', records: 2, bodyDigest: 'd1' }
  const ok = (data: Record<string, unknown>, code = '0000'): string => JSON.stringify({ code, message: '成功', data })
  t.equal(readShAnswer(200, ok({ msgId: 'm1', accepted: 2, bodyDigest: 'd1' }), x).answer.code, '0000', '0000 matching')
  t.equal(readShAnswer(200, ok({ msgId: 'm1', accepted: 2, bodyDigest: 'older' }, '3001'), x).answer.code, '3001', '3001 is already held')
  const partly = (code: string): string => ok({ msgId: 'm1', accepted: 1, rejected: [{ index: 1, code: 'E203', reason: `证件号码${ID}不符` }] }, code)
  for (const code of ['2002', '3001']) {
    const { answer, refused } = readShAnswer(200, partly(code), x)
    t.equal(answer.code, code, `${code} with rejected records: the others are taken`)
    t.same(refused, [{ index: 1, code: 'E203', reason: `证件号码${ID.slice(0, 4)}**********${ID.slice(14)}不符` }], `${code}: the refused record, its reason masked`)
  }
  const cases: Array<[string, number, string, boolean, RegExp]> = [
    ['0000 for another msgId', 200, ok({ msgId: 'm2', accepted: 2, bodyDigest: 'd1' }), false, /msgId does not match/],
    ['0000 for fewer records', 200, ok({ msgId: 'm1', accepted: 1, bodyDigest: 'd1' }), false, /accepted 1 of 2/],
    ['0000 for other bytes', 200, ok({ msgId: 'm1', accepted: 2, bodyDigest: 'd0' }), false, /bodyDigest/],
    ['not JSON', 200, '<html>OK</html>', false, /invalid acknowledgement/],
    ['2002 refusing every record', 200, ok({ msgId: 'm1', accepted: 0, rejected: [{ index: 0, code: 'E203', reason: '不符' }, { index: 1, code: 'E204', reason: '不符' }] }, '2002'), false, /refused every record.*records\[1\] E204/],
    ['2002 naming a record not sent', 200, ok({ msgId: 'm1', accepted: 1, rejected: [{ index: 2, code: 'E203', reason: '不符' }] }, '2002'), false, /index out of range/],
    ['2002 naming a record twice', 200, ok({ msgId: 'm1', accepted: 0, rejected: [{ index: 1, code: 'E203', reason: '-' }, { index: 1, code: 'E203', reason: '-' }] }, '2002'), false, /repeated/],
    ['2002 miscounting', 200, ok({ msgId: 'm1', accepted: 2, rejected: [{ index: 1, code: 'E203', reason: '不符' }] }, '2002'), false, /accepted 2 with 1 of 2/],
    ['2002 for another msgId', 200, ok({ msgId: 'm2', accepted: 1, rejected: [{ index: 1, code: 'E203', reason: '不符' }] }, '2002'), false, /msgId does not match/],
    ['1000 unknown app key', 200, '{"code":"1000","message":"应用标识不存在"}', false, /1000 应用标识不存在/],
    ['1001 signature', 200, '{"code":"1001","message":"签名校验失败"}', false, /1001/],
    ['1002 timestamp', 200, '{"code":"1002","message":"请求时间戳已过期"}', true, /1002/],
    ['1003 nonce', 200, '{"code":"1003","message":"请求随机数重复"}', true, /1003/],
    ['2001 field invalid', 200, '{"code":"2001","message":"字段校验失败: records[0].listReason"}', false, /2001 字段校验失败: records\[0\]\.listReason/],
    ['9999 busy with 200', 200, '{"code":"9999","message":"系统繁忙"}', true, /9999/],
    ['HTTP 500', 500, '{"code":"9999","message":"系统繁忙"}', true, /HTTP 500 9999/],
    ['HTTP 502 without JSON', 502, 'Bad Gateway', true, /HTTP 502/],
    ['HTTP 429', 429, '', true, /HTTP 429/],
    ['HTTP 404', 404, '{"code":"404","message":"接口不存在"}', false, /HTTP 404/],
    ['an unknown code', 200, '{"code":"8888","message":"?"}', false, /8888/]
  ]
  for (const [what, status, text, retryable, message] of cases) {
    const err = refusal(() => readShAnswer(status, text, x))
    t.equal(err.retryable, retryable, `${what}: retryable ${String(retryable)}`)
    t.equal(err.unreachable, false, `${what}: reachable`)
    t.match(err.message, message, what)
  }
  const leaky = refusal(() => readShAnswer(200, JSON.stringify({ code: '2001', message: `证件号码${ID}与姓名不符` }), x))
  t.notOk(leaky.message.includes(ID), 'an identity number quoted by the platform is masked')
  t.equal(platformReason(`No.${ID}b`), `No.${ID.slice(0, 4)}**********${ID.slice(14)}b`, 'masked wherever it sits')
})

t.test('endpoint: the records URL or the API root; health next to it unless configured', async (t) => {
  const a = shRestUrls('https://credit.sh.example/gw/api/credit/v2/records')
  t.same([a.records.href, a.health.href], ['https://credit.sh.example/gw/api/credit/v2/records', 'https://credit.sh.example/gw/api/credit/v2/health'])
  const b = shRestUrls('https://credit.sh.example/', 'https://status.sh.example/ping')
  t.same([b.records.href, b.health.href], ['https://credit.sh.example/api/credit/v2/records', 'https://status.sh.example/ping'])
})

t.test('a responsible organisation\'s credit code travels both ways as dutyUnifiedCode (落实到人, 国办发〔2019〕35号 (十二))', async (t) => {
  const entry = sampleEntry('SH', '310000', 31)
  const controller = sampleUscc('320000', 32)
  const item = { ...entry, subject: { ...entry.subject, responsiblePersons: [...(entry.subject.responsiblePersons ?? []), { role: 'actual-controller' as const, name: '某控股集团有限公司', creditCode: controller }] } }
  t.strictSame(roundTrip('list.upsert', item), item)
  t.match(toNative('list.upsert', item), { dutyPersons: [{ dutyRole: 'FR' }, { dutyName: '某控股集团有限公司', dutyUnifiedCode: controller }] })
})

t.test('告知 (国办发〔2020〕49号 (八)): noticeDate and noticeMode travel together', async (t) => {
  const native = toNative('list.upsert', full['list.upsert']) as unknown as Record<string, unknown>
  const { noticeMode: _m, ...noMode } = native
  t.match(refusal(() => fromNative(noMode)).message, /noticeMode/, 'a date without its channel is not a 告知 record')
  t.match(refusal(() => fromNative({ ...native, noticeMode: '07' })).message, /unknown noticeMode code/, 'an unknown 告知方式 code is refused')
})
