import { readdirSync, existsSync } from 'node:fs'
import { join, resolve, dirname, basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConfigError } from './config-error.js'
import { readJson, validated } from './read-config-file.js'
import {
  AdminsFile, GatewaySettings, PlatformConfig, type GatewayConfig
} from './config-schema.js'
import { loadRegistries } from './load-registries.js'
import { loadCheckers } from './load-checkers.js'
import { loadPeers } from './load-peers.js'
import { loadCalendars } from './load-calendars.js'
import { issuerIdProblem } from './issuer-id.js'
import { Sm2KeyError, sm2PublicKey, type Sm2Jwk } from '../src/keys/sm2.js'
import { GATEWAY_ID } from '../contracts/envelope-v1.js'

/** The committed defaults: `config/` at the package root (this file lives in `dist/config/`). */
export function defaultConfigDir (): string {
  const here = dirname(fileURLToPath(import.meta.url))
  const candidates = [resolve(here, '..', '..', 'config'), resolve(here)]
  return candidates.find((c) => existsSync(join(c, 'platforms'))) ?? candidates[0] as string
}

function checkKeys (
  file: string, at: string,
  holder: { jwks?: { keys: Array<{ kty: string, crv?: string | undefined }> }, jwksUrl?: unknown }
): void {
  if (holder.jwks === undefined && holder.jwksUrl === undefined) throw new ConfigError(file, `${at}/jwks`, 'either jwks or jwksUrl is required')
  // An SM2 key is read now, not at the first envelope: a point off the curve stops start-up.
  holder.jwks?.keys.forEach((k, i) => {
    if (k.kty !== 'EC' || k.crv !== 'SM2') return
    try {
      sm2PublicKey(k as unknown as Sm2Jwk)
    } catch (err) {
      if (!(err instanceof Sm2KeyError)) throw err
      throw new ConfigError(file, `${at}/jwks/keys/${i}`, err.message)
    }
  })
}

function loadPlatforms (dir: string): PlatformConfig[] {
  const folder = join(dir, 'platforms')
  if (!existsSync(folder)) throw new ConfigError(folder, '', 'folder missing')
  const files = readdirSync(folder).filter((f) => f.endsWith('.json')).sort()
  if (files.length === 0) throw new ConfigError(folder, '', 'no platform files')
  return files.map((f) => {
    const file = join(folder, f)
    const p = validated(PlatformConfig, readJson(file), file)
    if (p.id !== basename(f, '.json')) throw new ConfigError(file, '/id', `must equal the file name (${basename(f, '.json')})`)
    if (p.id === GATEWAY_ID) throw new ConfigError(file, '/id', `${GATEWAY_ID} is the gateway itself`)
    checkKeys(file, '', p)
    p.jwks?.keys.forEach((k, i) => {
      const ok = (k.kty === 'EC' && (k.crv === 'P-256' || k.crv === 'SM2')) || (k.kty === 'OKP' && k.crv === 'Ed25519')
      if (!ok) throw new ConfigError(file, `/jwks/keys/${i}`, 'only EC P-256 (ES256), OKP Ed25519 (EdDSA) and EC SM2 (SM2-SM3) keys are allowed')
      if ('d' in k) throw new ConfigError(file, `/jwks/keys/${i}/d`, 'a platform file holds public keys only')
    })
    return p
  })
}

/**
 * Loads and validates a config folder (`config/` or `GW_CONFIG_DIR`). Any file that does not
 * validate stops start-up with a ConfigError naming the file and the field.
 */
export function loadConfig (dir: string = process.env.GW_CONFIG_DIR ?? defaultConfigDir()): GatewayConfig {
  const platforms = loadPlatforms(dir)
  const gatewayFile = join(dir, 'gateway.json')
  const settings = validated(GatewaySettings, existsSync(gatewayFile) ? readJson(gatewayFile) : {}, gatewayFile)
  const adminsFile = join(dir, 'admins.json')
  const admins = existsSync(adminsFile) ? validated(AdminsFile, readJson(adminsFile), adminsFile).issuers : []
  admins.forEach((a, i) => {
    checkKeys(adminsFile, `/issuers/${i}`, a)
    const idProblem = issuerIdProblem(a.id)
    if (idProblem !== undefined) throw new ConfigError(adminsFile, `/issuers/${i}/id`, idProblem)
  })
  const registries = existsSync(join(dir, 'registries')) ? loadRegistries(dir) : undefined
  const checkers = loadCheckers(dir, platforms.map((p) => p.id), admins.map((a) => a.id))
  const calendar = existsSync(join(dir, 'calendars')) ? loadCalendars(dir) : undefined
  const peers = loadPeers(dir, platforms.map((p) => p.id), GATEWAY_ID, checkKeys)
  return {
    dir,
    platforms,
    admins,
    settings,
    ...(registries === undefined ? {} : { registries }),
    ...(calendar === undefined ? {} : { calendar }),
    checkers,
    ...(peers.length === 0 ? {} : { peers })
  }
}

export { ConfigError }
