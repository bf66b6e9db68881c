import t, { type Test } from 'tap'
import { compactVerify, createLocalJWKSet, createRemoteJWKSet } from 'jose'
import { DELIVERY_RECEIPT_TYP } from '../../contracts/delivery-receipt-v1.js'
import type { Delivery, PlatformAdapter } from '../../adapters/types.js'
import { createYrdPushAdapter } from '../../adapters/yrd-push/yrd-push-adapter.js'
import { gatewayKeysFrom, generatePrivateJwk } from '../../src/keys/signing-keys.js'
import { sampleEntry } from '../../sim/sample-entries.js'
import { SIM_REFUSAL, startSimulatedPlatform, type ReceiptMode } from '../../sim/platform-simulator.js'
import { FAST_POLICY, startDeliverySetup, waitFor, type DeliverySetup } from '../helpers/delivery-setup.js'
import type { Harness } from '../helpers/harness.js'
import { ID_NUMBER_SHAPE } from '../helpers/id-number-shape.js'

// Signed destination receipts (docs/protocol.md, "Receipts"), through the real gateway and simulated
// platforms: JS publishes its keys at a jwksUrl (rotation), AH inline, ZJ may still answer unsigned.

interface Row {
  status: string
  attempts: number
  last_error: string | null
  last_error_code: string | null
  receipt: Record<string, unknown> | null
}

let n = 0
async function publish (h: Harness): Promise<string> {
  n++
  const { jws, jti } = await h.sign('SH', { kind: 'list.upsert', items: [sampleEntry('SH', '310000', n, { person: true })] })
  const res = await h.post(jws)
  if (res.status !== 202) throw new Error(`publish failed: ${JSON.stringify(res.body)}`)
  return jti
}

async function deliveryTo (h: Harness, jti: string, destination: string): Promise<Row | undefined> {
  const { rows } = await h.db.query<Row>(
    'SELECT status, attempts, last_error, last_error_code, receipt FROM deliveries WHERE jti = $1 AND destination = $2', [jti, destination])
  return rows[0]
}

/** Publishes one message and waits until its delivery to `destination` is delivered or dead. */
async function settled (h: Harness, destination: string): Promise<{ jti: string, row: Row }> {
  const jti = await publish(h)
  const done = await waitFor(async () => ['delivered', 'dead'].includes((await deliveryTo(h, jti, destination))?.status ?? ''), 15_000)
  if (!done) throw new Error(`the delivery to ${destination} did not settle`)
  return { jti, row: await deliveryTo(h, jti, destination) as Row }
}

/** A message from SH as the gateway hands it to an adapter. */
const handedOver = (jti: string, destination: string, items: unknown[]): Delivery => ({
  deliveryId: jti,
  jti,
  kind: 'list.upsert',
  origin: 'SH',
  originDigest: 'A'.repeat(43),
  destination,
  items,
  receivedAt: new Date().toISOString(),
  resends: 0
})

async function setup (t: Test): Promise<DeliverySetup> {
  let jsKeys = ''
  const s = await startDeliverySetup(t, {
    settings: { jwksHttpHosts: ['127.0.0.1'] },
    policy: { timeoutMs: 5000 },
    platformOverrides: (p) => {
      if (p.id === 'JS') {
        jsKeys = p.healthUrl?.replace('/health', '/.well-known/jwks.json') ?? ''
        return { ...p, jwks: undefined, jwksUrl: jsKeys }
      }
      if (p.id === 'ZJ') return { ...p, delivery: { ...p.delivery, receipts: 'unsigned-allowed' } }
      return p
    }
  })
  t.ok(jsKeys.startsWith('http://127.0.0.1:'), 'JS publishes its keys at a URL')
  return s
}

