import t, { type Test } from 'tap'
import { loadRegistries } from '../../config/load-registries.js'
import { effectFits } from '../../config/measure-effects.js'
import { defaultConfigDir } from '../../config/load-config.js'
import type { RegisteredListType } from '../../config/registry-schema.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import { validateItems } from '../../src/envelopes/validate-items.js'
import { addMonths, checkValidityPeriod, dayBefore } from '../../src/envelopes/validity-period.js'
import { GatewayError, type ErrorCode } from '../../src/errors/gateway-error.js'
import { sampleEntry } from '../../sim/sample-entries.js'

// Issue 13 items 3, 4 and 7 (告知): the rules an entry's measures, period and notification follow.
// Dates are fixed: nothing here depends on the day the test runs.

const registries = loadRegistries(defaultConfigDir())
// The periods below are worked from a decision and validFrom of 2026-03-15 (told on 2026-03-01).
const base = sampleEntry('SH', '310000', 1)
const black = (over: Partial<ListUpsertItemV1> = {}): ListUpsertItemV1 => ({
  ...base,
  decision: { ...base.decision, decidedOn: '2026-03-15' },
  notification: { notifiedOn: '2026-03-01', channel: 'in-person' },
  validFrom: '2026-03-15',
  validUntil: '2029-03-14',
  ...over
})

function refused (t: Test, item: unknown, code: ErrorCode, path: string, what: string): void {
  try {
    validateItems('list.upsert', 'SH', [item], registries)
    t.fail(`${what}: accepted`)
  } catch (err) {
    t.ok(err instanceof GatewayError, `${what}: a GatewayError`)
    const errors = (err as GatewayError).errors ?? []
    t.ok(errors.some((e) => e.code === code && e.path === path), `${what}: ${code} at ${path} (got ${JSON.stringify(errors.map((e) => [e.code, e.path]))})`)
  }
}

const accepted = (t: Test, item: unknown, what: string): void => {
  t.doesNotThrow(() => { validateItems('list.upsert', 'SH', [item], registries) }, what)
}

t.test('the sample entries of every list type follow the rules', async (t) => {
  for (const listType of ['black', 'red', 'key-supervision'] as const) accepted(t, sampleEntry('SH', '310000', 1, { listType }), listType)
})

t.test('国发〔2016〕33号 (二十), 国办发〔2020〕49号 (九): a recommended measure cannot be sent as mandatory', async (t) => {
  refused(t, black({ measures: [{ code: 'strict-supervision', mandatory: true }] }), 'MEASURE_KIND_MISMATCH', '/measures/0/mandatory', 'recommended sent as mandatory')
  refused(t, black({ measures: [{ code: 'restrict-public-procurement', mandatory: false }] }), 'MEASURE_KIND_MISMATCH', '/measures/0/mandatory', 'mandatory sent as recommended')
  refused(t, black({ measures: [{ code: 'zj-restrict-green-credit', mandatory: true }] }), 'MEASURE_UNKNOWN', '/measures/0/code', 'another province\'s measure stays unknown')
  try {
    validateItems('list.upsert', 'SH', [black({ measures: [{ code: 'zj-restrict-green-credit', mandatory: true }] })], registries)
  } catch (err) {
    t.same((err as GatewayError).errors?.map((e) => e.code), ['MEASURE_UNKNOWN'], 'and nothing else: its kind is not SH\'s to know')
  }
})

t.test('国办发〔2020〕49号 (十) 过惩相当: a red-list entry carries no punitive measure', async (t) => {
  const red = sampleEntry('SH', '310000', 2, { listType: 'red' })
  refused(t, { ...red, measures: [{ code: 'restrict-public-procurement', mandatory: true }] }, 'MEASURE_NOT_APPLICABLE', '/measures/0/code', 'punitive on red')
  refused(t, { ...red, measures: [{ code: 'strict-supervision', mandatory: false }] }, 'MEASURE_NOT_APPLICABLE', '/measures/0/code', 'supervision on red')
  refused(t, black({ measures: [{ code: 'fast-track-approval', mandatory: false }] }), 'MEASURE_NOT_APPLICABLE', '/measures/0/code', 'an incentive on black')
})

t.test('国办发〔2019〕35号 (八): a key-supervision entry carries supervisory measures only', async (t) => {
  const ks = sampleEntry('SH', '310000', 3, { listType: 'key-supervision' })
  refused(t, { ...ks, measures: [{ code: 'restrict-public-procurement', mandatory: true }] }, 'MEASURE_NOT_APPLICABLE', '/measures/0/code', 'punitive on key supervision')
  accepted(t, { ...ks, measures: [{ code: 'strict-supervision', mandatory: false }] }, 'supervision on key supervision')
})

t.test('国发〔2016〕33号 (二十一): a black-list entry names when its listing ends', async (t) => {
  const { validUntil: _v, ...open } = black()
  refused(t, open, 'SCHEMA_INVALID', '/validUntil', 'no validUntil on a list type with a maximum')
})

