import t from 'tap'
import iconv from 'iconv-lite'
import { createHash } from 'node:crypto'
import type { EnvelopeKindV1 } from '../../contracts/envelope-v1.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import { JS_HEADER, type JsRow } from '../../adapters/js-batch/js-batch-columns.js'
import { batchSm3, decodeBatchFile, encodeBatchFile, JsBatchFileError } from '../../adapters/js-batch/js-batch-file.js'
import { fromNative, toNative } from '../../adapters/js-batch/js-batch-mapping.js'
import { checkBatchDone, readBatchStatus } from '../../adapters/js-batch/js-batch-result.js'
import { assertGb18030, gb18030 } from '../../adapters/js-batch/gb18030-text.js'
import { AdapterError } from '../../adapters/types.js'
import { sampleEntry, sampleIdNumber, sampleNotice, sampleUscc } from '../../sim/sample-entries.js'

const ID = sampleIdNumber('320000', 3)
const OBJECTION_OPEN = { objectionId: 'o1', entryId: 'JS-1', owner: 'JS', lodgedOn: '2026-11-20', grounds: '处罚已撤销' }

const NOTICE_FULL = {
  noticeId: 'YRD-notice-1',
  noticeType: 'check.outcome',
  caseId: 'c1',
  initiator: 'SH',
  entryId: 'JS-1',
  owner: 'JS',
  objectionId: 'o1',
  checkId: 'ZJ-check-1',
  outcome: 'restricted',
  measures: ['m1', 'm.2'],
  dueOn: '2026-12-15',
  text: '核查结果：已限制其参与政府采购。'
}

const upsertFull = (): ListUpsertItemV1 => ({
  ...sampleEntry('JS', '320000', 1),
  severeCategory: 'market-order',
  subject: {
    type: 'enterprise',
    name: '张三·阿卜杜拉𠮷野家餐饮有限公司😀',
    creditCode: sampleUscc('320000', 1),
    idNumber: ID,
    responsiblePersons: [
      { role: 'legal-representative', name: '张三·阿卜杜拉', idNumber: ID },
      { role: 'actual-controller', name: '王;五|\\六' },
      { role: 'principal', name: '李四' },
      { role: 'directly-responsible', name: '赵六', idNumber: ID }
    ]
  },
  decision: { authority: '江苏省市场监督管理局', authorityCode: sampleUscc('320000', 9, '11'), documentType: 'judgment', documentName: '民事判决书', documentNumber: '（2026）苏01民终1号', decidedOn: '2026-01-31' },
  measures: [{ code: 'a', mandatory: true, description: '说明;含|分隔符\\与\r\n换行' }, { code: 'b', mandatory: false }],
  // Dates of its own (not sampleEntry's, which follow the clock): the columns below are compared as text.
  notification: { notifiedOn: '2026-01-20', channel: 'in-person' },
  validFrom: '2026-01-31',
  validUntil: '2030-12-31'
})

const upsertMinimal = (): ListUpsertItemV1 => {
  const { severeCategory: _s, validUntil: _v, ...rest } = sampleEntry('JS', '320000', 2, { listType: 'key-supervision' })
  return { ...rest, subject: { type: 'person', name: '张某' }, decision: { ...rest.decision, documentType: 'other' }, measures: [], repairable: false }
}

