import { Type, type Static } from '@sinclair/typebox'
import { EnvelopeKindV1 } from '../contracts/envelope-v1.js'
import { DeliveryPolicy, JwkSet } from './config-schema.js'

const HttpUrl = Type.String({ pattern: '^https?://[^\\s]+$', description: 'http(s) URL' })
const Code = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' })

/**
 * What may cross to or from a peer gateway: messages of these kinds, and of list entries only those
 * whose list code or domain is named (an empty or absent list means any). A message passes when one
 * rule of its direction admits every item of it.
 */
export const ShareRule = Type.Object({
  kinds: Type.Array(EnvelopeKindV1, { minItems: 1, uniqueItems: true }),
  listCodes: Type.Optional(Type.Array(Code, { uniqueItems: true, description: 'List codes (registry `listCode`); absent: any' })),
  domains: Type.Optional(Type.Array(Code, { uniqueItems: true, description: 'Domains (registry `domain`); absent: any' }))
}, { additionalProperties: false })
export type ShareRule = Static<typeof ShareRule>

/** A platform behind a peer gateway whose envelopes the peer may relay, with the keys it signs them with. */
export const PeerOrigin = Type.Object({
  regionCode: Type.String({ pattern: '^\\d{6}$', description: 'Administrative division code of the origin (000000: national)' }),
  name: Type.Optional(Type.String({ minLength: 1 })),
  jwks: Type.Optional(JwkSet),
  jwksUrl: Type.Optional(HttpUrl)
}, { additionalProperties: false })
export type PeerOrigin = Static<typeof PeerOrigin>

/**
 * `<config>/peers/<ID>.json`: another gateway (the national platform `CN`, another region's exchange
 * such as `JJJ`), talked to as a peer (issue 18, docs/federation.md). A peer is not a platform: it owns
 * no entry here; what it relays keeps its original publisher (one of its `origins`) as owner.
 */
export const PeerConfig = Type.Object({
  id: Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$', description: 'The peer gateway\'s id, as it names itself (`iss` of what it relays)' }),
  name: Type.String({ minLength: 1 }),
  endpoint: Type.Optional(Type.String({
    ...HttpUrl, description: 'The peer gateway\'s base URL: relays to it are POSTed to <endpoint>/v1/relay; absent, nothing is relayed to it'
  })),
  jwks: Type.Optional(JwkSet),
  jwksUrl: Type.Optional(HttpUrl),
  enabled: Type.Boolean({ default: true }),
  paused: Type.Boolean({ default: false, description: 'Refuse what it relays (503, retryable) and relay nothing to it, until unpaused' }),
  origins: Type.Record(Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$' }), PeerOrigin, {
    description: 'The platforms behind the peer whose envelopes it may relay, by id, with their keys: what proves who published'
  }),
  delivery: Type.Optional(DeliveryPolicy),
  healthUrl: Type.Optional(HttpUrl),
  shareScopes: Type.Optional(Type.Array(Type.Union([Type.Literal('all-platforms'), Type.Literal('authorised-departments')]), {
    uniqueItems: true,
    description: 'Catalogue share scopes the peer is authorised to receive (default both); a message with a field outside them is not relayed (dead, with the reason): the publisher\'s signature covers every field'
  })),
  share: Type.Object({
    down: Type.Array(ShareRule, { description: 'What the peer may relay to this gateway' }),
    up: Type.Array(ShareRule, { description: 'What this gateway relays to the peer' })
  }, { additionalProperties: false })
}, { additionalProperties: false })
export type PeerConfig = Static<typeof PeerConfig>
