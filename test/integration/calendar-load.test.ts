import t from 'tap'
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadCalendars } from '../../config/load-calendars.js'
import { defaultConfigDir, ConfigError } from '../../config/load-config.js'
import { addWorkingDays, coverage } from '../../src/punishment/working-days.js'
import { expectConfigError } from '../helpers/config-error-expectation.js'

t.test('the committed calendars load: CN-2026 official (国务院办公厅关于2026年部分节假日安排的通知), CN-2027 provisional', async (t) => {
  const cal = loadCalendars(defaultConfigDir())
  t.same(cal.ids, ['CN-2026', 'CN-2027'])
  t.same([...cal.years], [2026, 2027])
  t.same([...cal.provisionalYears], [2027])
  t.equal(cal.holidays.size, 19 + 13)
  t.same([...cal.workdays], ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'])
  t.equal(addWorkingDays('2026-02-13', 7, cal), '2026-03-02', 'Spring Festival')
  t.equal(addWorkingDays('2026-09-30', 7, cal), '2026-10-15', 'National Day')
  t.equal(addWorkingDays('2026-04-30', 7, cal), '2026-05-13', 'Labour Day')
  t.equal(addWorkingDays('2027-02-04', 1, cal), '2027-02-11', 'provisional Spring Festival 2027')
  t.same(coverage('2026-12-01', '2027-01-10', cal), { uncovered: [], provisional: [2027] })
  const sourceOf = (id: string): string =>
    (JSON.parse(readFileSync(join(defaultConfigDir(), 'calendars', `${id}.json`), 'utf8')) as { source: string }).source
  t.match(sourceOf('CN-2026'), /^国务院办公厅关于2026年部分节假日安排的通知 /u, 'the official calendar names its notice')
  t.match(sourceOf('CN-2027'), /^PROVISIONAL, not an official arrangement/u, 'the provisional one says it is not')
})

t.test('a calendar that does not validate names the file and the field', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gwcal-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  t.throws(() => loadCalendars(dir), ConfigError, 'folder missing')
  mkdirSync(join(dir, 'calendars'))
  t.same(loadCalendars(dir).ids, [], 'an empty folder: weekends only')
  const good = { id: 'CN-2026', source: 'test', holidays: ['2026-01-01', '2026-01-02'], workdays: ['2026-01-04'] }
  const write = (file: string, value: unknown): void => { writeFileSync(join(dir, 'calendars', file), typeof value === 'string' ? value : JSON.stringify(value)) }
  const expectError = (field: string, fileEnd: string, what: string): void => {
    expectConfigError(t, () => loadCalendars(dir), field, fileEnd, what)
  }
  const cases: Array<[string, unknown, string, string]> = [
    ['not JSON', '{ nope', '', 'CN-2026.json'],
    ['no source', { ...good, source: undefined }, '/source', 'CN-2026.json'],
    ['not YYYY-MM-DD', { ...good, holidays: ['2026-1-1'] }, '/holidays/0', 'CN-2026.json'],
    ['not a real date', { ...good, holidays: ['2026-01-01', '2026-02-30'] }, '/holidays/1', 'CN-2026.json'],
    ['listed twice', { ...good, holidays: ['2026-01-01', '2026-01-01'] }, '/holidays', 'CN-2026.json'],
    ['holiday on a weekend', { ...good, holidays: ['2026-01-03'] }, '/holidays/0', 'CN-2026.json'],
    ['makeup day on a weekday', { ...good, workdays: ['2026-01-05'] }, '/workdays/0', 'CN-2026.json'],
    ['date in both lists', { ...good, holidays: ['2026-01-01'], workdays: ['2026-01-04', '2026-01-01'] }, '/workdays/1', 'CN-2026.json'],
    ['date of another year', { ...good, holidays: ['2027-01-01'] }, '/holidays/0', 'CN-2026.json'],
    ['id differs from the file name', { ...good, id: 'CN-2027' }, '/id', 'CN-2026.json'],
    ['unknown field', { ...good, extra: 1 }, '/extra', 'CN-2026.json']
  ]
  for (const [what, value, field, fileEnd] of cases) {
    write('CN-2026.json', value)
    expectError(field, fileEnd, what)
  }
  write('CN-2026.json', good)
  write('HK-2027.json', { id: 'HK-2027', source: 'test', holidays: [], workdays: [] })
  expectError('/id', 'HK-2027.json', 'two countries')
  rmSync(join(dir, 'calendars', 'HK-2027.json'))
  const cal = loadCalendars(dir)
  t.same(cal.ids, ['CN-2026'])
  t.equal(addWorkingDays('2025-12-31', 1, cal), '2026-01-04', 'makeup Sunday from the temp file')
})
