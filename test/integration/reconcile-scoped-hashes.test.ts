import t from 'tap'
import fc from 'fast-check'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { Delivery } from '../../adapters/types.js'
import type { Registries, ShareScope } from '../../config/registry-schema.js'
import { loadRegistries } from '../../config/load-registries.js'
import { defaultConfigDir } from '../../config/load-config.js'
import { applyShareScope } from '../../src/delivery/share-scope.js'
import { fingerprintScopeOf } from '../../src/reconcile/fingerprint-scope.js'
import { contentHashOf } from '../../src/reconcile/element-hash.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { DATABASE_URL } from '../helpers/harness.js'
import { schemaAtMigration } from '../helpers/schema-at-migration.js'

// The fold projects entries in SQL (recon_scoped_item, migration 022) what delivery projects in
// TypeScript (applyShareScope) before a restricted platform sees them: the two must agree exactly,
// or such a platform would show content mismatches that are not there.

const national = loadRegistries(defaultConfigDir())
const delivery = (items: unknown[]): Delivery => ({
  deliveryId: '1', jti: 'j', kind: 'list.upsert', origin: 'SH', originDigest: 'd', destination: 'JS', items, receivedAt: '2026-11-23T00:00:00Z', resends: 0
})

/** What a platform withholding `withheld` holds of `item` by delivery: its content hash, or null (withheld whole). */
function deliveredHash (item: unknown, withheld: string[]): string | null {
  const first = national.catalogue[0]
  if (first === undefined) throw new Error('empty catalogue')
  // A catalogue of exactly the withheld paths, each owner-only: applyShareScope removes those and nothing else.
  const registries: Registries = { ...national, catalogue: withheld.map((field) => ({ ...first, field, share: 'owner-only' })) }
  const out = applyShareScope(delivery([item]), registries, ['all-platforms', 'authorised-departments'])
  return out.delivery.items.length === 0 ? null : contentHashOf(out.delivery.items[0])
}

t.test('recon_scoped_item hashes what applyShareScope sends, for sample entries and random items', async (t) => {
  const schema = `scope_hash_${randomBytes(4).toString('hex')}`
  await schemaAtMigration(schema, '022')
  const client = new pg.Client({ connectionString: DATABASE_URL })
  await client.connect()
  t.teardown(async () => { await client.query(`DROP SCHEMA "${schema}" CASCADE`); await client.end() })
  await client.query(`SET search_path TO "${schema}"`)
  const scopedHash = async (item: unknown, withheld: string[]): Promise<string | null> => {
    const { rows } = await client.query<{ h: string | null }>(
      "SELECT encode(sha256(convert_to(recon_scoped_item($1::jsonb, $2::text[])::text, 'UTF8')), 'hex') AS h",
      [JSON.stringify(item), withheld])
    return rows[0]?.h ?? null
  }

  const restricted = (scopes: ShareScope[]): string[] => fingerprintScopeOf(national, scopes)?.withheld ?? []
  t.equal(fingerprintScopeOf(national), undefined, 'the default scopes withhold nothing: no fingerprint scope')
  const cases: Array<[string, string[]]> = [
    ['identity numbers (all-platforms only)', restricted(['all-platforms'])],
    ['nothing but owner-only facts and measure descriptions', ['facts', 'measures.description']],
    ['the credit code too', ['subject.creditCode', 'subject.idNumber', 'subject.responsiblePersons.idNumber']],
    ['a whole subtree', ['subject.responsiblePersons', 'decision']]
  ]
  for (const [what, withheld] of cases) {
    for (const item of [sampleEntry('SH', '310000', 1), sampleEntry('SH', '310000', 2, { person: true }), sampleEntry('SH', '310000', 3, { listType: 'red' })]) {
      t.equal(await scopedHash(item, withheld), deliveredHash(item, withheld), `${what}: ${item.entryId}`)
    }
  }
  t.equal(await scopedHash(sampleEntry('SH', '310000', 2, { person: true }), restricted(['all-platforms'])), null,
    'a person entry is withheld whole from a platform that may not receive identity numbers')

  // Random items over a small alphabet of keys, so that paths often meet arrays, nulls and scalars.
  const key = fc.constantFrom('a', 'b', 'subject', 'creditCode', 'idNumber')
  const leaf = fc.oneof(fc.constantFrom('', 'x', '李某', 'a"b\\n'), fc.integer(), fc.constant(null), fc.boolean())
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('object'), tie('array')),
    object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    array: fc.array(tie('value'), { maxLength: 3 })
  }))
  const path = fc.array(key, { minLength: 1, maxLength: 3 }).map((p) => p.join('.'))
  // Mostly with a subject naming someone, so that paths cut items more often than they withhold them whole.
  const dict = (maxKeys: number): fc.Arbitrary<Record<string, unknown>> => fc.dictionary(key, value, { maxKeys })
  const items = fc.tuple(dict(4), dict(3), fc.nat(3))
    .map(([rest, subject, n]) => n === 0
      ? rest
      : { ...rest, subject: { ...subject, [n === 1 ? 'idNumber' : 'creditCode']: 'x' } })
  const seen = { kept: 0, cut: 0, whole: 0 }
  await fc.assert(fc.asyncProperty(items, fc.array(path, { minLength: 1, maxLength: 3 }), async (item, withheld) => {
    const sql = await scopedHash(item, withheld)
    seen[sql === null ? 'whole' : sql === contentHashOf(item) ? 'kept' : 'cut'] += 1
    return sql === deliveredHash(item, withheld)
  }), { numRuns: 300 })
  t.pass('300 random items and withheld paths agree')
  t.ok(seen.kept > 0 && seen.cut > 0 && seen.whole > 0, `items kept whole, cut and withheld whole all occur (${JSON.stringify(seen)})`)
})
