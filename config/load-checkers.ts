import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from './config-error.js'
import { readJson, validated } from './read-config-file.js'
import { CheckersFileSchema, type CheckerIssuerConfig } from './checker-schema.js'
import { issuerIdProblem } from './issuer-id.js'
import { GATEWAY_ID } from '../contracts/envelope-v1.js'

/**
 * Loads `<dir>/checkers.json` when present: the department systems allowed to check before
 * deciding. Each names an enabled-or-not configured platform as its home and has keys; its id may
 * not be a platform's or an admin issuer's (a token's `iss` must name one party), nor hold a `:`
 * (see issuer-id.ts).
 */
export function loadCheckers (
  dir: string, platformIds: readonly string[], adminIds: readonly string[]
): CheckerIssuerConfig[] {
  const file = join(dir, 'checkers.json')
  if (!existsSync(file)) return []
  const checkers = validated(CheckersFileSchema, readJson(file), file).issuers
  const seen = new Set<string>()
  checkers.forEach((c, i) => {
    const at = `/issuers/${i}`
    if (c.jwks === undefined && c.jwksUrl === undefined) throw new ConfigError(file, `${at}/jwks`, 'either jwks or jwksUrl is required')
    if (!platformIds.includes(c.platform)) throw new ConfigError(file, `${at}/platform`, `no platform ${c.platform}`)
    const idProblem = issuerIdProblem(c.id)
    if (idProblem !== undefined) throw new ConfigError(file, `${at}/id`, idProblem)
    if (platformIds.includes(c.id) || adminIds.includes(c.id) || c.id === GATEWAY_ID) throw new ConfigError(file, `${at}/id`, `${c.id} already names a platform, an admin issuer or the gateway`)
    if (seen.has(c.id)) throw new ConfigError(file, `${at}/id`, `duplicate checker ${c.id}`)
    seen.add(c.id)
  })
  return checkers
}
