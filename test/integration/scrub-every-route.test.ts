import t from 'tap'
import fc from 'fast-check'
import { startHarness, type Harness } from '../helpers/harness.js'
import { accept, feedback, notice, objection } from '../helpers/coordination-items.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { idNumberCheckCharacter } from '../../src/identifiers/id-number.js'

/** A valid identity number from generated parts (any region prefix, a real birth date, any sequence). */
const idNumberArb = fc.tuple(
  fc.integer({ min: 110000, max: 659999 }),
  fc.date({ min: new Date('1930-01-01T00:00:00Z'), max: new Date('2010-12-31T00:00:00Z'), noInvalidDate: true }),
  fc.integer({ min: 0, max: 999 })
).map(([region, born, seq]) => {
  const first17 = `${region}${born.toISOString().slice(0, 10).replaceAll('-', '')}${String(seq).padStart(3, '0')}`
  return first17 + idNumberCheckCharacter(first17)
})

const FULL_WIDTH = (s: string): string => [...s].map((c) => String.fromCharCode(c === 'X' ? 0xFF38 : c.charCodeAt(0) - 0x30 + 0xFF10)).join('')
const PERCENT = (s: string): string => [...s].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('')

/** The ways a person's number is written in free text, every one to be masked. */
const WRITTEN: Array<(id: string) => string> = [
  (id) => id,
  (id) => `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`,
  (id) => `${id.slice(0, 6)}-${id.slice(6, 10)}-${id.slice(10, 14)}-${id.slice(14)}`,
  FULL_WIDTH,
  PERCENT
]

/** Every clear form of `id` that must never be read in an answer. */
const clearForms = (id: string): string[] => [...WRITTEN.map((w) => w(id)), PERCENT(id).toLowerCase(), id.toLowerCase()]

const textArb = fc.record({
  before: fc.constantFrom('身份证号', '当事人证件号码：', 'ID ', '(', '', '见 https://credit.example/q?id='),
  after: fc.constantFrom('。', ' ', ')', '号', ''),
  written: fc.integer({ min: 0, max: WRITTEN.length - 1 })
})

/** Routes that must answer the seeded free text (so the property is not met by 404s). */
const DATA_ROUTES = ['/v1/entries/:owner/:entryId', '/v1/messages/:jti', '/v1/deliveries', '/v1/cases/:initiator/:caseId', '/v1/admin/messages/:jti', '/v1/admin/query-log']

interface Seeded { ids: string[], params: Record<string, string>, subjectId: string }

let run = 0
/** One entry, its case, feedback, objection and delivery errors, every free text quoting a number. */
async function seed (
  h: Harness, ids: string[], texts: Array<{ before: string, after: string, written: number }>
): Promise<Seeded> {
  run++
  const say = (i: number): string => {
    const x = texts[i % texts.length] ?? { before: '', after: '', written: 0 }
    return `${x.before}${(WRITTEN[x.written] ?? WRITTEN[0] ?? String)(ids[i] ?? '')}${x.after}`
  }
  const base = sampleEntry('SH', '310000', 900 + run, { person: true })
  const entry = { ...base, subject: { type: 'person' as const, name: '张某某', idNumber: ids[0] ?? '' }, facts: `经查，${say(1)}存在违法行为`, legalBasis: `依据《条例》，${say(2)}` }
  const jti = await accept(h, 'SH', 'list.upsert', [entry])
  const caseId = `SCRUB-${run}`
  await accept(h, 'SH', 'punishment.notice', [notice(entry, caseId)])
  await accept(h, 'JS', 'punishment.feedback', [{ ...feedback('SH', caseId, 'declined', 'strict-supervision'), reason: `不予执行：${say(3)}` }])
  await accept(h, 'SH', 'objection.open', [{ ...objection(entry, `OBJ-${run}`), grounds: `异议人${say(4)}称已履行` }])
  // Delivery errors as a platform wrote them (and as rows written before the scrubber kept them).
  await h.db.query('UPDATE deliveries SET last_error = $2, status = \'dead\' WHERE jti = $1', [jti, `platform refused: ${say(5)}`])
  await h.db.query(`INSERT INTO delivery_attempts (delivery_id, attempt, started_at, finished_at, outcome, error)
    SELECT id, 1, now(), now(), 'failed', $2 FROM deliveries WHERE jti = $1`, [jti, `HTTP 400 ${say(6)}`])
  return {
    ids,
    subjectId: ids[0] ?? '',
    params: { jti, owner: 'SH', entryId: entry.entryId, initiator: 'SH', caseId, listCode: entry.listCode, platform: 'ZJ', file: 'none.js', id: '1', batchId: 'b1' }
  }
}

