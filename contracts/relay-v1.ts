import { Type, type Static } from '@sinclair/typebox'

/** The JWS `typ` of a relay: a message one gateway hands another (issue 18, docs/federation.md). */
export const RELAY_TYP = 'yrd-relay+jwt'
/** Most gateways a message may pass: a longer path is refused as a loop that hid itself. */
export const MAX_VIA = 8

const GatewayIdV1 = Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$', description: 'A gateway\'s id (this one is YRD)' })

/**
 * The payload of a relay, a compact JWS signed by the relaying gateway's key. It carries the original
 * publisher's signed envelope unchanged, so any receiver can check who published it against the
 * publisher's own keys, whatever the number of hops.
 */
export const RelayClaimsV1 = Type.Object({
  iss: GatewayIdV1,
  aud: GatewayIdV1,
  jti: Type.String({ minLength: 1, maxLength: 128, description: 'The relay\'s own id, unique per relaying gateway' }),
  iat: Type.Integer(),
  exp: Type.Integer(),
  via: Type.Array(GatewayIdV1, {
    minItems: 1,
    maxItems: MAX_VIA,
    description: 'The gateways the message passed, in order: first the one it was published to (the envelope\'s aud), last the relaying one (iss)'
  }),
  origin: Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$', description: 'The original publisher: the envelope\'s iss' }),
  envelope: Type.String({ minLength: 1, description: 'The original publisher\'s compact JWS envelope, byte for byte as it was published' })
}, { additionalProperties: false, $id: 'RelayClaimsV1' })
export type RelayClaimsV1 = Static<typeof RelayClaimsV1>
