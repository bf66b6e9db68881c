import t, { type Test } from 'tap'
import type { EnvelopeKindV1 } from '../../contracts/envelope-v1.js'
import type { ListRemoveItemV1 } from '../../contracts/list-remove-item-v1.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import type { ObjectionOpenItemV1, ObjectionResolveItemV1 } from '../../contracts/objection-items-v1.js'
import type { PunishmentFeedbackItemV1 } from '../../contracts/punishment-feedback-item-v1.js'
import type { PunishmentNoticeItemV1 } from '../../contracts/punishment-notice-item-v1.js'
import { validateItems } from '../../src/envelopes/validate-items.js'
import { GatewayError, type ErrorCode } from '../../src/errors/gateway-error.js'
import { USCC_CHARSET } from '../../src/identifiers/uscc.js'
import { sampleEntry, sampleIdNumber, sampleNotice, sampleUscc } from '../../sim/sample-entries.js'

// --- fixtures: one valid item of each kind -------------------------------------------------------

const upsert = (n = 1, opts: { person?: boolean } = {}): ListUpsertItemV1 => sampleEntry('SH', '310000', n, opts)

const remove = (): ListRemoveItemV1 => ({
  entryId: 'SH-black-1',
  owner: 'SH',
  version: 2,
  reason: 'repair',
  basis: '信用修复决定书 沪信修〔2026〕1号',
  effectiveOn: '2026-06-01'
})

const notice = (): PunishmentNoticeItemV1 => ({
  caseId: 'SH-case-1',
  mode: 'punishment',
  entryId: 'SH-black-1',
  owner: 'SH',
  initiatingDepartment: { name: '上海市市场监督管理局', code: 'SHSCJG' },
  subject: { type: 'enterprise', name: '华东食品有限公司', creditCode: sampleUscc('310000', 1) },
  measures: ['restrict-public-procurement', 'strict-supervision'],
  respondBy: '2026-04-15',
  feedbackBy: '2026-05-15',
  note: '请各实施部门在期限内响应。'
})

const feedback = (over: Partial<PunishmentFeedbackItemV1> = {}): PunishmentFeedbackItemV1 => ({
  caseId: 'SH-case-1',
  initiator: 'SH',
  department: { name: '江苏省财政厅' },
  outcome: 'applied',
  measure: 'restrict-public-procurement',
  appliedOn: '2026-04-20',
  ...over
})

const objectionOpen = (): ObjectionOpenItemV1 => ({
  objectionId: 'JS-obj-1',
  entryId: 'SH-black-1',
  owner: 'SH',
  lodgedOn: '2026-04-02',
  grounds: '处罚决定已被行政复议撤销。'
})

const objectionResolve = (over: Partial<ObjectionResolveItemV1> = {}): ObjectionResolveItemV1 => ({
  objectionId: 'JS-obj-1',
  entryId: 'SH-black-1',
  owner: 'SH',
  outcome: 'corrected',
  resolvedOn: '2026-04-12',
  explanation: '经核实，更正认定文书号。',
  correctedVersion: 3,
  ...over
})

/** A copy of `value` as a plain record, for removing or adding fields the types would not allow. */
const loose = (value: object): Record<string, unknown> => structuredClone(value) as Record<string, unknown>

/** Changes the last (check) character so the identifier is invalid but keeps its shape. */
const corruptUscc = (code: string): string => {
  const last = code.slice(-1)
  return code.slice(0, -1) + (USCC_CHARSET[(USCC_CHARSET.indexOf(last) + 1) % USCC_CHARSET.length] ?? '0')
}
const corruptIdNumber = (id: string): string => {
  const last = id.slice(-1)
  return id.slice(0, -1) + (last === '9' ? 'X' : last === 'X' ? '0' : String(Number(last) + 1))
}

// --- helpers ------------------------------------------------------------------------------------

function rejection (kind: EnvelopeKindV1, iss: string, items: unknown[]): GatewayError {
  try {
    validateItems(kind, iss, items)
  } catch (err) {
    if (err instanceof GatewayError) return err
    throw new Error(`expected a GatewayError, got ${String(err)}`, { cause: err })
  }
  throw new Error('expected the items to be rejected, but they passed')
}

interface Expected { code: ErrorCode, index: number, path: string }

