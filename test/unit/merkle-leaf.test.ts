import t from 'tap'
import { README_ITEM, README_ROW, README_SALT } from '../helpers/readme-leaf-example.js'
import { canonicalJson } from '../../src/canonical/canonical-json.js'
import { dataHashOf, leafBytes, leafOfHistory, type ChangeLeaf } from '../../src/transparency/change-leaf.js'
import { leafHash } from '../../src/transparency/merkle-tree.js'

// The leaf encoding a platform recomputes (README, "Checkpoints and proofs"). The example's
// hashes were also computed independently with Python's json.dumps(sort_keys=True,
// separators=(',', ':'), ensure_ascii=False) and hashlib.

t.test('canonical JSON (RFC 8785 for the values items hold)', async (t) => {
  t.equal(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 0.5, y: -2 } }), '{"a":[true,null,"x"],"b":1,"c":{"y":-2,"z":0.5}}', 'members sorted, no whitespace')
  t.equal(canonicalJson({ é: 1, e: 2, E: 3, _: 4 }), '{"E":3,"_":4,"e":2,"é":1}', 'UTF-16 code unit order')
  t.equal(canonicalJson('信用\n"q"'), '"信用\\n\\"q\\""', 'strings as JSON.stringify writes them, non-ASCII unescaped')
  t.equal(canonicalJson(1e21), '1e+21')
  t.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}')
  t.throws(() => canonicalJson(Number.NaN), TypeError)
  t.equal(canonicalJson({ version: 2, entryId: 'x' }), canonicalJson(JSON.parse('{ "entryId" : "x", "version" : 2.0 }')), 'formatting of the published bytes does not matter')
})

t.test('the README example', async (t) => {
  t.equal(dataHashOf(README_ITEM), 'ZGHtwb6u8myTUO3QsjxEjWBKkTs_z2c-GLebY701wuo')
  const leaf: ChangeLeaf = leafOfHistory({ ...README_ROW, salt: null })
  t.equal(leafBytes(leaf).toString('utf8'),
    '{"action":"remove","dataHash":"ZGHtwb6u8myTUO3QsjxEjWBKkTs_z2c-GLebY701wuo","entryId":"SH-black-1","jti":"0b5c7d1e-2f3a-4b6c-8d9e-0f1a2b3c4d5e",' +
    '"listCode":"food-drug-serious-violation","owner":"SH","recordedAt":"2026-11-23T08:00:00.000Z","status":"removed","v":1,"version":2}')
  t.equal(leafHash(leafBytes(leaf)).toString('base64url'), 'SVPo_mRoL_jfdTx-l7wNQ7n91YS2l6CMgRpZGMBnp7U')
  // Every field is committed to.
  for (const [k, v] of Object.entries({ owner: 'JS', listCode: 'red-list', entryId: 'SH-black-2', version: 3, action: 'upsert', status: 'active', dataHash: dataHashOf({}), jti: 'other', recordedAt: '2026-11-23T08:00:00.001Z' })) {
    t.not(leafHash(leafBytes({ ...leaf, [k]: v })).toString('base64url'), 'SVPo_mRoL_jfdTx-l7wNQ7n91YS2l6CMgRpZGMBnp7U', `${k} changes the leaf hash`)
  }
})

t.test('a salted (v2) leaf: dataHash over salt || canonicalJson(item), the salt not in the leaf', async (t) => {
  const item = README_ITEM
  const salt = README_SALT
  t.equal(salt.toString('base64url'), 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8')
  t.equal(dataHashOf(item, salt), 'We0jWuPFugSrqg0hMJ68pEaZRA7N7zZ2EsQ7_p8Rfdw')
  t.equal(dataHashOf(item, null), dataHashOf(item), 'no salt: v1')
  const leaf = leafOfHistory(README_ROW)
  t.equal(leafBytes(leaf).toString('utf8'),
    '{"action":"remove","dataHash":"We0jWuPFugSrqg0hMJ68pEaZRA7N7zZ2EsQ7_p8Rfdw","entryId":"SH-black-1","jti":"0b5c7d1e-2f3a-4b6c-8d9e-0f1a2b3c4d5e",' +
    '"listCode":"food-drug-serious-violation","owner":"SH","recordedAt":"2026-11-23T08:00:00.000Z","status":"removed","v":2,"version":2}')
  t.equal(leafHash(leafBytes(leaf)).toString('base64url'), '0t4xLByAAVjqjSg1ckCR5WOFUHH8iQJsuIoTKy5JLF4')
})
