import t from 'tap'
import type { RegisteredListType } from '../../config/registry-schema.js'
import { loadCalendars } from '../../config/load-calendars.js'
import { defaultConfigDir } from '../../config/load-config.js'
import { loadRegistries } from '../../config/load-registries.js'
import { DEFAULT_OBJECTION_WORKING_DAYS, DEFAULT_REPAIR_WORKING_DAYS, earliestRepairOn, objectionAnswerBy, repairDecideBy } from '../../src/coordination/subject-deadlines.js'
import { workingDaysBetween } from '../../src/punishment/working-days.js'
import { nativeKindOf } from '../../adapters/native-kinds.js'
import { toNative as jsToNative } from '../../adapters/js-batch/js-batch-mapping.js'
import { AdapterError } from '../../adapters/types.js'

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

t.test('a native protocol without a message type for a repair kind fails the delivery permanently, naming the kind', async (t) => {
  for (const kind of ['repair.request', 'repair.decision'] as const) {
    const err = t.throws(() => nativeKindOf('sh-rest', kind)) as unknown
    t.ok(err instanceof AdapterError && !err.retryable && /no message type for repair/.test(err.message), `${kind}: not retryable`)
    const js = t.throws(() => jsToNative(kind, {})) as unknown
    t.ok(js instanceof AdapterError && !js.retryable, `js-batch ${kind}: not retryable`)
  }
  t.equal(nativeKindOf('ah-xml', 'objection.open'), 'objection.open', 'the native kinds pass')
})