const CASES: Array<[string, EnvelopeKindV1, unknown]> = [
  ['list.upsert, every optional field', 'list.upsert', upsertFull()],
  ['list.upsert, no optional field', 'list.upsert', upsertMinimal()],
  ['list.upsert, an empty list of responsible persons', 'list.upsert', { ...upsertMinimal(), subject: { type: 'government-body', name: '某局', responsiblePersons: [] } }],
  ['list.remove', 'list.remove', { entryId: 'JS-1', owner: 'JS', version: 2147483647, reason: 'corrected', basis: '更正决定', effectiveOn: '2026-02-28' }],
  ['punishment.notice, every optional field', 'punishment.notice', { caseId: 'c.1', mode: 'reward', entryId: 'JS-1', owner: 'JS', initiatingDepartment: { name: '江苏省发展和改革委员会', code: 'JSFGW' }, subject: upsertFull().subject, measures: ['m1', 'm.2'], respondBy: '2026-12-01', feedbackBy: '2026-12-15', note: '备注' }],
  ['punishment.notice, no optional field', 'punishment.notice', { caseId: 'c2', mode: 'punishment', entryId: 'JS-1', owner: 'JS', initiatingDepartment: { name: '部门' }, subject: { type: 'individual-business', name: '某个体户' }, measures: ['m1'], respondBy: '2026-12-01', feedbackBy: '2026-12-15' }],
  ['punishment.feedback, every optional field', 'punishment.feedback', { caseId: 'c1', initiator: 'SH', department: { name: '江苏省财政厅', code: 'JSCZT' }, outcome: 'declined', measure: 'm1', appliedOn: '2026-11-25', reason: '不适用' }],
  ['punishment.feedback, no optional field', 'punishment.feedback', { caseId: 'c1', initiator: 'SH', department: { name: '江苏省财政厅' }, outcome: 'acknowledged' }],
  ['objection.open', 'objection.open', OBJECTION_OPEN],
  ['objection.resolve, every optional field', 'objection.resolve', { objectionId: 'o1', entryId: 'JS-1', owner: 'JS', outcome: 'corrected', resolvedOn: '2026-11-22', explanation: '更正', correctedVersion: 3 }],
  ['objection.resolve, no optional field', 'objection.resolve', { objectionId: 'o1', entryId: 'JS-1', owner: 'JS', outcome: 'revoked', resolvedOn: '2026-11-22', explanation: '撤销' }],
  ['gateway.notice, every optional field', 'gateway.notice', NOTICE_FULL],
  ['gateway.notice, no optional field', 'gateway.notice', { noticeId: 'n2', noticeType: 'reminder', text: '𠮷 请按期响应' }],
  ['gateway.notice, an empty list of measures', 'gateway.notice', { noticeId: 'n3', noticeType: 'remediation', measures: [], text: '请纠正' }],
  ['gateway.notice, sample reminder', 'gateway.notice', sampleNotice(4, 'reminder')],
  ['gateway.notice, sample remediation', 'gateway.notice', sampleNotice(4, 'remediation')],
  ['gateway.notice, sample check outcome', 'gateway.notice', sampleNotice(4, 'check.outcome')],
  ['repair.request', 'repair.request', { repairId: 'R-1', entryId: 'JS-1', owner: 'JS', requestedOn: '2026-11-20', grounds: '已缴清罚款;完成整改|\\𠮷' }],
  ['repair.decision', 'repair.decision', { repairId: 'R-1', entryId: 'JS-1', owner: 'JS', outcome: 'refused', decidedOn: '2026-11-27', reason: '未消除不良影响' }]
]

t.test('every kind round-trips through a GB18030 batch file', async (t) => {
  const rows = CASES.map(([, kind, item]) => toNative(kind, item))
  const file = decodeBatchFile(encodeBatchFile('jti-1', 'SH', rows))
  t.equal(file.batchId, 'jti-1')
  t.equal(file.origin, 'SH')
  CASES.forEach(([name, kind, item], i) => {
    const row = file.rows[i] as JsRow
    t.equal(row.记录序号, String(i + 1), `${name}: 记录序号`)
    t.same(fromNative(row), { kind, item }, name)
    t.strictSame(fromNative(toNative(kind, item)), { kind, item }, `${name}: strictly, without the file`)
  })
})

