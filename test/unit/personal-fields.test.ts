import { createHash } from 'node:crypto'
import t from 'tap'
import { sampleEntry } from '../../sim/sample-entries.js'
import { erasePersonalFields, isErased, isShieldedRemoval } from '../../src/privacy/personal-fields.js'
import { shieldEnvelope, storedPayload } from '../../src/privacy/shielded-envelope.js'

const AT = new Date('2027-01-01T00:00:00.000Z')

t.test('国办发〔2020〕49号 (十一): erasing removes a person\'s name and number and responsible persons\' names and numbers, nothing else', async (t) => {
  const person = sampleEntry('SH', '310000', 1, { person: true })
  const erased = erasePersonalFields(person, AT) as typeof person
  t.same(erased.subject, { type: 'person', personalDataErasedAt: AT.toISOString() })
  t.same({ ...erased, subject: null }, { ...person, subject: null }, 'every other field stays')
  t.ok(isErased(erased))
  t.notOk(isErased(person))

  const org = sampleEntry('SH', '310000', 2)
  const e = erasePersonalFields(org, AT) as typeof org
  t.equal(e.subject.name, org.subject.name, 'an organisation keeps its name')
  t.equal(e.subject.creditCode, org.subject.creditCode, 'and its credit code')
  t.same(e.subject.responsiblePersons, [{ role: 'legal-representative' }])
  t.same(org.subject.responsiblePersons?.[0]?.name, '李某', 'the input is not changed')

  const removal = { entryId: 'x', owner: 'SH', version: 2, reason: 'repair' }
  t.equal(erasePersonalFields(removal, AT), removal, 'a removal item carries no subject')
  t.same(['repair', 'expiry', 'revoked', 'corrected', 'other'].map(isShieldedRemoval), [true, true, true, false, false])
})

t.test('a shielded envelope keeps the signature and the payload digest, and only the erased items lose their fields', async (t) => {
  const items = [sampleEntry('SH', '310000', 1, { person: true }), sampleEntry('SH', '310000', 3, { person: true })]
  const payload = Buffer.from(JSON.stringify({ iss: 'SH', jti: 'j1', kind: 'list.upsert', items })).toString('base64url')
  const compact = `eyJhbGciOiJFUzI1NiJ9.${payload}.c2ln`
  const flattened = JSON.stringify({ protected: 'eyJhbGciOiJFUzI1NiJ9', payload, signature: 'c2ln' })
  const first = (i: unknown): unknown => (
    i as { entryId: string }
  ).entryId === items[0]?.entryId
    ? erasePersonalFields(i, AT)
    : i
  for (const jws of [compact, flattened]) {
    t.same(storedPayload(jws).items, items, 'a stored envelope reads as received')
    const shielded = shieldEnvelope(jws, first, AT)
    const s = JSON.parse(shielded).shielded
    t.equal(s.protected, 'eyJhbGciOiJFUzI1NiJ9')
    t.equal(s.signature, 'c2ln')
    t.equal(s.payloadSha256, createHash('sha256').update(payload).digest('base64url'), 'SHA-256 of the payload segment as signed')
    const read = storedPayload(shielded).items as typeof items
    t.notOk(JSON.stringify(read[0]).includes(items[0]?.subject.idNumber as string), 'the erased item has no number')
    t.same(read[1], items[1], 'the other item is untouched')
    const again = shieldEnvelope(shielded, (i) => erasePersonalFields(i, AT), AT)
    t.equal(JSON.parse(again).shielded.payloadSha256, s.payloadSha256, 'shielding again keeps the original digest')
    t.notOk(JSON.stringify(storedPayload(again)).includes(items[1]?.subject.idNumber as string))
  }
})