t.test('signed receipts: verified against the platform\'s published keys, kept as evidence that verifies on its own', async (t) => {
  const { h, sim } = await setup(t)
  const jti = await publish(h)
  t.ok(await waitFor(async () => (await h.db.query("SELECT 1 FROM deliveries WHERE jti = $1 AND status = 'delivered'", [jti])).rowCount === 3, 15_000), 'delivered to all three')
  for (const id of ['JS', 'AH']) {
    const row = await deliveryTo(h, jti, id) as Row
    const evidence = row.receipt as Record<string, unknown>
    t.equal(evidence.signature, 'verified', `${id}: marked verified`)
    t.equal(evidence.kid, `${id.toLowerCase()}-key-1`, `${id}: signed with the platform's own key`)
    t.equal(evidence.jti, jti)
    // Independently of the gateway: the platform's public keys alone verify what was kept.
    const { payload, protectedHeader } = await compactVerify(String(evidence.receipt), createLocalJWKSet(sim(id).jwks))
    const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>
    t.equal(protectedHeader.typ, DELIVERY_RECEIPT_TYP)
    t.match(claims, { iss: id, aud: 'YRD', jti, digest: evidence.digest }, `${id}: the kept JWS names the message and its digest`)
    const attempt = await h.db.query<{ sent_digest: string, receipt: Record<string, unknown> }>(
      'SELECT a.sent_digest, a.receipt FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.jti = $1 AND d.destination = $2', [jti, id])
    t.equal(attempt.rows[0]?.receipt.receipt, evidence.receipt, `${id}: the attempt keeps the same JWS`)
    t.equal(attempt.rows[0]?.sent_digest, claims.digest, `${id}: the receipt's digest is what was sent`)
  }
  const detail = await h.app.inject({ url: `/v1/admin/messages/${jti}`, headers: { authorization: `Bearer ${await h.adminToken('auditor')}` } })
  t.equal(detail.statusCode, 200, 'the admin message view shows the new evidence')
  const shown = (detail.json() as { destinations: Array<{ receipt: { signature: string } }> }).destinations
  t.same(shown.map((d) => d.receipt.signature), ['verified', 'verified', 'verified'], 'every receipt shown as verified')
  const status = await h.app.inject({ url: `/v1/messages/${jti}`, headers: { authorization: `Bearer ${await h.platformToken('SH')}` } })
  t.equal(status.statusCode, 200, 'so does the message status')
})

