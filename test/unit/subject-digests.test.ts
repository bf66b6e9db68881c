import t from 'tap'
import { createHash, createHmac } from 'node:crypto'
import { isKeyedDigest, loadSubjectDigests, parseIdHashKeys, subjectDigestsFrom } from '../../src/privacy/subject-digests.js'

const SECRET_A = 'a'.repeat(32)
const SECRET_B = 'b-secret-of-thirty-two-characters'

t.test('GW_ID_HASH_KEY: <kid>:<secret>, current first, previous after; bad values are refused without echoing a secret', async (t) => {
  t.same(parseIdHashKeys(`new:${SECRET_B}, old:${SECRET_A}\n`), [{ kid: 'new', secret: SECRET_B }, { kid: 'old', secret: SECRET_A }])
  t.same(parseIdHashKeys(`k:${SECRET_A}:with-colon`), [{ kid: 'k', secret: `${SECRET_A}:with-colon` }], 'a secret may hold a colon')
  t.throws(() => parseIdHashKeys(SECRET_A), /key 1 must be <kid>:<secret>/)
  t.throws(() => parseIdHashKeys('k:short'), /at least 32 characters/)
  t.throws(() => parseIdHashKeys(`bad kid!:${SECRET_A}`), /must be <kid>:<secret>/)
  t.throws(() => parseIdHashKeys(`k:${SECRET_A},k:${SECRET_B}`), /key id k is given twice/)
  t.throws(() => parseIdHashKeys(' , '), /holds no key/)
  try { parseIdHashKeys('k:short-secret') } catch (err) { t.notMatch((err as Error).message, /short-secret/, 'the secret is not echoed') }
})

t.test('digests: HMAC-SHA-256 under the first key with its id; lookups try every key and the unkeyed form of old rows', async (t) => {
  const id = '33010619900101123X'
  const d = subjectDigestsFrom(parseIdHashKeys(`new:${SECRET_B},old:${SECRET_A}`))
  const hmac = (secret: string): string => createHmac('sha256', secret).update(id).digest('hex')
  t.equal(d.kid, 'new')
  t.equal(d.digest(id), `new:${hmac(SECRET_B)}`)
  t.equal(d.digest(id.toLowerCase()), d.digest(id), 'one identifier, one digest, whatever the case of a final X')
  t.same(d.candidates(id), [`new:${hmac(SECRET_B)}`, `old:${hmac(SECRET_A)}`, createHash('sha256').update(id).digest('hex')])
  t.not(d.digest(id).slice(4), createHash('sha256').update(id).digest('hex'), 'not the unkeyed hash')
  t.ok(isKeyedDigest(d.digest(id)))
  t.notOk(isKeyedDigest(createHash('sha256').update(id).digest('hex')))
})

t.test('without a key: production refuses to start, elsewhere an ephemeral key and a warning', async (t) => {
  t.throws(() => loadSubjectDigests({ raw: undefined, production: true, warn: () => undefined }), /GW_ID_HASH_KEY \(or GW_ID_HASH_KEY_FILE\) is required in production/)
  const warnings: string[] = []
  const a = loadSubjectDigests({ raw: '', production: false, warn: (m) => warnings.push(m) })
  const b = loadSubjectDigests({ raw: undefined, production: false, warn: (m) => warnings.push(m) })
  t.equal(warnings.length, 2)
  t.match(warnings[0], /ephemeral/)
  t.not(a.digest('91350100M000100Y43'), b.digest('91350100M000100Y43'), 'a random key per process')
  t.equal(loadSubjectDigests({ raw: `k:${SECRET_A}`, production: true, warn: () => { throw new Error('no warning expected') } }).kid, 'k')
})