/** Asserts the envelope's code and that `expected` is its first item error; returns the error. */
function rejects (
  t: Test, kind: EnvelopeKindV1, iss: string, items: unknown[], expected: Expected, what: string
): GatewayError {
  const err = rejection(kind, iss, items)
  t.equal(err.code, expected.code, `${what}: envelope code ${expected.code}`)
  t.has(err.errors ?? [], [{ index: expected.index, path: expected.path, code: expected.code }], `${what}: first error is item ${expected.index} at ${expected.path}`)
  return err
}

/** Privacy: neither the message nor any item error's detail echoes one of `values`. */
function noEcho (t: Test, err: GatewayError, values: string[], what: string): void {
  const texts = [err.message, ...(err.errors ?? []).map((e) => e.detail)]
  for (const v of values) t.notOk(texts.some((s) => s.includes(v)), `${what}: ${v.slice(0, 4)}… not echoed`)
}

// --- valid items --------------------------------------------------------------------------------

t.test('a valid item of each kind passes', async (t) => {
  t.doesNotThrow(() => { validateItems('list.upsert', 'SH', [upsert(1)]) }, 'list.upsert, enterprise')
  t.doesNotThrow(() => { validateItems('list.upsert', 'SH', [upsert(2, { person: true })]) }, 'list.upsert, person')
  t.doesNotThrow(() => { validateItems('list.upsert', 'SH', [sampleEntry('SH', '310000', 3, { listType: 'red' })]) }, 'list.upsert, red list without severeCategory')
  t.doesNotThrow(() => { validateItems('list.remove', 'SH', [remove()]) }, 'list.remove')
  t.doesNotThrow(() => { validateItems('punishment.notice', 'SH', [notice()]) }, 'punishment.notice')
  t.doesNotThrow(() => { validateItems('punishment.notice', 'JS', [notice()]) }, 'punishment.notice from a platform that is not the owner')
  t.doesNotThrow(() => { validateItems('punishment.feedback', 'JS', [feedback()]) }, 'punishment.feedback')
  t.doesNotThrow(() => { validateItems('objection.open', 'SH', [objectionOpen()]) }, 'objection.open')
  t.doesNotThrow(() => { validateItems('objection.resolve', 'SH', [objectionResolve()]) }, 'objection.resolve')
  t.doesNotThrow(() => {
    validateItems('list.upsert', 'SH', Array.from({ length: 1000 }, (_, i) => upsert(i, { person: i % 2 === 0 })))
  }, '1,000 valid entries')
  const leap = { ...upsert(4), validFrom: '2028-02-29', validUntil: '2031-02-28' }
  t.doesNotThrow(() => { validateItems('list.upsert', 'SH', [leap]) }, 'a leap day')
})

t.test('objection.open may be forwarded by any platform', async (t) => {
  t.doesNotThrow(() => { validateItems('objection.open', 'JS', [objectionOpen()]) }, 'JS forwards an objection to SH\'s entry')
  t.doesNotThrow(() => { validateItems('objection.open', 'ZJ', [objectionOpen(), { ...objectionOpen(), objectionId: 'ZJ-obj-2' }]) }, 'two objections to one entry')
})

t.test('gateway.notice: issued by the gateway only', async (t) => {
  for (const type of ['reminder', 'remediation', 'check.outcome'] as const) {
    t.doesNotThrow(() => { validateItems('gateway.notice', 'YRD', [sampleNotice(1, type)]) }, `a ${type} notice from YRD`)
  }
  for (const iss of ['SH', 'JS', 'ZJ', 'AH']) {
    const err = rejection('gateway.notice', iss, [sampleNotice(1)])
    t.equal(err.code, 'FORBIDDEN', `${iss}: FORBIDDEN`)
    t.equal(err.status, 403)
    t.equal(err.errors, undefined, `${iss}: refused whole, before any item is read`)
  }
  t.equal(rejection('gateway.notice', 'SH', [{ not: 'a notice' }]).code, 'FORBIDDEN', 'even an invalid item: the issuer is checked first')
  rejects(t, 'gateway.notice', 'YRD', [sampleNotice(1), { ...sampleNotice(2), dueOn: '2026-02-30' }], { code: 'SCHEMA_INVALID', index: 1, path: '/dueOn' }, 'a due date that is not a calendar day')
  rejects(t, 'gateway.notice', 'YRD', [{ ...sampleNotice(3), noticeType: 'warning' }], { code: 'SCHEMA_INVALID', index: 0, path: '/noticeType' }, 'an unknown notice type')
})

