import t from 'tap'
import { startHarness, type Harness } from '../helpers/harness.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { dataHashOf } from '../../src/transparency/change-leaf.js'
import { verifyProof } from '../../src/transparency/verify-proof.js'
import type { InclusionProofV1 } from '../../contracts/transparency-v1.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'

// Issue 12 (items 3 and 6, transparency): a leaf's dataHash must not let a reader who is not
// entitled to the item test guesses of what was withheld from it (a masked identity number).

const LOG = '/v1/transparency/logs/SH/food-drug-serious-violation'

async function get (
  h: Harness, url: string, token: string, headers: Record<string, string> = {}
): Promise<{ status: number, body: Record<string, unknown> }> {
  const res = await h.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, ...headers } })
  return { status: res.statusCode, body: res.json() }
}

/** `n` candidates that match `masked` (4 clear, 10 masked, 4 clear) around and including `truth`. */
function candidatesAround (truth: string, masked: string, n: number): string[] {
  const head = masked.slice(0, 4)
  const tail = masked.slice(-4)
  const middle = Number(truth.slice(4, 14))
  return Array.from({ length: n }, (_, i) => `${head}${String(middle - n / 2 + i).padStart(10, '0')}${tail}`)
}

t.test('a platform without identity numbers cannot brute-force a masked number against the leaf; the owner can verify the content', async (t) => {
  const h = await startHarness(t, { platformOverrides: (p) => p.id === 'JS' ? { ...p, shareScopes: ['all-platforms'] } : p })
  const item = sampleEntry('SH', '310000', 3) as ListUpsertItemV1 & { subject: { creditCode: string, responsiblePersons: Array<{ idNumber: string }> } }
  const truth = item.subject.responsiblePersons[0]?.idNumber as string
  const { jws } = await h.sign('SH', { kind: 'list.upsert', items: [item] })
  t.equal((await h.post(jws)).status, 202)
  t.equal((await h.app.inject({ method: 'POST', url: `${LOG}/checkpoints`, headers: { authorization: `Bearer ${await h.adminToken('admin')}` } })).statusCode, 201)
  const jwks = (await h.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json()
  const url = `${LOG}/inclusion?entryId=${item.entryId}&version=1`

  // What JS sees: the masked number (subject search) and the proof.
  const js = await h.platformToken('JS')
  const found = await get(h, `/v1/subjects/${item.subject.creditCode}/entries`, js, { 'x-query-purpose': 'probe' })
  t.equal(found.status, 200)
  const masked = (JSON.stringify(found.body).match(/\d{4}\*{10}[\dX]{4}/) ?? [])[0] as string
  t.equal(masked, `${truth.slice(0, 4)}**********${truth.slice(-4)}`, 'the subject search shows the responsible person\'s number masked')
  const jsProof = await get(h, url, js)
  t.equal(jsProof.status, 200)
  const proof = jsProof.body as unknown as InclusionProofV1
  t.equal(proof.leaf.v, 2, 'a change recorded now has a salted leaf')
  t.notOk('salt' in proof, 'no salt for a platform that may not receive the identity number')
  t.notOk('salt' in (await get(h, url, await h.adminToken('admin'))).body, 'nor for an admin')
  t.notOk('salt' in (await get(h, url, await h.adminToken('auditor'))).body, 'nor for an auditor')

  // The attack: the item JS received (number removed) with each candidate put back, hashed.
  const candidates = candidatesAround(truth, masked, 1000)
  t.ok(candidates.includes(truth), 'the true number is among the candidates')
  const withNumber = (n: string): unknown => (
    {
      ...item,
      subject: { ...item.subject, responsiblePersons: [{ ...item.subject.responsiblePersons[0], idNumber: n }] }
    }
  )
  t.equal(candidates.filter((n) => dataHashOf(withNumber(n)) === proof.leaf.dataHash).length, 0, 'no candidate hashes to the leaf\'s dataHash')
  const noSalt = await verifyProof({ jwks, checkpoint: proof.checkpoint as string, inclusion: proof, item })
  t.equal(noSalt.ok, false)
  t.match(noSalt.message, /no salt/, 'verifying content without the salt says why it cannot')
  t.match(noSalt, { code: 'PROOF_MALFORMED' }, 'and with a code')
  t.ok((await verifyProof({ jwks, checkpoint: proof.checkpoint as string, inclusion: proof })).ok, 'JS still verifies the leaf\'s inclusion')

  // The owner gets the salt and recomputes the leaf's content; so does a platform that receives the whole item.
  for (const platform of ['SH', 'ZJ']) {
    const own = (await get(h, url, await h.platformToken(platform))).body as unknown as InclusionProofV1
    t.type(own.salt, 'string', `${platform} gets the salt`)
    t.same(own.leaf, proof.leaf, 'the same leaf')
    t.equal(dataHashOf(item, Buffer.from(own.salt as string, 'base64url')), own.leaf.dataHash, 'salt || item hashes to dataHash')
    const ok = await verifyProof({ jwks, checkpoint: own.checkpoint as string, inclusion: own, item })
    t.ok(ok.ok, `verify-proof with the item and the salt: ${ok.message}`)
    const wrong = await verifyProof(
      { jwks, checkpoint: own.checkpoint as string, inclusion: own, item: withNumber(candidates[0] as string) }
    )
    t.equal(wrong.ok, false, 'another number does not verify')
  }
})

t.test('rows recorded before migration 012 keep their unsalted v1 leaves', async (t) => {
  const h = await startHarness(t)
  const { rows } = await h.db.query<{ d: string | null }>(
    "SELECT column_default AS d FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'entry_history' AND column_name = 'salt'")
  t.match(rows[0]?.d, /gen_random_uuid/, 'new rows get a random salt from PostgreSQL')
  const item = sampleEntry('SH', '310000', 4)
  const { jws } = await h.sign('SH', { kind: 'list.upsert', items: [item] })
  t.equal((await h.post(jws)).status, 202)
  const { rows: salts } = await h.db.query<{ n: number }>('SELECT octet_length(salt) AS n FROM entry_history')
  t.same(salts, [{ n: 32 }], '32 bytes')
  // An old row: no salt (as migration 012 leaves the rows it finds).
  await h.db.query('UPDATE entry_history SET salt = NULL')
  await h.app.inject({ method: 'POST', url: `${LOG}/checkpoints`, headers: { authorization: `Bearer ${await h.adminToken('admin')}` } })
  const proof = (await get(h, `${LOG}/inclusion?entryId=${item.entryId}&version=1`, await h.platformToken('SH'))).body as unknown as InclusionProofV1
  t.equal(proof.leaf.v, 1)
  t.equal(proof.leaf.dataHash, dataHashOf(item), 'unsalted, as before')
  t.notOk('salt' in proof)
  const jwks = (await h.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json()
  t.ok((await verifyProof({ jwks, checkpoint: proof.checkpoint as string, inclusion: proof, item })).ok, 'a v1 leaf verifies with its item and no salt')
})
