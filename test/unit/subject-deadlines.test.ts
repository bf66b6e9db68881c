import t from 'tap'
import type { RegisteredListType } from '../../config/registry-schema.js'
import { loadCalendars } from '../../config/load-calendars.js'
import { defaultConfigDir } from '../../config/load-config.js'
import { loadRegistries } from '../../config/load-registries.js'
import { DEFAULT_OBJECTION_WORKING_DAYS, DEFAULT_REPAIR_WORKING_DAYS, earliestRepairOn, objectionAnswerBy, repairDecideBy } from '../../src/coordination/subject-deadlines.js'
import { workingDaysBetween } from '../../src/punishment/working-days.js'
import { NATIVE_KINDS } from '../../adapters/native-kinds.js'
import { createJsBatchAdapter } from '../../adapters/js-batch/js-batch-adapter.js'
import { fromNative as jsFromNative } from '../../adapters/js-batch/js-batch-mapping.js'
import { SH_MSG_TYPES } from '../../adapters/sh-rest/sh-rest-protocol.js'
import { KIND_CODES } from '../../adapters/ah-xml/ah-xml-codes.js'
import type { Delivery } from '../../adapters/types.js'
import { DEFAULT_DELIVERY } from '../../config/config-schema.js'
import { ITEM_SCHEMAS } from '../../contracts/envelope-v1.js'
import { startJsBatchSimulator } from '../../sim/js-batch-simulator.js'

const cal = loadCalendars(defaultConfigDir())
const foodDrug = loadRegistries(defaultConfigDir()).listType('food-drug-serious-violation') as RegisteredListType

t.test('国发〔2016〕33号 (二十二): the objection deadline is the list type\'s working days after lodging, else the documented default', async (t) => {
  t.equal(objectionAnswerBy('2026-11-20', foodDrug, cal), '2026-12-04', 'ten working days by default')
  t.equal(workingDaysBetween('2026-11-20', objectionAnswerBy('2026-11-20', undefined, cal), cal), DEFAULT_OBJECTION_WORKING_DAYS)
  const five = { ...foodDrug, objection: { ...foodDrug.objection, answerWithinWorkingDays: 5 } }
  t.equal(objectionAnswerBy('2026-11-20', five, cal), '2026-11-27', 'a list type sets its own number')
  // Across the 2026 National Day holiday (1-7 October; 10 October is a makeup working day).
  t.equal(objectionAnswerBy('2026-09-30', five, cal), '2026-10-13', '8, 9, 10 (makeup Saturday), 12, 13 October')
})

t.test('国办发〔2020〕49号 (十二): the repair deadline is the list type\'s working days after the request, else the documented default', async (t) => {
  t.equal(repairDecideBy('2026-11-25', foodDrug, cal), '2026-12-16')
  t.equal(workingDaysBetween('2026-11-25', repairDecideBy('2026-11-25', undefined, cal), cal), DEFAULT_REPAIR_WORKING_DAYS)
  const three = { ...foodDrug, exit: { ...foodDrug.exit, repairWithinWorkingDays: 3 } }
  t.equal(repairDecideBy('2026-11-25', three, cal), '2026-11-30')
})

t.test('国办发〔2020〕49号 (十一): the earliest repair is validFrom plus exit.minimumMonths, clamped to the month\'s end', async (t) => {
  t.equal(earliestRepairOn('2026-03-15', 12), '2027-03-15')
  t.equal(earliestRepairOn('2026-01-31', 1), '2026-02-28')
  t.equal(earliestRepairOn('2027-12-31', 2), '2028-02-29', 'a leap year')
  t.equal(earliestRepairOn('2026-11-30', 3), '2027-02-28', 'across a year end')
  t.equal(earliestRepairOn('2026-03-15', undefined), '2026-03-15', 'no minimum: from validFrom')
})

t.test('国办发〔2020〕49号 (十一)(十二): every native protocol carries the repair kinds: a repair.request reaches a JS owner through its batch exchange and is applied', async (t) => {
  t.same([...NATIVE_KINDS].sort(), Object.keys(ITEM_SCHEMAS).sort(), 'every contract kind has a native message type')
  t.same([SH_MSG_TYPES['repair.request'], SH_MSG_TYPES['repair.decision'], KIND_CODES['repair.request'], KIND_CODES['repair.decision']],
    ['CREDIT_REPAIR_APPLY', 'CREDIT_REPAIR_RESULT', 'XFSQ', 'XFJD'])
  const sim = await startJsBatchSimulator({ token: 'repair-token' })
  const adapter = createJsBatchAdapter({
    platform: { id: 'JS', name: '江苏', regionCode: '320000', adapter: 'js-batch', endpoint: sim.url, enabled: true, delivery: DEFAULT_DELIVERY },
    policy: { ...DEFAULT_DELIVERY, timeoutMs: 1500 },
    sign: async () => { throw new Error('js-batch does not sign') },
    secrets: { TOKEN: 'repair-token' }
  })
  t.teardown(async () => { await adapter.close(); await sim.close() })
  const request = { repairId: 'R1', entryId: 'JS-black-1', owner: 'JS', requestedOn: '2026-11-25', grounds: '已缴清罚款并完成整改' }
  const decision = { repairId: 'R1', entryId: 'JS-black-1', owner: 'JS', outcome: 'refused', decidedOn: '2026-12-01', reason: '未消除不良影响' }
  const delivery = (n: number, kind: Delivery['kind'], item: unknown): Delivery => ({
    deliveryId: String(n), jti: `repair-${process.pid}-${n}`, kind, origin: 'ZJ', originDigest: 'A'.repeat(43), resends: 0, destination: 'JS', items: [item], receivedAt: '2026-11-25T02:00:00.000Z'
  })
  const receipt = await adapter.deliver(delivery(1, 'repair.request', request))
  t.match(receipt.evidence, { status: 'DONE', rows: [{ seq: 1, result: 'ACCEPTED' }] }, 'Jiangsu accepts the row')
  t.equal(sim.appliedCount('repair-' + String(process.pid) + '-1'), 1, 'and applies it')
  t.same(sim.records.map((r) => jsFromNative(r.row)), [{ kind: 'repair.request', item: request }], 'as the request, every field intact')
  await adapter.deliver(delivery(2, 'repair.decision', decision))
  t.same(sim.records.map((r) => jsFromNative(r.row).kind), ['repair.request', 'repair.decision'], 'a decision travels too (to the platform that forwarded the request)')
})