// --- schema ---------------------------------------------------------------------------------------

t.test('schema violations: SCHEMA_INVALID with index and path', async (t) => {
  const noFacts = loose(upsert())
  delete noFacts.facts
  const missing = rejects(t, 'list.upsert', 'SH', [noFacts], { code: 'SCHEMA_INVALID', index: 0, path: '/facts' }, 'missing facts')
  t.equal(missing.status, 422)

  const noAuthority = loose(upsert())
  delete (noAuthority.decision as Record<string, unknown>).authority
  rejects(t, 'list.upsert', 'SH', [noAuthority], { code: 'SCHEMA_INVALID', index: 0, path: '/decision/authority' }, 'missing nested field')

  rejects(t, 'list.upsert', 'SH', [{ ...upsert(), extra: 'x' }], { code: 'SCHEMA_INVALID', index: 0, path: '/extra' }, 'unknown field')
  const subjectExtra = loose(upsert())
  ;(subjectExtra.subject as Record<string, unknown>).phone = '13800000000'
  rejects(t, 'list.upsert', 'SH', [subjectExtra], { code: 'SCHEMA_INVALID', index: 0, path: '/subject/phone' }, 'unknown subject field')

  rejects(t, 'list.upsert', 'SH', [{ ...upsert(), listType: 'grey' }], { code: 'SCHEMA_INVALID', index: 0, path: '/listType' }, 'wrong listType')
  rejects(t, 'list.upsert', 'SH', [{ ...upsert(), severeCategory: 'tax' }], { code: 'SCHEMA_INVALID', index: 0, path: '/severeCategory' }, 'wrong severeCategory')
  rejects(t, 'list.remove', 'SH', [{ ...remove(), reason: 'pardon' }], { code: 'SCHEMA_INVALID', index: 0, path: '/reason' }, 'wrong removal reason')
  rejects(t, 'list.remove', 'SH', [{ ...remove(), version: 1 }], { code: 'SCHEMA_INVALID', index: 0, path: '/version' }, 'a removal creates version 2 or later')
  rejects(t, 'punishment.feedback', 'JS', [feedback({ outcome: 'ignored' as 'applied' })], { code: 'SCHEMA_INVALID', index: 0, path: '/outcome' }, 'wrong feedback outcome')
  rejects(t, 'punishment.notice', 'SH', [{ ...notice(), measures: [] }], { code: 'SCHEMA_INVALID', index: 0, path: '/measures' }, 'a notice names at least one measure')
  rejects(t, 'list.upsert', 'SH', [{ ...upsert(), validFrom: '2026-13-01' }], { code: 'SCHEMA_INVALID', index: 0, path: '/validFrom' }, 'month 13')
  rejects(t, 'list.upsert', 'SH', [null], { code: 'SCHEMA_INVALID', index: 0, path: '' }, 'an item that is not an object')
  rejects(t, 'objection.resolve', 'SH', [objectionResolve({ outcome: 'withdrawn' as 'upheld' })], { code: 'SCHEMA_INVALID', index: 0, path: '/outcome' }, 'wrong objection outcome')
})

t.test('at most 5 schema errors per item', async (t) => {
  const err = rejection('list.upsert', 'SH', [{}])
  t.equal(err.errors?.length, 5)
  t.ok(err.errors?.every((e) => e.index === 0 && e.code === 'SCHEMA_INVALID'))
})

// --- identifiers ----------------------------------------------------------------------------------