t.test('absent optional fields stay absent, and an empty list is not an absent one', async (t) => {
  const min = fromNative(toNative('list.upsert', upsertMinimal())).item as ListUpsertItemV1
  for (const key of ['severeCategory', 'validUntil', 'notification']) t.notOk(key in min, `${key} absent`)
  t.same(Object.keys(min.subject), ['type', 'name'])
  t.notOk('authorityCode' in min.decision)
  t.same(min.measures, [])
  t.equal(toNative('list.upsert', { ...upsertMinimal(), subject: { type: 'person', name: '某', responsiblePersons: [] } }).责任人, '无')
  t.equal(toNative('list.upsert', upsertMinimal()).责任人, undefined)
})

t.test('国办发〔2020〕49号 (十一)(十二): repair.request and repair.decision are 数据类型 08 / 09 in Jiangsu\'s columns and labels, every field both ways', async (t) => {
  const request = { repairId: 'R-1', entryId: 'JS-1', owner: 'JS', requestedOn: '2026-11-20', grounds: '已缴清罚款并完成整改' }
  const decision = { repairId: 'R-1', entryId: 'JS-1', owner: 'JS', outcome: 'granted', decidedOn: '2026-11-27', reason: '符合修复条件，准予修复' }
  t.strictSame(toNative('repair.request', request), { 数据类型: '08', 修复编号: 'R-1', 名单编号: 'JS-1', 名单归属平台: 'JS', 修复申请日期: '20261120', 修复理由: '已缴清罚款并完成整改' })
  t.strictSame(toNative('repair.decision', decision), { 数据类型: '09', 修复编号: 'R-1', 名单编号: 'JS-1', 名单归属平台: 'JS', 修复结果: '准予修复', 修复决定日期: '20261127', 修复决定说明: '符合修复条件，准予修复' })
  t.equal(toNative('repair.decision', { ...decision, outcome: 'refused' }).修复结果, '不予修复')
  const file = decodeBatchFile(encodeBatchFile('jti-r', 'ZJ', [toNative('repair.request', request), toNative('repair.decision', decision)]))
  t.strictSame(file.rows.map((row) => fromNative(row)), [{ kind: 'repair.request', item: request }, { kind: 'repair.decision', item: decision }], 'both ways through a GB18030 batch file')
  t.throws(() => fromNative({ ...toNative('repair.decision', decision), 修复结果: '同意' }), AdapterError, 'an unknown 修复结果 label is refused')
  t.throws(() => fromNative({ ...toNative('repair.request', request), 修复理由: '' }), AdapterError, 'a missing 修复理由 is refused')
  t.throws(() => toNative('repair.request', { ...request, extra: 1 }), AdapterError, 'an unknown field is refused')
})

t.test('a gateway notice is 数据类型 07, in Jiangsu\'s columns and labels', async (t) => {
  t.strictSame(toNative('gateway.notice', NOTICE_FULL), {
    数据类型: '07',
    通知编号: 'YRD-notice-1',
    通知类型: '核查结果',
    案件编号: 'c1',
    发起平台: 'SH',
    名单编号: 'JS-1',
    名单归属平台: 'JS',
    异议编号: 'o1',
    核查编号: 'ZJ-check-1',
    核查结论: 'restricted',
    惩戒措施: 'm1|m.2',
    办理期限: '20261215',
    通知内容: '核查结果：已限制其参与政府采购。'
  })
  t.equal(toNative('gateway.notice', { noticeId: 'n', noticeType: 'reminder', measures: [], text: 'x' }).惩戒措施, '无', 'an empty list is 无')
  t.equal(toNative('gateway.notice', { noticeId: 'n', noticeType: 'reminder', text: 'x' }).惩戒措施, undefined, 'no list is an empty cell')
  t.throws(() => fromNative({ 数据类型: '07', 通知编号: 'n', 通知类型: '提醒', 通知内容: 'x' }), AdapterError, 'an unknown 通知类型 label is refused')
  t.throws(() => fromNative({ 数据类型: '07', 通知编号: 'n', 通知类型: '催办', 通知内容: 'x', 移出依据: 'y' }), AdapterError, 'a column a notice does not use is refused')
  t.ok(JS_HEADER.includes('通知内容'), 'the header lists the notice columns')
})

