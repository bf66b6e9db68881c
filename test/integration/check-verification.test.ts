import t from 'tap'
import { createHash } from 'node:crypto'
import { importJWK, type CryptoKey } from 'jose'
import { canonicalJson } from '../../src/canonical/canonical-json.js'
import { generatePrivateJwk, publicPart } from '../../src/keys/signing-keys.js'
import { mintToken } from '../../src/auth/mint-token.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { startHarness, type Harness } from '../helpers/harness.js'
import { accept } from '../helpers/coordination-items.js'

// Issue 13 item 14, 可用不可见 (国办发〔2021〕52号 (六)): information that may not be given to the asker
// is offered as a verification — whether measures bearing on its decision apply, on what basis, and
// whom to contact — never the entries. The catalogue's share scopes decide per field and asker.

async function post (h: Harness, token: string, payload: Record<string, unknown>): Promise<{
  status: number, body: Record<string, unknown>, raw: string
}> {
  const res = await h.app.inject({ method: 'POST', url: '/v1/checks', headers: { authorization: `Bearer ${token}` }, payload })
  return { status: res.statusCode, body: res.json(), raw: res.body }
}

const claimsOf = (receipt: unknown): Record<string, unknown> => JSON.parse(Buffer.from(String(receipt).split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>

async function checkerToken (id: string, jwk: Awaited<ReturnType<typeof generatePrivateJwk>>): Promise<string> {
  const key = await importJWK(jwk, 'ES256') as CryptoKey
  return await mintToken({ kid: jwk.kid as string, alg: 'ES256', key }, id, { sub: 'clerk-1' })
}

t.test('国办发〔2021〕52号 (六): a department system that may not receive identity numbers checks a person by verification only — measures, basis and owner, no entry; the receipt signs the mode', async (t) => {
  const jwk = await generatePrivateJwk('ES256', 'sz-k1')
  const h = await startHarness(t, {
    checkers: [{ id: 'sz-procurement', name: '苏州市财政局 政府采购系统', platform: 'JS', departmentKind: 'finance', shareScopes: ['all-platforms'], jwks: { keys: [publicPart(jwk)] } }]
  })
  const token = await checkerToken('sz-procurement', jwk)
  const person = sampleEntry('ZJ', '330000', 2, { person: true })
  await accept(h, 'ZJ', 'list.upsert', [person])
  const id = person.subject.idNumber as string

  const res = await post(h, token, { subject: id, purpose: '政府采购 2026-GP-7', decisionType: 'public-procurement' })
  t.equal(res.status, 200)
  const a = res.body
  t.equal(a.mode, 'verification')
  t.same(a.verification, { requested: false, withheldFields: ['subject.idNumber'] }, 'the catalogue field that decided it (share authorised-departments)')
  t.same(a.measures, [{
    code: 'restrict-public-procurement',
    name: { zh: '限制参加政府采购活动', en: 'Barred from government procurement' },
    kind: 'mandatory',
    legalBasis: '《中华人民共和国政府采购法》第二十二条；国发〔2016〕33号 (十)',
    appliedBy: 'finance',
    applies: true,
    owners: ['ZJ'],
    bases: [{ owner: 'ZJ', kind: 'national', ref: 'food-drug-serious-violation', name: '食品药品领域严重失信主体名单' }],
    notes: []
  }], 'whether the measure applies, on what basis, and which platform to contact')
  for (const k of ['entries', 'summary', 'flags']) t.notOk(k in a, `no ${k} in a verification`)
  t.same(Object.keys(a.asResponsiblePerson as object), ['measures'], '落实到人 (国发〔2016〕33号 (十四)) in a verification: measures only, no entry')
  for (
    const secret of [person.entryId, person.subject.name, person.decision.documentNumber, person.decision.authority, id]
  ) {
    t.notOk(res.raw.includes(secret), `the answer does not carry ${secret === id ? 'the identity number' : secret}`)
  }

  const claims = claimsOf(a.receipt)
  t.equal(claims.mode, 'verification', 'the signed receipt records the mode')
  const answered = claims.answered as Record<string, unknown>
  t.same(Object.keys(answered).sort(), ['asResponsiblePerson', 'digest', 'measures', 'owners'], 'the receipt names no entry')
  t.same(Object.keys(answered.asResponsiblePerson as object), ['measures'], 'nor does its 落实到人 part (国发〔2016〕33号 (十四)): measures only')
  t.same(answered.owners, ['ZJ'])
  const { receipt: _r, ...body } = JSON.parse(res.raw) as Record<string, unknown>
  t.equal(answered.digest, createHash('sha256').update(canonicalJson(body)).digest('base64url'), 'the digest covers the verification as received')

  const stored = await h.db.query('SELECT mode, answered, consulted FROM checks')
  t.same(stored.rows.map((r) => [r.mode, 'entries' in r.answered, r.consulted.map((e: { entryId: string }) => e.entryId)]), [['verification', false, [person.entryId]]],
    'the gateway keeps what it consulted, the asker does not get it')
  const record = await h.app.inject({ url: `/v1/checks/${String(a.checkId)}`, headers: { authorization: `Bearer ${token}` } })
  t.equal(record.json().mode, 'verification')
  t.notOk(record.body.includes(person.entryId), 'nor through the stored check')

  // The owner still learns what its listing led to (结果实时反馈).
  const outcome = await h.app.inject({ method: 'POST', url: `/v1/checks/${String(a.checkId)}/outcome`, headers: { authorization: `Bearer ${token}` }, payload: { outcome: 'refused' } })
  t.same(outcome.json().notices.map((n: { platform: string }) => n.platform), ['ZJ'])

  // An organisation's credit code is shared with every platform: the same system gets a full answer.
  const org = sampleEntry('SH', '310000', 3)
  await accept(h, 'SH', 'list.upsert', [org])
  const full = await post(h, token, { subject: org.subject.creditCode as string, purpose: '政府采购 2026-GP-8', decisionType: 'public-procurement' })
  t.equal(full.body.mode, 'full')
  t.equal(claimsOf(full.body.receipt).mode, 'full')
})

t.test('国办发〔2021〕52号 (六): the mode is decided before the lookup, so it never tells whether a subject is listed', async (t) => {
  const h = await startHarness(t, { platformOverrides: (p) => (p.id === 'AH' ? { ...p, shareScopes: ['all-platforms'] } : p) })
  const listed = sampleEntry('JS', '320000', 4, { person: true })
  await accept(h, 'JS', 'list.upsert', [listed])
  const clean = sampleEntry('JS', '320000', 5, { person: true }).subject.idNumber as string
  const token = await h.platformToken('AH')
  const a = await post(h, token, { subject: listed.subject.idNumber as string, purpose: 'p', decisionType: 'public-procurement' })
  const b = await post(h, token, { subject: clean, purpose: 'p', decisionType: 'public-procurement' })
  t.same([a.body.mode, b.body.mode], ['verification', 'verification'], 'a platform without authorised-departments checks persons by verification, listed or not')
  t.same(b.body.measures, [], 'no measure bears on the decision')
})

t.test('国办发〔2021〕52号 (六): an asker may ask for verification, never for more than the catalogue allows', async (t) => {
  const jwk = await generatePrivateJwk('ES256', 'hf-k1')
  const h = await startHarness(t, {
    platformOverrides: (p) => (p.id === 'AH' ? { ...p, shareScopes: ['all-platforms'] } : p),
    checkers: [{ id: 'hf-approval', name: '合肥市行政审批系统', platform: 'AH', departmentKind: 'any-department', shareScopes: ['all-platforms', 'authorised-departments'], jwks: { keys: [publicPart(jwk)] } }]
  })
  const org = sampleEntry('SH', '310000', 6)
  const person = sampleEntry('SH', '310000', 7, { person: true })
  await accept(h, 'SH', 'list.upsert', [org, person])
  const asked = await post(h, await h.platformToken('JS'), { subject: org.subject.creditCode as string, purpose: 'p', decisionType: 'public-procurement', mode: 'verification' })
  t.same([asked.body.mode, asked.body.verification], ['verification', { requested: true, withheldFields: [] }])
  const upgraded = await post(h, await checkerToken('hf-approval', jwk), {
    subject: person.subject.idNumber as string, purpose: 'p', decisionType: 'public-procurement', mode: 'full'
  })
  t.same([upgraded.body.mode, upgraded.body.verification], ['verification', { requested: false, withheldFields: ['subject.idNumber'] }],
    'a department system gets no more than its home platform, whatever it asks')
})