t.test('a corrupted credit code: USCC_INVALID at /subject/creditCode', async (t) => {
  const entry = upsert()
  const bad = corruptUscc(entry.subject.creditCode ?? '')
  const err = rejects(t, 'list.upsert', 'SH', [{ ...entry, subject: { ...entry.subject, creditCode: bad } }], { code: 'USCC_INVALID', index: 0, path: '/subject/creditCode' }, 'list.upsert')
  t.equal(err.status, 422)
  noEcho(t, err, [bad], 'USCC_INVALID')

  const n = notice()
  const badNotice = corruptUscc(n.subject.creditCode ?? '')
  const err2 = rejects(t, 'punishment.notice', 'SH', [{ ...n, subject: { ...n.subject, creditCode: badNotice } }], { code: 'USCC_INVALID', index: 0, path: '/subject/creditCode' }, 'punishment.notice')
  noEcho(t, err2, [badNotice], 'punishment.notice')

  const authority = corruptUscc(sampleUscc('310000', 99, '11'))
  const withAuthority = loose(entry)
  ;(withAuthority.decision as Record<string, unknown>).authorityCode = authority
  const err3 = rejects(t, 'list.upsert', 'SH', [withAuthority], { code: 'USCC_INVALID', index: 0, path: '/decision/authorityCode' }, 'decision authorityCode')
  noEcho(t, err3, [authority], 'authorityCode')
  const okAuthority = loose(entry)
  ;(okAuthority.decision as Record<string, unknown>).authorityCode = sampleUscc('310000', 99, '11')
  t.doesNotThrow(() => { validateItems('list.upsert', 'SH', [okAuthority]) }, 'a valid authorityCode passes')

  const lower = (entry.subject.creditCode ?? '').toLowerCase()
  rejects(t, 'list.upsert', 'SH', [{ ...entry, subject: { ...entry.subject, creditCode: lower } }], { code: 'USCC_INVALID', index: 0, path: '/subject/creditCode' }, 'lowercase credit code')
})

t.test('a corrupted identity number: ID_NUMBER_INVALID, for the subject and for responsible persons', async (t) => {
  const person = upsert(5, { person: true })
  const bad = corruptIdNumber(person.subject.idNumber ?? '')
  const err = rejects(t, 'list.upsert', 'SH', [{ ...person, subject: { ...person.subject, idNumber: bad } }], { code: 'ID_NUMBER_INVALID', index: 0, path: '/subject/idNumber' }, 'person subject')
  t.equal(err.status, 422)
  noEcho(t, err, [bad], 'subject idNumber')

  const firm = upsert(6)
  const rp = firm.subject.responsiblePersons ?? []
  const badRp = corruptIdNumber(rp[0]?.idNumber ?? '')
  const withRp = { ...firm, subject: { ...firm.subject, responsiblePersons: [{ role: 'principal' as const, name: '王某' }, { ...rp[0], role: 'legal-representative' as const, name: '李某', idNumber: badRp }] } }
  const err2 = rejects(t, 'list.upsert', 'SH', [withRp], { code: 'ID_NUMBER_INVALID', index: 0, path: '/subject/responsiblePersons/1/idNumber' }, 'responsible person')
  noEcho(t, err2, [badRp, firm.subject.creditCode ?? ''], 'responsible person idNumber')

  const future = sampleIdNumber('310000', 1).replace('1980', '2990')
  rejects(t, 'list.upsert', 'SH', [{ ...person, subject: { ...person.subject, idNumber: future } }], { code: 'ID_NUMBER_INVALID', index: 0, path: '/subject/idNumber' }, 'birth date in the future')

  const n = notice()
  const badNotice = corruptIdNumber(sampleIdNumber('320000', 3))
  rejects(t, 'punishment.notice', 'SH', [{ ...n, subject: { type: 'person', name: '张某', idNumber: badNotice } }], { code: 'ID_NUMBER_INVALID', index: 0, path: '/subject/idNumber' }, 'punishment.notice person')
})

t.test('which identifier a subject carries depends on its type', async (t) => {
  const person = upsert(7, { person: true })
  const { idNumber: _id, ...noId } = person.subject
  const e1 = rejects(t, 'list.upsert', 'SH', [{ ...person, subject: noId }], { code: 'SCHEMA_INVALID', index: 0, path: '/subject/idNumber' }, 'person without idNumber')
  t.equal(e1.errors?.length, 1)

  const code = sampleUscc('310000', 7)
  const e2 = rejects(t, 'list.upsert', 'SH', [{ ...person, subject: { ...person.subject, creditCode: code } }], { code: 'SCHEMA_INVALID', index: 0, path: '/subject/creditCode' }, 'person with creditCode')
  noEcho(t, e2, [code, person.subject.idNumber ?? ''], 'person with creditCode')

  const firm = upsert(8)
  const { creditCode: _cc, ...noCode } = firm.subject
  rejects(t, 'list.upsert', 'SH', [{ ...firm, subject: noCode }], { code: 'SCHEMA_INVALID', index: 0, path: '/subject/creditCode' }, 'enterprise without creditCode')
  const id = sampleIdNumber('310000', 8)
  const e4 = rejects(t, 'list.upsert', 'SH', [{ ...firm, subject: { ...firm.subject, idNumber: id } }], { code: 'SCHEMA_INVALID', index: 0, path: '/subject/idNumber' }, 'enterprise with idNumber')
  noEcho(t, e4, [id], 'enterprise with idNumber')
  for (const type of ['individual-business', 'social-organisation', 'public-institution', 'government-body'] as const) {
    rejects(t, 'list.upsert', 'SH', [{ ...firm, subject: { type, name: '某单位' } }], { code: 'SCHEMA_INVALID', index: 0, path: '/subject/creditCode' }, `${type} without creditCode`)
  }
})

