import { join } from 'node:path'
import { ConfigError } from '../../config/config-error.js'
import type { GatewayConfig } from '../../config/config-schema.js'

/** Every configured `jwksUrl`, with the file and field an operator would fix. */
function jwksUrlsOf (config: GatewayConfig): Array<{ url: string, file: string, field: string }> {
  const at = (file: string): string => join(config.dir, file)
  return [
    ...config.platforms.map((p) => ({ url: p.jwksUrl, file: at(join('platforms', `${p.id}.json`)), field: '/jwksUrl' })),
    ...config.admins.map((a, i) => ({ url: a.jwksUrl, file: at('admins.json'), field: `/issuers/${i}/jwksUrl` })),
    ...(config.checkers ?? []).map((c, i) => ({ url: c.jwksUrl, file: at('checkers.json'), field: `/issuers/${i}/jwksUrl` }))
  ].filter((u): u is { url: string, file: string, field: string } => u.url !== undefined)
}

/**
 * Refuses a `jwksUrl` that is not https: whoever can alter a plain-http answer on the way chooses
 * the keys the gateway trusts for that issuer. Outside production, plain http is allowed to the
 * hosts listed in `jwksHttpHosts` (local simulators, tests); in production, never.
 * @throws ConfigError naming the file and the field.
 */
export function checkJwksUrls (config: GatewayConfig, production: boolean): void {
  const allowed = new Set(config.settings.jwksHttpHosts.map((h) => h.toLowerCase()))
  for (const { url, file, field } of jwksUrlsOf(config)) {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new ConfigError(file, field, 'not a URL')
    }
    if (parsed.protocol === 'https:') continue
    if (parsed.protocol !== 'http:') throw new ConfigError(file, field, 'must be an https URL')
    if (production) throw new ConfigError(file, field, 'must be https in production (plain http lets anyone on the way substitute the issuer\'s keys)')
    if (!allowed.has(parsed.hostname.toLowerCase())) {
      throw new ConfigError(file, field, `must be https; plain http only to a host listed in gateway.json jwksHttpHosts (${parsed.hostname} is not), and never in production`)
    }
  }
}
