import t from 'tap'
import { startHarness } from '../helpers/harness.js'
import { sampleEntry } from '../../src/simulators/sample-entries.js'

t.test('identity numbers never reach the logs: not from URLs, envelopes, errors or headers', async (t) => {
  const lines: string[] = []
  const h = await startHarness(t, { logStream: { write: (line) => { lines.push(line) } } })
  const person = sampleEntry('SH', '310000', 4, { person: true })
  const id = person.subject.idNumber as string
  const accepted = await h.post((await h.sign('SH', { kind: 'list.upsert', items: [person] })).jws)
  t.equal(accepted.status, 202)
  const bad = sampleEntry('SH', '310000', 5, { person: true })
  bad.subject.idNumber = `${id.slice(0, 17)}${id.endsWith('1') ? '2' : '1'}`
  t.equal((await h.post((await h.sign('SH', { kind: 'list.upsert', items: [bad] })).jws)).status, 422)
  const token = await h.platformToken('JS')
  const lookup = await h.app.inject({ url: `/v1/subjects/${id}/entries`, headers: { authorization: `Bearer ${token}`, 'x-query-purpose': 'check' } })
  t.equal(lookup.statusCode, 200)
  const text = lines.join('')
  t.ok(lines.length >= 6, 'requests were logged')
  t.match(text, /\/v1\/subjects\/\d{4}\*{10}[\dX]{4}\/entries/, 'the URL is logged masked')
  t.notMatch(text, /\d{17}[\dX]/, 'no identity number in clear anywhere in the logs')
  t.notOk(text.includes(token), 'no bearer token in the logs')
})