t.test('国发〔2016〕33号 (二十一): the period lies within the list type\'s minimum and maximum months', async (t) => {
  // food-drug-serious-violation: 12 to 36 months; validFrom 2026-03-15.
  refused(t, black({ validUntil: '2029-03-16' }), 'VALIDITY_OUT_OF_RANGE', '/validUntil', 'past 36 months')
  refused(t, black({ validUntil: '2036-03-14' }), 'VALIDITY_OUT_OF_RANGE', '/validUntil', 'ten years')
  refused(t, black({ validUntil: '2026-03-22' }), 'VALIDITY_OUT_OF_RANGE', '/validUntil', 'a week')
  refused(t, black({ validUntil: '2027-03-13' }), 'VALIDITY_OUT_OF_RANGE', '/validUntil', 'a day short of 12 months')
  accepted(t, black({ validUntil: '2027-03-14' }), '12 months, ending the day before')
  accepted(t, black({ validUntil: '2029-03-14' }), '36 months, ending the day before')
  accepted(t, black({ validUntil: '2029-03-15' }), '36 months, ending the same day')
  const ks = sampleEntry('SH', '310000', 3, { listType: 'key-supervision' })
  refused(t, { ...ks, validFrom: '2026-03-15', validUntil: '2029-03-14' }, 'VALIDITY_OUT_OF_RANGE', '/validUntil', 'key supervision past 24 months')
})

t.test('国发〔2016〕33号 (二十一): a list type without a fixed maximum does not require validUntil', async (t) => {
  const noMaximum = { code: 'no-max', listType: 'black', exit: { minimumMonths: 12, conditions: '依法' } } as unknown as RegisteredListType
  const found: string[] = []
  checkValidityPeriod(noMaximum, { validFrom: '2026-03-15' }, (path, code) => { found.push(`${code} ${path}`) })
  t.same(found, [], 'no validUntil, no maximum: accepted')
  checkValidityPeriod(noMaximum, { validFrom: '2026-03-15', validUntil: '2026-04-01' }, (path, code) => { found.push(`${code} ${path}`) })
  t.same(found, ['VALIDITY_OUT_OF_RANGE /validUntil'], 'its minimum still holds')
})

t.test('month arithmetic clamps to the month\'s end, across years and leap days', async (t) => {
  t.equal(addMonths('2026-01-31', 1), '2026-02-28')
  t.equal(addMonths('2027-11-30', 3), '2028-02-29')
  t.equal(addMonths('2026-03-15', 36), '2029-03-15')
  t.equal(dayBefore('2029-03-01'), '2029-02-28')
  t.equal(dayBefore('2028-03-01'), '2028-02-29')
  t.equal(dayBefore('2027-01-01'), '2026-12-31')
})

t.test('国办发〔2020〕49号 (八): a black-list entry records that the subject was told before the decision (告知)', async (t) => {
  const { notification: _n, ...untold } = black()
  refused(t, untold, 'SCHEMA_INVALID', '/notification', 'no notification on a black entry')
  refused(t, black({ notification: { notifiedOn: '2026-03-16', channel: 'post' } }), 'SCHEMA_INVALID', '/notification/notifiedOn', 'told after the decision')
  refused(t, black({ notification: { notifiedOn: '2026-02-30', channel: 'post' } }), 'SCHEMA_INVALID', '/notification/notifiedOn', 'not a calendar date')
  refused(t, black({ notification: { notifiedOn: '2026-03-01', channel: 'carrier-pigeon' as 'post' } }), 'SCHEMA_INVALID', '/notification/channel', 'an unknown channel')
  accepted(t, black({ notification: { notifiedOn: '2026-03-15', channel: 'electronic' } }), 'told on the day of the decision')
  const { notification: _r, ...red } = sampleEntry('SH', '310000', 2, { listType: 'red' })
  accepted(t, red, 'a red entry needs none')
})

t.test('国办发〔2020〕49号 (十) 过惩相当: every measure of the registries states its effect, and list types\' defaults fit them', async (t) => {
  for (const m of registries.measures) t.ok(['punitive', 'supervisory', 'incentive'].includes(m.effect), `${m.code}: ${m.effect}`)
  for (const lt of registries.listTypes) {
    for (const code of lt.defaultMeasures) {
      const effect = registries.measure(code)?.effect
      t.ok(effect !== undefined && effectFits(lt.listType, effect), `${lt.code} (${lt.listType}): default ${code} is ${effect ?? 'unknown'}`)
    }
  }
  t.equal(registries.measure('fast-track-approval')?.effect, 'incentive')
  t.equal(registries.measure('restrict-public-procurement')?.effect, 'punitive')
  t.equal(registries.measure('strict-supervision')?.effect, 'supervisory')
})
