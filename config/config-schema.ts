import { Type, type Static } from '@sinclair/typebox'

const HttpUrl = Type.String({ pattern: '^https?://[^\\s]+$', description: 'http(s) URL' })

/** A JWK as configured: only public EC P-256 and Ed25519 keys are of use to verify envelopes. */
const PublicJwk = Type.Object({
  kty: Type.String(),
  kid: Type.String({ minLength: 1 }),
  crv: Type.Optional(Type.String()),
  x: Type.Optional(Type.String()),
  y: Type.Optional(Type.String()),
  alg: Type.Optional(Type.String()),
  use: Type.Optional(Type.String())
}, { additionalProperties: true })

export const JwkSet = Type.Object({
  keys: Type.Array(PublicJwk, { minItems: 1 })
}, { additionalProperties: false })

/** `<config>/platforms/<ID>.json`: one provincial (or other) platform. */
export const PlatformConfig = Type.Object({
  id: Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$' }),
  name: Type.String({ minLength: 1 }),
  regionCode: Type.String({ pattern: '^\\d{6}$', description: 'Administrative division code of the region' }),
  adapter: Type.String({ minLength: 1, description: 'Name of the adapter that speaks to the platform' }),
  endpoint: HttpUrl,
  jwks: Type.Optional(JwkSet),
  jwksUrl: Type.Optional(HttpUrl),
  enabled: Type.Boolean({ default: true })
}, { additionalProperties: true })
export type PlatformConfig = Static<typeof PlatformConfig>

/** `<config>/admins.json`: keys whose bearer tokens carry admin roles. */
export const AdminIssuerConfig = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  roles: Type.Array(Type.Union([Type.Literal('admin'), Type.Literal('operator'), Type.Literal('auditor')]), { minItems: 1 }),
  jwks: Type.Optional(JwkSet),
  jwksUrl: Type.Optional(HttpUrl)
}, { additionalProperties: false })
export type AdminIssuerConfig = Static<typeof AdminIssuerConfig>

export const AdminsFile = Type.Object({
  issuers: Type.Array(AdminIssuerConfig)
}, { additionalProperties: false })

/** `<config>/gateway.json`: the gateway's own settings. */
export const GatewaySettings = Type.Object({
  clockSkewSeconds: Type.Integer({ minimum: 0, maximum: 300, default: 60 }),
  bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 8 * 1024 * 1024 }),
  readTokenMaxLifetimeSeconds: Type.Integer({ minimum: 60, maximum: 3600, default: 900 }),
  jwksCacheSeconds: Type.Integer({ minimum: 0, maximum: 86400, default: 600 }),
  jwksRefetchCooldownSeconds: Type.Integer({ minimum: 0, maximum: 3600, default: 30 })
}, { additionalProperties: false })
export type GatewaySettings = Static<typeof GatewaySettings>

/** Everything the config folder holds, validated. */
export interface GatewayConfig {
  dir: string
  platforms: PlatformConfig[]
  admins: AdminIssuerConfig[]
  settings: GatewaySettings
}