// --- list rules -----------------------------------------------------------------------------------

t.test('list entry rules', async (t) => {
  const black = loose(upsert())
  delete black.severeCategory
  rejects(t, 'list.upsert', 'SH', [black], { code: 'SCHEMA_INVALID', index: 0, path: '/severeCategory' }, 'black list without severeCategory')

  rejects(t, 'list.upsert', 'SH', [{ ...upsert(), validFrom: '2026-03-15', validUntil: '2026-03-14' }], { code: 'SCHEMA_INVALID', index: 0, path: '/validUntil' }, 'validUntil before validFrom')
  t.doesNotThrow(() => { validateItems('list.upsert', 'SH', [{ ...upsert(), validFrom: '2026-03-15', validUntil: '2026-03-15' }]) }, 'a one-day validity passes')

  rejects(t, 'list.upsert', 'SH', [{ ...upsert(), validFrom: '2026-02-30' }], { code: 'SCHEMA_INVALID', index: 0, path: '/validFrom' }, 'validFrom Feb 30')
  rejects(t, 'list.upsert', 'SH', [{ ...upsert(), validUntil: '2030-02-30' }], { code: 'SCHEMA_INVALID', index: 0, path: '/validUntil' }, 'validUntil Feb 30')
  rejects(t, 'list.upsert', 'SH', [{ ...upsert(), validFrom: '2026-04-31' }], { code: 'SCHEMA_INVALID', index: 0, path: '/validFrom' }, 'validFrom Apr 31')
  rejects(t, 'list.upsert', 'SH', [{ ...upsert(), validFrom: '2027-02-29' }], { code: 'SCHEMA_INVALID', index: 0, path: '/validFrom' }, 'Feb 29 of a common year')
  const decided = loose(upsert())
  ;(decided.decision as Record<string, unknown>).decidedOn = '2026-02-30'
  rejects(t, 'list.upsert', 'SH', [decided], { code: 'SCHEMA_INVALID', index: 0, path: '/decision/decidedOn' }, 'decidedOn Feb 30')
  rejects(t, 'list.remove', 'SH', [{ ...remove(), effectiveOn: '2026-02-30' }], { code: 'SCHEMA_INVALID', index: 0, path: '/effectiveOn' }, 'effectiveOn Feb 30')
  rejects(t, 'punishment.notice', 'SH', [{ ...notice(), respondBy: '2026-02-30' }], { code: 'SCHEMA_INVALID', index: 0, path: '/respondBy' }, 'respondBy Feb 30')
  rejects(t, 'punishment.notice', 'SH', [{ ...notice(), feedbackBy: '2026-04-14' }], { code: 'SCHEMA_INVALID', index: 0, path: '/feedbackBy' }, 'feedbackBy before respondBy')
  rejects(t, 'punishment.feedback', 'JS', [feedback({ appliedOn: '2026-02-30' })], { code: 'SCHEMA_INVALID', index: 0, path: '/appliedOn' }, 'appliedOn Feb 30')
  rejects(t, 'objection.open', 'JS', [{ ...objectionOpen(), lodgedOn: '2026-02-30' }], { code: 'SCHEMA_INVALID', index: 0, path: '/lodgedOn' }, 'lodgedOn Feb 30')
  rejects(t, 'objection.resolve', 'SH', [objectionResolve({ resolvedOn: '2026-02-30' })], { code: 'SCHEMA_INVALID', index: 0, path: '/resolvedOn' }, 'resolvedOn Feb 30')
})

