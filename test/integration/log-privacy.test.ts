import t from 'tap'
import { startHarness } from '../helpers/harness.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { ID_NUMBER_SHAPE } from '../helpers/id-number-shape.js'

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
  t.notMatch(text, ID_NUMBER_SHAPE, 'no identity number in clear anywhere in the logs')
  t.notOk(text.includes(token), 'no bearer token in the logs')
})

t.test('identity numbers never reach the logs percent-encoded, grouped or in full-width digits', async (t) => {
  const lines: string[] = []
  const h = await startHarness(t, { logStream: { write: (line) => { lines.push(line) } } })
  const id = sampleEntry('SH', '310000', 6, { person: true }).subject.idNumber as string
  const percent = [...id].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('')
  const fullWidth = [...id].map((c) => String.fromCharCode(c === 'X' ? 0xFF38 : c.charCodeAt(0) - 0x30 + 0xFF10)).join('')
  const grouped = `${id.slice(0, 6)}-${id.slice(6, 14)}-${id.slice(14)}`
  const token = await h.platformToken('JS')
  const headers = { authorization: `Bearer ${token}`, 'x-query-purpose': 'check' }
  for (const url of [`/v1/subjects/${percent}/entries`, `/v1/subjects/${percent.toLowerCase()}/entries`, `/v1/subjects/x/entries?q=${grouped}`,
    `/v1/subjects/x/entries?q=${encodeURIComponent(fullWidth)}`, `/v1/messages/${encodeURIComponent(`申请人${id}`)}`]) {
    await h.app.inject({ url, headers })
  }
  const text = lines.join('')
  t.ok(lines.length >= 10, 'requests were logged')
  for (const form of [id, percent, percent.toLowerCase(), grouped, encodeURIComponent(fullWidth), id.slice(4, 14)]) {
    t.notOk(text.includes(form), `not in the logs: ${form.slice(0, 12)}…`)
  }
  t.match(text, /\/v1\/subjects\/(%3\d){4}\*{10}/, 'the percent-encoded URL is logged masked')
})
