import { ConfigError } from '../../config/config-error.js'
import type { PlatformConfig } from '../../config/config-schema.js'
import { parseMacKey, parseSm4Key } from './ah-xml-crypto.js'

/** The keys of one direction: SM4 to encrypt, SM3-HMAC to authenticate (none in legacy mode). */
export interface AhDirectionKeys { enc: Buffer, mac: Buffer | undefined }

/**
 * Every key the gateway holds for one platform, by direction: `out` seals what the gateway sends
 * (deliveries, export queries), `in` opens what the platform sends (native publications, export
 * answers). A key never serves both directions, so an oracle on one side cannot read the other.
 */
export interface AhKeys { legacy: boolean, out: AhDirectionKeys, in: AhDirectionKeys }

/** The `ahXml` options of a platform's config, with their defaults. */
export interface AhXmlOptions { legacyCbc: boolean, inboundBodyLimitBytes: number }

/** Default largest inbound message: 1,000 typical records, base64, fit; an 8 MiB flood does not. */
export const DEFAULT_INBOUND_BODY_LIMIT = 4 * 1024 * 1024

export function ahXmlOptions (p: PlatformConfig): AhXmlOptions {
  return {
    legacyCbc: p.ahXml?.legacyCbc === true,
    inboundBodyLimitBytes: p.ahXml?.inboundBodyLimitBytes ?? DEFAULT_INBOUND_BODY_LIMIT
  }
}

/**
 * Reads the keys from the platform's secrets (environment `GW_<ID>_<NAME>`): `SM4_KEY_OUT` (the
 * old `SM4_KEY` is read as this one, so a deployment keeps the key the platform already decrypts
 * with), `SM4_KEY_IN`, and, unless `legacy`, `MAC_KEY_OUT` and `MAC_KEY_IN`. Throws, naming the
 * secret, when one is missing, malformed or used for both directions.
 */
export function ahKeys (secrets: Readonly<Record<string, string>>, platformId: string, legacy: boolean): AhKeys {
  const env = (name: string): string => `${name} (environment GW_${platformId}_${name})`
  // Missing or malformed, named by its environment variable (the value itself is never shown).
  const secretError = (name: string, reason: string): ConfigError => new ConfigError('environment', `GW_${platformId}_${name}`,
    reason, secrets[name] === undefined || secrets[name] === '' ? 'SECRET_MISSING' : 'SECRET_INVALID')
  const key = (name: string, parse: (hex: string | undefined, what: string) => Buffer, why = ''): Buffer => {
    try {
      return parse(secrets[name], env(name))
    } catch (err) {
      throw secretError(name, `${(err as Error).message}${why}`)
    }
  }
  const outName = secrets.SM4_KEY_OUT === undefined && secrets.SM4_KEY !== undefined ? 'SM4_KEY' : 'SM4_KEY_OUT'
  const encOut = key(outName, parseSm4Key)
  const encIn = key('SM4_KEY_IN', parseSm4Key)
  if (encIn.equals(encOut)) throw secretError('SM4_KEY_IN', `ah-xml: ${env('SM4_KEY_IN')} must differ from ${env(outName)}: one key per direction`)
  if (legacy) return { legacy, out: { enc: encOut, mac: undefined }, in: { enc: encIn, mac: undefined } }
  const legacyOnly = '; only a platform configured with "ahXml": { "legacyCbc": true } (the weaker protocol 1.0) goes without'
  const macOut = key('MAC_KEY_OUT', parseMacKey, legacyOnly)
  const macIn = key('MAC_KEY_IN', parseMacKey, legacyOnly)
  if (macIn.equals(macOut)) throw secretError('MAC_KEY_IN', `ah-xml: ${env('MAC_KEY_IN')} must differ from ${env('MAC_KEY_OUT')}: one key per direction`)
  return { legacy, out: { enc: encOut, mac: macOut }, in: { enc: encIn, mac: macIn } }
}

/** The same keys seen from the platform's side: what the gateway sends out, it receives in. */
export const mirrored = (k: AhKeys): AhKeys => ({ legacy: k.legacy, out: k.in, in: k.out })