t.test('only the owner may change an entry: NOT_OWNER', async (t) => {
  const e1 = rejects(t, 'list.upsert', 'JS', [upsert()], { code: 'NOT_OWNER', index: 0, path: '/owner' }, 'list.upsert by JS of an SH entry')
  t.equal(e1.status, 403)
  rejects(t, 'list.remove', 'JS', [remove()], { code: 'NOT_OWNER', index: 0, path: '/owner' }, 'list.remove by JS')
  rejects(t, 'objection.resolve', 'JS', [objectionResolve()], { code: 'NOT_OWNER', index: 0, path: '/owner' }, 'objection.resolve by JS')
  rejects(t, 'list.upsert', 'SH', [upsert(1), sampleEntry('ZJ', '330000', 2)], { code: 'NOT_OWNER', index: 1, path: '/owner' }, 'one foreign entry among own ones')
})

t.test('国办发〔2020〕49号 (十一): a repair is requested by any platform and decided by the owner alone', async (t) => {
  const request = { repairId: 'ZJ-r-1', entryId: 'SH-black-1', owner: 'SH', requestedOn: '2026-04-02', grounds: '已履行处罚决定并完成整改。' }
  const decision = { repairId: 'ZJ-r-1', entryId: 'SH-black-1', owner: 'SH', outcome: 'granted', decidedOn: '2026-04-10', reason: '符合修复条件。' }
  t.doesNotThrow(() => { validateItems('repair.request', 'ZJ', [request]) }, 'repair.request forwarded by ZJ')
  t.doesNotThrow(() => { validateItems('repair.decision', 'SH', [decision]) }, 'repair.decision by the owner')
  rejects(t, 'repair.decision', 'ZJ', [decision], { code: 'NOT_OWNER', index: 0, path: '/owner' }, 'repair.decision by ZJ')
  rejects(t, 'repair.request', 'ZJ', [{ ...request, requestedOn: '2026-02-30' }], { code: 'SCHEMA_INVALID', index: 0, path: '/requestedOn' }, 'requestedOn Feb 30')
  rejects(t, 'repair.decision', 'SH', [{ ...decision, outcome: 'maybe' }], { code: 'SCHEMA_INVALID', index: 0, path: '/outcome' }, 'an outcome outside granted/refused')
})

t.test('one entry at most once per envelope', async (t) => {
  const first = upsert(1)
  const err = rejects(t, 'list.upsert', 'SH', [first, upsert(2), { ...first, version: 2 }], { code: 'SCHEMA_INVALID', index: 2, path: '/entryId' }, 'list.upsert twice')
  t.equal(err.errors?.length, 1, 'only the repeat is reported')
  t.notOk(err.errors?.some((e) => e.detail.includes(first.entryId)), 'the entryId is not echoed')
  rejects(t, 'list.remove', 'SH', [remove(), { ...remove(), version: 3 }], { code: 'SCHEMA_INVALID', index: 1, path: '/entryId' }, 'list.remove twice')
  t.doesNotThrow(() => { validateItems('punishment.notice', 'SH', [notice(), { ...notice(), caseId: 'SH-case-2' }]) }, 'two cases on one entry')
})

t.test('the first bad item among many valid ones is reported with its index', async (t) => {
  const items: unknown[] = Array.from({ length: 200 }, (_, i) => upsert(i))
  const entry = upsert(137)
  const bad = corruptUscc(entry.subject.creditCode ?? '')
  items[137] = { ...entry, subject: { ...entry.subject, creditCode: bad } }
  const err = rejects(t, 'list.upsert', 'SH', items, { code: 'USCC_INVALID', index: 137, path: '/subject/creditCode' }, 'item 137 of 200')
  t.equal(err.errors?.length, 1, 'exactly one error')
  noEcho(t, err, [bad], 'many items')

  items[180] = { ...upsert(180), listType: 'grey' }
  const two = rejection('list.upsert', 'SH', items)
  t.equal(two.code, 'USCC_INVALID', 'the envelope carries the code of the first error')
  t.same(two.errors?.map((e) => [e.index, e.code]), [[137, 'USCC_INVALID'], [180, 'SCHEMA_INVALID']], 'both errors, in item order')
})

t.test('the envelope code is that of the first error of the first bad item', async (t) => {
  const person = upsert(9, { person: true })
  const bad = corruptIdNumber(person.subject.idNumber ?? '')
  const err = rejection('list.upsert', 'JS', [{ ...person, subject: { ...person.subject, idNumber: bad } }])
  t.equal(err.code, 'ID_NUMBER_INVALID')
  t.same(err.errors?.map((e) => e.code), ['ID_NUMBER_INVALID', 'NOT_OWNER'])
  noEcho(t, err, [bad], 'two errors')
})