t.test('a receipt that does not hold makes the delivery dead at once: ADAPTER_INVALID_RECEIPT', async (t) => {
  const { h, sim } = await setup(t)
  const bad: Array<[ReceiptMode, RegExp]> = [
    ['forged', /signature does not verify/],
    ['unknown-kid', /kid is not in the platform's key set/],
    ['wrong-typ', /typ must be yrd-delivery-receipt\+jwt/],
    ['wrong-jti', /jti does not match/],
    ['wrong-iss', /iss is not the platform/],
    ['wrong-aud', /aud must be YRD/],
    ['unsigned', /receipt not signed/]
  ]
  for (const [mode, reason] of bad) {
    sim('JS').receiptMode = mode
    const { row } = await settled(h, 'JS')
    t.match(row, { status: 'dead', attempts: 1, last_error_code: 'ADAPTER_INVALID_RECEIPT' }, `${mode}: dead after one attempt`)
    t.match(row.last_error, reason, `${mode}: says why`)
    t.notMatch(row.last_error, ID_NUMBER_SHAPE, `${mode}: no identity number in the reason`)
  }
  sim('JS').receiptMode = 'signed'
  sim('JS').failure = 'wrong-receipt'
  const digest = await settled(h, 'JS')
  t.match(digest.row, { status: 'dead', last_error_code: 'ADAPTER_INVALID_RECEIPT' }, 'a signed receipt for another digest: dead')
  t.match(digest.row.last_error, /digest does not match/)
  sim('JS').failure = 'none'
  t.match((await settled(h, 'JS')).row, { status: 'delivered' }, 'a good receipt again: delivered')
})

t.test('unsigned receipts only where the platform\'s policy allows them, marked as such; a bad signature is never excused', async (t) => {
  const { h, sim } = await setup(t)
  sim('ZJ').receiptMode = 'unsigned'
  const { jti, row } = await settled(h, 'ZJ')
  t.equal(row.status, 'delivered', 'ZJ (unsigned-allowed) answering unsigned: delivered')
  t.same(row.receipt, { jti, digest: row.receipt?.digest, signature: 'unsigned' }, 'the evidence says it was not signed')
  sim('ZJ').receiptMode = 'forged'
  t.match((await settled(h, 'ZJ')).row, { status: 'dead', last_error_code: 'ADAPTER_INVALID_RECEIPT' }, 'a forged signature from ZJ: dead all the same')
  sim('AH').receiptMode = 'unsigned'
  const ah = await settled(h, 'AH')
  t.match(ah.row, { status: 'dead', last_error_code: 'ADAPTER_INVALID_RECEIPT' }, 'AH (signed, the default) answering unsigned: dead')
  t.match(ah.row.last_error, /receipt not signed/)
})

t.test('the platform rotates its key: the new kid is fetched from its key set and its receipts verify', async (t) => {
  const { h, sim } = await setup(t)
  t.match((await settled(h, 'JS')).row.receipt, { signature: 'verified', kid: 'js-key-1' }, 'first key')
  await sim('JS').rotateKey()
  const rotated = await settled(h, 'JS')
  t.match(rotated.row, { status: 'delivered', receipt: { signature: 'verified', kid: 'js-key-2' } }, 'the new key, published next to the old one')
  const jwks = createRemoteJWKSet(new URL(`${sim('JS').url}/.well-known/jwks.json`))
  const { protectedHeader } = await compactVerify(String(rotated.row.receipt?.receipt), jwks)
  t.equal(protectedHeader.kid, 'js-key-2', 'the kept receipt verifies against the platform\'s published set')
})

t.test('per-item outcome: the platform applies every item but the first, and its signed receipt says so', async (t) => {
  const keys = await gatewayKeysFrom([await generatePrivateJwk('ES256', 'gw-items')])
  const sim = await startSimulatedPlatform({ id: 'JS', alg: 'EdDSA' })
  t.teardown(async () => { await sim.close() })
  sim.trustGateway(keys.jwks)
  sim.failure = 'refuse-first-item'
  const platform = {
    id: 'JS', name: 'JS', regionCode: '320000', adapter: 'yrd-push', endpoint: `${sim.url}/yrd/v1/deliveries`, enabled: true, delivery: FAST_POLICY
  }
  const adapterWith = (receipts: 'signed' | 'unsigned-allowed'): PlatformAdapter => createYrdPushAdapter({
    platform,
    policy: { ...FAST_POLICY, timeoutMs: 5000, receipts },
    sign: keys.sign,
    secrets: {},
    platformKeys: createLocalJWKSet(sim.jwks)
  })
  const signed = adapterWith('signed')
  t.teardown(async () => { await signed.close() })
  const delivery = (jti: string): Delivery => handedOver(jti, 'JS', [1, 2, 3].map((i) => sampleEntry('SH', '310000', 100 + i)))
  const receipt = await signed.deliver(delivery('SH-items-1'))
  t.same(receipt.refused, [{ index: 0, code: SIM_REFUSAL.code, reason: SIM_REFUSAL.reason }], 'the first item refused, with the platform\'s code and words')
  t.same([...sim.held.keys()].sort(), ['SH:SH-black-102', 'SH:SH-black-103'], 'the platform applied the others')
  t.match(receipt.evidence, {
    signature: 'verified',
    items: [{ index: 0, outcome: 'refused', code: SIM_REFUSAL.code }, { index: 1, outcome: 'applied' }, { index: 2, outcome: 'applied' }]
  }, 'the per-item outcome is kept with the signed receipt')

  sim.receiptMode = 'unsigned'
  const unsigned = adapterWith('unsigned-allowed')
  t.teardown(async () => { await unsigned.close() })
  const legacy = await unsigned.deliver(delivery('SH-items-2'))
  t.same(legacy.refused, [{ index: 0, ...SIM_REFUSAL }], 'the unsigned form carries per-item outcomes too')
  t.equal(legacy.evidence.signature, 'unsigned')

  sim.failure = 'none'
  sim.receiptMode = 'signed'
  t.equal((await signed.deliver(delivery('SH-items-3'))).refused, undefined, 'no refusal: none returned')
})

t.test('the platform\'s key set cannot be fetched: retried, since the receipt may well be good', async (t) => {
  const keys = await gatewayKeysFrom([await generatePrivateJwk('ES256', 'gw-unfetched')])
  const sim = await startSimulatedPlatform({ id: 'AH', alg: 'EdDSA' })
  t.teardown(async () => { await sim.close() })
  sim.trustGateway(keys.jwks)
  const platform = {
    id: 'AH', name: 'AH', regionCode: '340000', adapter: 'yrd-push', endpoint: `${sim.url}/yrd/v1/deliveries`, enabled: true, delivery: FAST_POLICY
  }
  const at = async (url: string, jti: string): Promise<unknown> => {
    const adapter = createYrdPushAdapter({
      platform,
      policy: { ...FAST_POLICY, timeoutMs: 5000 },
      sign: keys.sign,
      secrets: {},
      platformKeys: createRemoteJWKSet(new URL(url))
    })
    try {
      return await adapter.deliver(handedOver(jti, 'AH', [sampleEntry('SH', '310000', 200)]))
    } catch (err) {
      return err
    } finally {
      await adapter.close()
    }
  }
  t.match(await at(`${sim.url}/no-such-key-set`, 'SH-unfetched-1'), { code: 'ADAPTER_UNAVAILABLE', retryable: true }, 'answered 404')
  t.match(await at(`${sim.url}/health`, 'SH-unfetched-2'), { code: 'ADAPTER_UNAVAILABLE', retryable: true }, 'not a key set')
  t.match(await at(`${sim.url}/.well-known/jwks.json`, 'SH-unfetched-3'), { evidence: { signature: 'verified' } }, 'fetched: verified')
})
