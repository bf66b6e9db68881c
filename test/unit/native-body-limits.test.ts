import t from 'tap'
import { csvShapeProblem, jsonShapeProblem } from '../../src/native/native-body-limits.js'
import { encodeBatchFile } from '../../adapters/js-batch/js-batch-file.js'
import { JS_HEADER } from '../../adapters/js-batch/js-batch-columns.js'
import { toNative } from '../../adapters/js-batch/js-batch-mapping.js'
import { sampleEntry } from '../../sim/sample-entries.js'

const json = (s: string): Buffer => Buffer.from(s, 'utf8')
const limits = { maxDepth: 3, maxValues: 10, maxStringBytes: 12 }

t.test('JSON shape: depth, values and string bytes, with brackets and quotes inside strings ignored', async (t) => {
  t.equal(jsonShapeProblem(json('{"a":[1,2,{"b":"x"}]}'), limits), undefined)
  t.equal(jsonShapeProblem(json('{"a":"[[[[,,,,"}'), limits), undefined, 'brackets and commas in a string are text')
  t.equal(jsonShapeProblem(json('{"a":"\\"[[[[[["}'), limits), undefined, 'an escaped quote does not end the string')
  t.equal(jsonShapeProblem(json('{"a":"上海市"}'), limits), undefined, 'multi-byte UTF-8 is counted in bytes')
  t.match(jsonShapeProblem(json('[[[[1]]]]'), limits), /nested more than 3 levels/)
  t.match(jsonShapeProblem(json('[1,2,3,4,5,6,7,8,9,10,11]'), limits), /more than 10 values/)
  t.match(jsonShapeProblem(json('{"a":"上海市上海市"}'), limits), /a string of more than 12 bytes/)
  t.match(jsonShapeProblem(json('{"a":"xxxxxxxxxxxxxxxxxxxxxxx'), limits), /a string of more than 12 bytes/, 'an unterminated string too')
})

t.test('CSV shape: records, fields and field bytes, with quoted commas, line breaks and doubled quotes', async (t) => {
  const small = { maxRecords: 3, maxFields: 3, maxFieldBytes: (i: number) => (i === 0 ? 10 : 4) }
  t.equal(csvShapeProblem(json('a,b,c\r\n"x,\r\ny",1,2\r\n'), small), undefined, 'a quoted comma and line break stay in the field')
  t.equal(csvShapeProblem(json('a,b,c\r\n"a""b",1,2'), small), undefined, 'doubled quotes, no final line end')
  t.match(csvShapeProblem(json('a,b,c\r\n1,2,3\r\n1,2,3\r\n1,2,3\r\n'), small), /more than 3 records/)
  t.match(csvShapeProblem(json('a,b,c\r\n1,2,3\r\n1,2,3\r\n1'), small), /more than 3 records/, 'a last record without its line end counts')
  t.match(csvShapeProblem(json('a,b,c,d\r\n'), small), /record 1: more than 3 fields/)
  t.match(csvShapeProblem(json('a,bbbbb,c\r\n'), small), /record 1: field 2 holds more than 4 bytes/)
  t.match(csvShapeProblem(json('a,b,c\r\n"0123456789"\r\n'), small), /record 2: field 1 holds more than 10 bytes/, 'quotes count')
})

t.test('a real Jiangsu batch file (GB18030) passes the shape check the upload route uses', async (t) => {
  const rows = [1, 2, 3].map((n) => toNative('list.upsert', sampleEntry('JS', '320000', n, { person: n === 2 })))
  const file = encodeBatchFile('JS-b-1', 'JS', rows)
  const shape = { maxRecords: 1001, maxFields: JS_HEADER.length, maxFieldBytes: () => 8002 }
  t.equal(csvShapeProblem(file, shape), undefined)
  t.match(csvShapeProblem(file, { ...shape, maxRecords: 3 }), /more than 3 records/, 'the header and three rows are four records')
})
