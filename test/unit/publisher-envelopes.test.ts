import t from 'tap'
import { publisherEnvelopeOf } from '../../src/federation/publisher-envelopes.js'
import { attestNative } from '../../src/native/attest-native.js'
import { shieldEnvelope } from '../../src/privacy/shielded-envelope.js'
import { platformSigner, signEnvelope } from '../../src/envelopes/sign-envelope.js'
import { gatewayKeysFrom, generatePrivateJwk } from '../../src/keys/signing-keys.js'
import { signRelay } from '../../src/federation/relay-message.js'
import { sampleEntry } from '../../sim/sample-entries.js'

// Issue 18: what the ledger keeps of a message, as a relay to a peer nests it and a delivery of a
// relayed message carries it: the publisher's compact JWS (a flattened one joined, losing nothing
// signed), the path it came by, and nothing at all once repair erased personal fields from it.

const at = new Date('2026-12-01T08:00:00Z')
const sh = await platformSigner('SH', await generatePrivateJwk('ES256', 'sh-1'))
const gateway = await gatewayKeysFrom([await generatePrivateJwk('ES256', 'gw-1')])
const items = [sampleEntry('SH', '310000', 1, { now: at })]

t.test('compact as kept; flattened joined into the same compact form', async (t) => {
  const compact = await signEnvelope(sh, { kind: 'list.upsert', items, jti: 'SH-1' })
  t.same(publisherEnvelopeOf({ jws: compact.jws, relay: null }), { jws: compact.jws, via: [], attested: false })
  const flat = await signEnvelope(sh, { kind: 'list.upsert', items, jti: 'SH-2' }, 'flattened')
  const { protected: head, payload, signature } = JSON.parse(flat.jws) as Record<string, string>
  t.same(publisherEnvelopeOf({ jws: flat.jws, relay: null }), { jws: `${head}.${payload}.${signature}`, via: [], attested: false })
})

t.test('a relayed message names the path it came by; an attested native one says so; a shielded one is gone', async (t) => {
  const compact = await signEnvelope(sh, { kind: 'list.upsert', items, jti: 'SH-3', aud: 'JJJ' })
  const relay = await signRelay(gateway, { from: 'CN', to: 'YRD', envelope: compact.jws, origin: 'SH', via: ['JJJ'] })
  t.same(publisherEnvelopeOf({ jws: compact.jws, relay: relay.jws })?.via, ['JJJ', 'CN'])
  const native = await attestNative(gateway.sign, {
    platform: 'SH', adapter: 'sh-rest', auth: 'hmac-sha256', msgId: 'SH-4', kind: 'list.upsert', items, body: Buffer.from('{}')
  }, at.getTime())
  t.equal(publisherEnvelopeOf({ jws: native.raw, relay: null })?.attested, true)
  const shielded = shieldEnvelope(compact.jws, (item) => item, at)
  t.equal(publisherEnvelopeOf({ jws: shielded, relay: null }), undefined)
})
