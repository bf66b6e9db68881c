import { readFileSync } from 'node:fs'

/**
 * The secrets of one platform's adapter, from environment variables `GW_<ID>_<NAME>` (for example
 * `GW_SH_APP_SECRET` → `APP_SECRET`), or `GW_<ID>_<NAME>_FILE` naming a file that holds the value.
 */
export function platformSecrets (platformId: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const prefix = `GW_${platformId}_`
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(prefix) || value === undefined) continue
    const name = key.slice(prefix.length)
    if (name.endsWith('_FILE')) out[name.slice(0, -5)] = readFileSync(value, 'utf8').trim()
    else out[name] = value
  }
  return out
}