t.test('native cells: dates, labels, nested cells with escapes', async (t) => {
  const row = toNative('list.upsert', upsertFull())
  t.equal(row.数据类型, '01')
  t.equal(row.决定日期, '20260131')
  t.equal(row.名单类型, '黑名单')
  t.equal(row.主体类型, '企业')
  t.equal(row.可否修复, '是')
  t.equal(row.严重失信类别, '严重破坏市场公平竞争秩序和社会正常秩序')
  t.equal(row.责任人, `法定代表人;张三·阿卜杜拉;${ID}|实际控制人;王\\;五\\|\\\\六|主要负责人;李四|直接责任人;赵六;${ID}`)
  t.equal(row.惩戒措施, 'a;强制;说明\\;含\\|分隔符\\\\与\r\n换行|b;推荐')
})

t.test('Unicode: what GB18030 carries round-trips, what it cannot is refused', async (t) => {
  for (const name of ['张三·阿卜杜拉', '𠮷野家', '😀🇨🇳', '𪚥𰻞', 'Ǹ€']) {
    const item = { ...upsertMinimal(), subject: { type: 'person' as const, name } }
    t.equal((fromNative(decodeBatchFile(encodeBatchFile('j', 'SH', [toNative('list.upsert', item)])).rows[0] as JsRow).item as ListUpsertItemV1).subject.name, name, name)
  }
  const unencodable: Array<[string, string]> = [['a lone high surrogate', '张\uD842'], ['a lone low surrogate', '\uDFB7野家'], ['a code point GB 18030-2022 remapped', '\uE5E5']]
  for (const [what, text] of unencodable) {
    const item = { ...upsertMinimal(), facts: text }
    t.throws(() => toNative('list.upsert', item), { name: 'AdapterError', retryable: false, message: /^facts: / }, what)
  }
})

t.test('refuses what the batch format cannot represent, permanently', async (t) => {
  const refusals: Array<[string, EnvelopeKindV1, unknown, RegExp]> = [
    ['facts beyond 4000 GB18030 bytes (contract allows 4000 characters)', 'list.upsert', { ...upsertMinimal(), facts: '事'.repeat(2001) }, /失信事由 \(facts\) takes at most 4000 GB18030 bytes, this value needs 4002/],
    ['a name of 101 supplementary characters', 'list.upsert', { ...upsertMinimal(), subject: { type: 'person', name: '𠮷'.repeat(101) } }, /主体名称 \(subject.name\) takes at most 400/],
    ['an empty string', 'objection.open', { objectionId: 'o1', entryId: 'e', owner: 'JS', lodgedOn: '2026-01-01', grounds: '' }, /grounds is empty/],
    ['a field the format has no column for', 'objection.open', { objectionId: 'o1', entryId: 'e', owner: 'JS', lodgedOn: '2026-01-01', grounds: 'g', extra: 1 }, /item.extra has no column/],
    ['a malformed date', 'list.remove', { entryId: 'e', owner: 'JS', version: 2, reason: 'repair', basis: 'b', effectiveOn: '2026/01/01' }, /effectiveOn must be a date/],
    ['an unknown code', 'list.remove', { entryId: 'e', owner: 'JS', version: 2, reason: 'whim', basis: 'b', effectiveOn: '2026-01-01' }, /reason has no 移出原因 code/],
    ['a missing required field', 'objection.open', { objectionId: 'o1', entryId: 'e', owner: 'JS', lodgedOn: '2026-01-01' }, /grounds is missing/],
    ['a non-boolean flag', 'list.upsert', { ...upsertMinimal(), repairable: 'yes' }, /repairable must be a boolean/]
  ]
  for (const [what, kind, item, message] of refusals) {
    t.throws(() => toNative(kind, item), { name: 'AdapterError', retryable: false, message }, what)
  }
  const caught = ((): unknown => {
    try { return toNative('list.upsert', { ...upsertMinimal(), subject: { type: 'person', name: '某', idNumber: `${ID}\uD800` } }) } catch (err) { return err }
  })()
  t.ok(caught instanceof AdapterError, 'an identity number with a lone surrogate is refused')
  t.notOk(String((caught as Error).message).includes(ID), 'the refusal never quotes the value')
})