t.test('no GET answer of any route shows an identity number in clear, whatever free text carries it', async (t) => {
  const h = await startHarness(t)
  const routes = h.app.accessTable.filter((r) => r.method === 'GET')
  t.ok(routes.length > 30, `${routes.length} GET routes`)
  const tokens = new Map<string, string>()
  const token = async (who: string): Promise<string> => {
    const known = tokens.get(who)
    if (known !== undefined) return known
    const fresh = who === 'ZJ' || who === 'SH' ? await h.platformToken(who) : await h.adminToken(who as 'admin')
    tokens.set(who, fresh)
    return fresh
  }
  let answers = 0
  let runs = 0
  await fc.assert(fc.asyncProperty(fc.array(
    idNumberArb, { minLength: 7, maxLength: 7 }
  ), fc.array(textArb, { minLength: 7, maxLength: 7 }), async (ids, texts) => {
    runs++
    const s = await seed(h, ids, texts)
    // The lookup by number, its purpose quoting a number (the query log keeps it), and the problem
    // `instance` of a refused lookup (a number with a wrong check character, percent-encoded).
    const purpose = encodeURIComponent(`核查 ${ids[1] ?? ''}`)
    const lookups = [`/v1/subjects/${s.subjectId}/entries`, `/v1/subjects/${PERCENT(s.subjectId)}/entries`,
      `/v1/subjects/${s.subjectId.slice(0, 17)}${s.subjectId.endsWith('1') ? '2' : '1'}/entries`]
    const leaks: string[] = []
    const check = (what: string, body: string): void => {
      answers++
      for (const id of [...ids, `${s.subjectId.slice(0, 17)}${s.subjectId.endsWith('1') ? '2' : '1'}`]) {
        for (const form of clearForms(id)) if (body.includes(form)) leaks.push(`${what}: ${form}`)
      }
    }
    for (const url of lookups) {
      const res = await h.app.inject({ url, headers: { authorization: `Bearer ${await token('admin')}`, 'x-query-purpose': purpose } })
      check(`GET ${url} (${res.statusCode})`, res.body)
    }
    for (const r of routes) {
      const access = r.access
      const roles = 'roles' in access ? access.roles : []
      const who = roles.includes('admin') ? 'admin' : roles.includes('auditor') ? 'auditor' : roles.includes('operator') ? 'operator' : roles.includes('platform') ? (r.url.startsWith('/v1/feeds') ? 'ZJ' : 'SH') : undefined
      const url = r.url.startsWith('/v1/subjects/')
        ? `/v1/subjects/${s.subjectId}/entries`
        : r.url.replace(/:(\w+)/g, (_m, p: string) => s.params[p] ?? 'x').replace(/\*$/, 'json')
      const headers: Record<string, string> = { 'x-query-purpose': purpose, ...(who === undefined ? {} : { authorization: `Bearer ${await token(who)}` }) }
      const res = await h.app.inject({ url, headers })
      check(`GET ${url} as ${who ?? 'anyone'} (${res.statusCode})`, res.body)
      if (DATA_ROUTES.includes(r.url) && res.statusCode !== 200) leaks.push(`GET ${url} answered ${res.statusCode}, not the seeded data`)
    }
    if (leaks.length > 0) t.fail('identity numbers in clear', { leaks })
    return leaks.length === 0
  }), { numRuns: 4, seed: 20261203 })
  t.equal(runs, 4, 'four generated data sets, every GET route each time')
  t.ok(answers > 100, `${answers} answers read`)
})
