import t from 'tap'
import { parse } from 'csv-parse/sync'
import { csvCell, writeCsv } from '../../src/privacy/csv-writer.js'
import { sampleIdNumber } from '../../sim/sample-entries.js'

t.test('a cell a spreadsheet would run as a formula is written as text', async (t) => {
  for (const formula of ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '  =1', '＝1+1']) {
    t.equal(csvCell(formula), `'${formula}`, JSON.stringify(formula))
  }
  for (const plain of ['SH-black-1', 'a=b', '1-2', 'x@y', '']) t.equal(csvCell(plain), plain, `${JSON.stringify(plain)} as it is`)
  t.equal(csvCell(-5), '-5', 'a number is a number')
  t.equal(csvCell(null), '', 'nothing')
  t.equal(csvCell(false), 'false')
})

t.test('every cell is scrubbed of identity numbers', async (t) => {
  const id = sampleIdNumber('320000', 4)
  t.equal(csvCell(`当事人${id}`), `当事人${id.slice(0, 4)}**********${id.slice(14)}`)
})

t.test('writeCsv: header, BOM, quoting, and every cell through csvCell', async (t) => {
  const csv = writeCsv([['=cmd|"/c calc"!A1', 1, null], ['ok', 2.5, 'a,"b"']], { header: ['entryId', 'n', 'note'], bom: true })
  t.ok(csv.startsWith('\ufeff'), 'BOM')
  const rows = parse(csv.slice(1)) as string[][]
  t.same(rows, [['entryId', 'n', 'note'], ['\'=cmd|"/c calc"!A1', '1', ''], ['ok', '2.5', 'a,"b"']])
  t.notOk(writeCsv([['x']]).startsWith('\ufeff'), 'no BOM unless asked')
})