t.test('fromNative is strict about what the platform holds', async (t) => {
  const row = toNative('objection.open', OBJECTION_OPEN)
  t.throws(() => fromNative({ ...row, 主体名称: '某' }), { retryable: false, message: /主体名称 is not used by this 数据类型/ })
  t.throws(() => fromNative({ ...row, 异议提出日期: '2026-11-20' }), { message: /异议提出日期 must be a date YYYYMMDD/ })
  t.throws(() => fromNative({ ...row, 数据类型: '99' }), { message: /数据类型 holds a value outside its code table/ })
  t.throws(() => fromNative({ ...toNative('list.upsert', upsertFull()), 责任人: '法定代表人' }), { message: /责任人 holds a record/ })
  t.throws(() => fromNative({ ...toNative('list.upsert', upsertFull()), 版本号: '01' }), { message: /版本号 must be a positive integer/ })
})

t.test('batch file: CRLF CSV, exact header, GB18030 bytes, refusals with the platform codes', async (t) => {
  const bytes = encodeBatchFile('jti-2', 'ZJ', [toNative('objection.open', OBJECTION_OPEN)])
  const text = iconv.decode(bytes, 'gb18030')
  t.equal(text.split('\r\n')[0], JS_HEADER.join(','))
  t.equal(bytes.subarray(0, 6).toString('hex'), 'c5fab4cebac5', '批次号 in GB18030, not UTF-8')
  const code = (fn: () => unknown): string | undefined => { try { fn() } catch (err) { return err instanceof JsBatchFileError ? err.code : 'OTHER' } return undefined }
  t.equal(code(() => decodeBatchFile(Buffer.concat([bytes, Buffer.from([0x81])]))), 'ENCODING_INVALID', 'a truncated multi-byte sequence')
  t.equal(code(() => decodeBatchFile(Buffer.from(text, 'utf8'))), 'ENCODING_INVALID', 'UTF-8 is not GB18030')
  t.equal(code(() => decodeBatchFile(gb18030(text.replace('批次号', '批号')))), 'HEADER_INVALID')
  t.equal(code(() => decodeBatchFile(gb18030(text.replace('jti-2,1,', 'jti-2,2,')))), 'FILE_INVALID')
  t.throws(() => encodeBatchFile('jti 3', 'SH', [{}]), { retryable: false, message: /批次号/ })
  t.throws(() => encodeBatchFile('jti-3', 'SH', []), { retryable: false, message: /1 to 1000 rows/ })
})