t.test('errors are capped at 100', async (t) => {
  const schemaErr = rejection('list.upsert', 'SH', Array.from({ length: 1000 }, () => ({})))
  t.equal(schemaErr.errors?.length, 100, '1,000 empty items: 100 errors')
  t.match(schemaErr.message, /^100\+ /, 'the message says there were more')

  const owners = Array.from({ length: 1000 }, (_, i) => sampleEntry('JS', '320000', i))
  const ownerErr = rejection('list.upsert', 'SH', owners)
  t.equal(ownerErr.code, 'NOT_OWNER')
  t.equal(ownerErr.errors?.length, 100, '1,000 foreign entries: 100 errors')
  t.same(ownerErr.errors?.map((e) => e.index), Array.from({ length: 100 }, (_, i) => i), 'the first 100 items')

  const few = rejection('list.upsert', 'JS', [upsert(1), upsert(2)])
  t.match(few.message, /^2 invalid/, 'an exact count below the cap')
})

// --- punishment feedback and objection rules -------------------------------------------------------

t.test('punishment.feedback rules', async (t) => {
  const declined = feedback({ outcome: 'declined' })
  delete declined.appliedOn
  rejects(t, 'punishment.feedback', 'JS', [declined], { code: 'SCHEMA_INVALID', index: 0, path: '/reason' }, 'declined without reason')
  t.doesNotThrow(() => { validateItems('punishment.feedback', 'JS', [{ ...declined, reason: '不属于本部门职权范围' }]) }, 'declined with a reason')

  const applied = feedback()
  delete applied.appliedOn
  rejects(t, 'punishment.feedback', 'JS', [applied], { code: 'SCHEMA_INVALID', index: 0, path: '/appliedOn' }, 'applied without appliedOn')

  for (const outcome of ['applied', 'declined', 'not-applicable'] as const) {
    const item = feedback({ outcome, reason: '说明' })
    delete item.measure
    rejects(t, 'punishment.feedback', 'JS', [item], { code: 'SCHEMA_INVALID', index: 0, path: '/measure' }, `${outcome} without measure`)
  }
  const ack: PunishmentFeedbackItemV1 = { caseId: 'SH-case-1', initiator: 'SH', department: { name: '江苏省财政厅' }, outcome: 'acknowledged' }
  t.doesNotThrow(() => { validateItems('punishment.feedback', 'JS', [ack]) }, 'acknowledged needs no measure')
})

t.test('objection.resolve rules', async (t) => {
  const corrected = objectionResolve()
  delete corrected.correctedVersion
  rejects(t, 'objection.resolve', 'SH', [corrected], { code: 'SCHEMA_INVALID', index: 0, path: '/correctedVersion' }, 'corrected without correctedVersion')
  const upheld = objectionResolve({ outcome: 'upheld' })
  delete upheld.correctedVersion
  t.doesNotThrow(() => { validateItems('objection.resolve', 'SH', [upheld]) }, 'upheld needs no correctedVersion')
})

t.test('privacy: no detail echoes an identifier, whatever the error', async (t) => {
  const person = upsert(11, { person: true })
  const firm = upsert(12)
  const id = person.subject.idNumber ?? ''
  const code = firm.subject.creditCode ?? ''
  const short = id.slice(0, 17)
  const items: unknown[] = [
    { ...person, subject: { ...person.subject, idNumber: corruptIdNumber(id) } },
    { ...person, subject: { ...person.subject, idNumber: short } },
    { ...person, subject: { ...person.subject, idNumber: id.toLowerCase().replace(/.$/, 'x') } },
    { ...firm, subject: { ...firm.subject, creditCode: corruptUscc(code) } },
    { ...firm, subject: { ...firm.subject, creditCode: `${code}0` } },
    { ...firm, entryId: 'SH-x', subject: { ...firm.subject, idNumber: id } },
    { ...person, entryId: 'SH-y', subject: { ...person.subject, creditCode: code } }
  ]
  const err = rejection('list.upsert', 'SH', items)
  t.same([...new Set(err.errors?.map((e) => e.index))], [0, 1, 2, 3, 4, 5, 6], 'every item reported')
  noEcho(t, err, [id, corruptIdNumber(id), short, code, corruptUscc(code), `${code}0`, id.slice(6, 14)], 'mixed identifier errors')
})
