import t from 'tap'
import fc from 'fast-check'
import {
  addWorkingDays, calendarOf, coverage, dateOf, dayNumber, deadlineAt, isWorkingDay, workingDaysBetween, WEEKENDS_ONLY
} from '../../src/punishment/working-days.js'

// A copy of config/calendars/CN-2026.json (unit tests do no I/O; the integration test loads the file).
const CN_2026 = {
  id: 'CN-2026',
  source: 'test copy',
  holidays: [
    '2026-01-01', '2026-01-02', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-23',
    '2026-04-06', '2026-05-01', '2026-05-04', '2026-05-05', '2026-06-19', '2026-09-25',
    '2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'
  ],
  workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']
}
const CN_2027 = { id: 'CN-2027', source: 'test', provisional: true, holidays: ['2027-01-01'], workdays: [] }
const cal = calendarOf([CN_2026, CN_2027])

t.test('isWorkingDay: weekdays, weekends, holidays and makeup days', async (t) => {
  t.equal(isWorkingDay('2026-03-02', cal), true, 'an ordinary Monday')
  t.equal(isWorkingDay('2026-03-07', cal), false, 'an ordinary Saturday')
  t.equal(isWorkingDay('2026-02-17', cal), false, 'Spring Festival')
  t.equal(isWorkingDay('2026-02-14', cal), true, 'makeup Saturday before Spring Festival')
  t.equal(isWorkingDay('2026-09-20', cal), true, 'makeup Sunday before National Day')
  t.equal(isWorkingDay('2026-02-17', WEEKENDS_ONLY), true, 'without a calendar only weekends are off')
  t.throws(() => isWorkingDay('2026-02-30', cal), RangeError, 'not a real date')
})

t.test('across the 2026 Spring Festival, with its makeup Saturdays', async (t) => {
  t.equal(addWorkingDays('2026-02-13', 1, cal), '2026-02-14', 'the makeup Saturday counts')
  t.equal(addWorkingDays('2026-02-13', 2, cal), '2026-02-24', 'the nine days off are skipped')
  t.equal(addWorkingDays('2026-02-13', 6, cal), '2026-02-28', 'the second makeup Saturday counts')
  t.equal(addWorkingDays('2026-02-13', 7, cal), '2026-03-02')
  t.equal(workingDaysBetween('2026-02-13', '2026-03-02', cal), 7)
})

t.test('across National Day 2026, with its makeup Sunday and Saturday', async (t) => {
  t.equal(addWorkingDays('2026-09-18', 1, cal), '2026-09-20', 'Sunday 20 September is a working day')
  t.equal(addWorkingDays('2026-09-30', 1, cal), '2026-10-08')
  t.equal(addWorkingDays('2026-09-30', 3, cal), '2026-10-10', 'Saturday 10 October is a working day')
  t.equal(addWorkingDays('2026-09-30', 7, cal), '2026-10-15')
})

t.test('7 working days for publication, and when the deadline ends', async (t) => {
  // Decided on the eve of Labour Day: 1–5 May off, Saturday 9 May worked.
  const due = addWorkingDays('2026-04-30', 7, cal)
  t.equal(due, '2026-05-13')
  t.equal(deadlineAt(due), '2026-05-13T16:00:00.000Z', '24:00 China Standard Time')
  t.equal(deadlineAt(due, '+00:00'), '2026-05-14T00:00:00.000Z')
  t.equal(deadlineAt(due, '-05:30'), '2026-05-14T05:30:00.000Z')
  t.equal(deadlineAt('2026-12-31'), '2026-12-31T16:00:00.000Z')
  t.throws(() => deadlineAt(due, 'Asia/Shanghai'), RangeError, 'only fixed offsets')
  t.throws(() => deadlineAt('2026-13-01'), RangeError)
})

t.test('a start on a holiday or weekend does not count; counting begins on the next working day', async (t) => {
  t.equal(addWorkingDays('2026-10-03', 1, cal), '2026-10-08', 'start on a National Day Saturday')
  t.equal(addWorkingDays('2026-02-17', 1, cal), '2026-02-24', 'start on Spring Festival')
  t.equal(addWorkingDays('2026-03-07', 1, cal), '2026-03-09', 'start on an ordinary Saturday')
  t.equal(addWorkingDays('2026-03-02', 1, cal), '2026-03-03', 'start on a working day: the next one')
})

t.test('n = 0 returns the start; negative or fractional n is refused', async (t) => {
  t.equal(addWorkingDays('2026-03-02', 0, cal), '2026-03-02')
  t.equal(addWorkingDays('2026-02-17', 0, cal), '2026-02-17', 'even on a holiday')
  t.throws(() => addWorkingDays('2026-03-02', -1, cal), RangeError)
  t.throws(() => addWorkingDays('2026-03-02', 1.5, cal), RangeError)
  t.throws(() => addWorkingDays('2026-03-02', Number.NaN, cal), RangeError)
})

t.test('crossing a year boundary, into a provisional and into an uncovered year', async (t) => {
  t.equal(addWorkingDays('2026-12-30', 3, cal), '2027-01-05', '1 January 2027 off, then a weekend')
  t.same(coverage('2026-12-30', '2027-01-05', cal), { uncovered: [], provisional: [2027] })
  t.equal(addWorkingDays('2027-12-30', 3, cal), '2028-01-04', '2028: weekends only')
  t.same(coverage('2027-12-30', '2028-01-04', cal), { uncovered: [2028], provisional: [2027] })
  t.same(coverage('2026-03-01', '2026-05-01', cal), { uncovered: [], provisional: [] })
  t.equal(addWorkingDays('2025-12-31', 1, cal), '2026-01-04', 'New Year 2026 off, Sunday 4 January worked')
  t.equal(addWorkingDays('2025-12-31', 2, cal), '2026-01-05')
  t.equal(addWorkingDays('2025-12-26', 1, cal), '2025-12-29', '2025 itself: weekends only')
  t.equal(workingDaysBetween('2027-01-05', '2026-12-30', cal), -3, 'reversed order is negative')
})

t.test('date arithmetic is plain UTC day counting', async (t) => {
  t.equal(dateOf(dayNumber('1970-01-01')), '1970-01-01')
  t.equal(dayNumber('1970-01-02'), 1)
  t.equal(dateOf(dayNumber('2028-02-29')), '2028-02-29', 'leap day')
  for (const bad of ['2027-02-29', '2026-1-01', '2026-00-10', '20260101', '']) {
    t.throws(() => dayNumber(bad), RangeError, `refuses ${JSON.stringify(bad)}`)
  }
})

t.test('property: workingDaysBetween inverts addWorkingDays', async (t) => {
  const first = dayNumber('2025-06-01')
  const last = dayNumber('2028-06-30')
  fc.assert(fc.property(fc.integer({ min: first, max: last }), fc.integer({ min: 0, max: 60 }), (day, n) => {
    const start = dateOf(day)
    const due = addWorkingDays(start, n, cal)
    return workingDaysBetween(start, due, cal) === n && (
      n === 0 ? due === start : isWorkingDay(due, cal) && due > start
    )
  }), { numRuns: 500 })
  t.pass('held for 500 random starts and n')
})