t.test('known answers: SM3, GB18030 code points', async (t) => {
  t.equal(createHash('sm3').update('abc').digest('hex'), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0')
  t.equal(batchSm3(Buffer.from('abc')), '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0')
  t.equal(gb18030('𠮷').toString('hex'), '9534b235', '𠮷 U+20BB7 is a four-byte sequence')
  t.equal(gb18030('张').toString('hex'), 'd5c5')
  t.equal(gb18030('€').toString('hex'), 'a2e3')
  t.equal(gb18030('😀').toString('hex'), '9439fc36')
  t.doesNotThrow(() => { assertGb18030('\u{10FFFF}𠮷', 'x') })
})

t.test('batch results: count, sequence and rejections', async (t) => {
  t.same(readBatchStatus('{"batchId":"b","status":"RECEIVED"}', 'b'), { batchId: 'b', status: 'RECEIVED' })
  const invalid = (text: string, rows = 1): string => {
    try {
      const s = readBatchStatus(text, 'b')
      if (s.status === 'DONE') {
        const refused = checkBatchDone(s.rows, rows)
        if (refused.length > 0) return JSON.stringify(refused)
      }
    } catch (err) { return err instanceof AdapterError && !err.retryable ? err.message : 'retryable?' }
    return 'accepted'
  }
  t.match(invalid('<html>'), /not JSON/)
  t.match(invalid('{"batchId":"other","status":"DONE","rows":[]}'), /batchId does not match/)
  t.match(invalid('{"batchId":"b","status":"FINISHED"}'), /unknown status/)
  t.match(invalid('{"batchId":"b","status":"DONE","rows":[]}'), /0 row verdicts for 1 rows sent/)
  t.match(invalid('{"batchId":"b","status":"DONE","rows":[{"seq":1,"result":"ACCEPTED"},{"seq":1,"result":"ACCEPTED"}]}', 2), /out of range or repeated/)
  t.match(invalid('{"batchId":"b","status":"DONE","rows":[{"seq":1,"result":"REJECTED"}]}'), /REJECTED without a reason/)
  t.equal(invalid('{"batchId":"b","status":"DONE","rows":[{"seq":1,"result":"ACCEPTED","note":"n"}]}'), 'accepted')
  const rejected = invalid(`{"batchId":"b","status":"DONE","rows":[{"seq":2,"result":"REJECTED","reason":"身份证号码${ID}校验失败"},{"seq":1,"result":"ACCEPTED"},{"seq":3,"result":"REJECTED","reason":"统一社会信用代码校验失败"}]}`, 3)
  t.same(JSON.parse(rejected), [
    { index: 1, code: 'REJECTED', reason: `身份证号码${ID.slice(0, 4)}**********${ID.slice(14)}校验失败` },
    { index: 2, code: 'REJECTED', reason: '统一社会信用代码校验失败' }
  ], 'rejected rows of a batch partly applied: refusals of items seq - 1, reasons masked')
  const all = invalid(`{"batchId":"b","status":"DONE","rows":[{"seq":2,"result":"REJECTED","reason":"身份证号码${ID}校验失败"},{"seq":1,"result":"REJECTED","reason":"统一社会信用代码校验失败"}]}`, 2)
  t.equal(all, `platform rejected 2 of 2 rows: row 1: 统一社会信用代码校验失败; row 2: 身份证号码${ID.slice(0, 4)}**********${ID.slice(14)}校验失败`)
})

t.test('a responsible organisation\'s credit code travels both ways as 角色;名称;;统一社会信用代码 (落实到人, 国办发〔2019〕35号 (十二))', async (t) => {
  const base = upsertFull()
  const org = { role: 'actual-controller' as const, name: '某控股集团有限公司', creditCode: sampleUscc('320000', 33) }
  const item = {
    ...base, subject: { ...base.subject, responsiblePersons: [...(base.subject.responsiblePersons ?? []), org] }
  }
  t.strictSame(fromNative(toNative('list.upsert', item)), { kind: 'list.upsert', item })
  t.match(toNative('list.upsert', item).责任人, new RegExp(`\\|实际控制人;某控股集团有限公司;;${org.creditCode}$`))
})

t.test('告知 (国办发〔2020〕49号 (八)): 告知日期 and 告知方式 travel together', async (t) => {
  const row = toNative('list.upsert', upsertFull())
  t.same([row.告知日期, row.告知方式], ['20260120', '直接送达'], 'in Jiangsu\'s columns and labels')
  const { 告知方式: _c, ...noChannel } = row
  t.throws(() => fromNative(noChannel), /告知方式/, 'a date without its channel is not a 告知 record')
  const { 告知日期: _d, ...noDate } = row
  t.throws(() => fromNative(noDate), /告知日期/, 'nor a channel without its date')
})
