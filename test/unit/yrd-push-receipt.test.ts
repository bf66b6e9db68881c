import t from 'tap'
import { CompactSign, createLocalJWKSet, importJWK, type CryptoKey, type JWK } from 'jose'
import { AdapterError, type AdapterContext, type Delivery } from '../../adapters/types.js'
import { receiptReader } from '../../adapters/yrd-push/yrd-push-receipt.js'
import { DEFAULT_DELIVERY } from '../../config/config-schema.js'
import { DELIVERY_RECEIPT_TYP } from '../../contracts/delivery-receipt-v1.js'
import { generatePrivateJwk, publicPart } from '../../src/keys/signing-keys.js'
import { sampleIdNumber } from '../../sim/sample-entries.js'

// The reader's own rules, on receipts signed here with real keys (no platform, no I/O).

const DIGEST = 'a'.repeat(43)
const delivery: Delivery = {
  deliveryId: 'd1',
  jti: 'SH-1',
  kind: 'list.upsert',
  origin: 'SH',
  originDigest: DIGEST,
  destination: 'JS',
  items: [{}, {}, {}],
  receivedAt: '2026-01-01T00:00:00.000Z',
  resends: 0
}

const es = await generatePrivateJwk('ES256', 'js-es')
const ed = await generatePrivateJwk('EdDSA', 'js-ed')
const keys = createLocalJWKSet({ keys: [publicPart(es), publicPart(ed)] })

function context (receipts: 'signed' | 'unsigned-allowed' = 'signed', withKeys = true): AdapterContext {
  return {
    platform: {
      id: 'JS', name: 'JS', regionCode: '320000', adapter: 'yrd-push', endpoint: 'http://127.0.0.1:9/x', enabled: true, delivery: DEFAULT_DELIVERY
    },
    policy: { ...DEFAULT_DELIVERY, receipts },
    sign: async () => '',
    secrets: {},
    platformKeys: withKeys ? keys : undefined
  }
}

async function signed (
  claims: object, header: Record<string, unknown> = {}, jwk: JWK = es
): Promise<{ receipt: string }> {
  const alg = jwk.kty === 'OKP' ? 'EdDSA' : 'ES256'
  const key = await importJWK(jwk, alg) as CryptoKey
  const receipt = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg, kid: String(jwk.kid), typ: DELIVERY_RECEIPT_TYP, ...header })
    .sign(key)
  return { receipt }
}

const good = { iss: 'JS', aud: 'YRD', jti: 'SH-1', digest: DIGEST, iat: 1_767_225_600 }

async function refusal (answer: unknown, ctx = context()): Promise<AdapterError> {
  try {
    await receiptReader(ctx)(answer, delivery, DIGEST)
  } catch (err) {
    if (err instanceof AdapterError) return err
    throw err
  }
  throw new Error('the receipt was taken')
}

t.test('per-item outcomes: refusals returned with their words scrubbed, indices checked', async (t) => {
  const id = sampleIdNumber('320000', 7)
  const items = [
    { index: 2, outcome: 'refused', code: 'R1', reason: `holder ${id} unknown` },
    { index: 0, outcome: 'applied' }
  ]
  const r = await receiptReader(context())(await signed({ ...good, items }, {}, ed), delivery, DIGEST)
  t.match(r.refused, [{ index: 2, code: 'R1', reason: /^holder \S+ unknown$/ }], 'the refused item, in the platform\'s words')
  t.equal(r.refused?.length, 1)
  t.notOk(JSON.stringify(r.refused).includes(id), 'no identity number in the refusal')
  t.notOk(JSON.stringify(r.evidence.items).includes(id), 'nor in the outcomes kept in clear')
  t.match(r.evidence, { signature: 'verified', kid: 'js-ed', alg: 'EdDSA', jti: 'SH-1', digest: DIGEST })

  for (const [bad, why] of [
    [[{ index: 3, outcome: 'applied' }], /index 3 is beyond the 3 items sent/],
    [[{ index: 1, outcome: 'applied' }, { index: 1, outcome: 'refused', code: 'X' }], /index 1 named twice/],
    [[{ index: 0, outcome: 'refused' }], /refused item 0 has no code/],
    [[{ index: -1, outcome: 'applied' }], /claims invalid at \/items\/0\/index/],
    [[{ index: 0.5, outcome: 'applied' }], /claims invalid at \/items\/0\/index/]
  ] as const) {
    const err = await refusal(await signed({ ...good, items: bad }))
    t.match(err, { code: 'ADAPTER_INVALID_RECEIPT', retryable: false, message: why })
  }
  const legacy = await refusal({ jti: 'SH-1', digest: DIGEST, items: [{ index: 9, outcome: 'applied' }] }, context('unsigned-allowed'))
  t.match(legacy, { code: 'ADAPTER_INVALID_RECEIPT', message: /index 9/ }, 'the unsigned form is checked alike')
})

t.test('the header is judged before any key is looked up; the alg must suit the key', async (t) => {
  const cases: Array<[unknown, RegExp]> = [
    [{ receipt: 42 }, /not a compact JWS/],
    [{ receipt: 'a.b' }, /not a compact JWS/],
    [await signed(good, { jwk: publicPart(es) }), /jwk header parameters are not accepted/],
    [await signed(good, { typ: 'JWT' }), /typ must be/],
    [await signed(good, { kid: '' }), /needs a kid/],
    // An ES256 signature under the Ed25519 key's kid: no key of the set takes it.
    [await signed(good, { kid: 'js-ed' }), /kid is not in the platform's key set/],
    [await signed({ ...good, iat: undefined }), /needs iat/],
    [await signed({ ...good, digest: 'b'.repeat(43) }), /digest does not match/]
  ]
  for (const [answer, why] of cases) t.match(await refusal(answer), { code: 'ADAPTER_INVALID_RECEIPT', message: why })
  const payload = (await signed(good)).receipt.split('.')[1] ?? ''
  const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: DELIVERY_RECEIPT_TYP, kid: 'js-es' })).toString('base64url')}.${payload}.`
  t.match(await refusal({ receipt: none }), { code: 'ADAPTER_INVALID_RECEIPT', message: /alg not allowed/ })
  t.match(await refusal(await signed(good), context('signed', false)), { code: 'ADAPTER_INTERNAL', retryable: false },
    'no key set handed to the adapter: the gateway\'s fault, said as such')
  t.match(await refusal({ jti: 'SH-1', digest: DIGEST }), { code: 'ADAPTER_INVALID_RECEIPT', message: /receipt not signed/ })
  const legacy = await receiptReader(context('unsigned-allowed'))({ jti: 'SH-1', digest: DIGEST, extra: 'x' }, delivery, DIGEST)
  t.same(legacy.evidence, { jti: 'SH-1', digest: DIGEST, signature: 'unsigned' }, 'unsigned evidence: its fields only, marked')
})
