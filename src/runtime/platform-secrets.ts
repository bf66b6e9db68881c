import { secretFromEnv } from './secret-file.js'

/**
 * The secrets of one platform's adapter, from environment variables `GW_<ID>_<NAME>` (for example
 * `GW_SH_APP_SECRET` → `APP_SECRET`), or `GW_<ID>_<NAME>_FILE` naming a file that holds the value
 * (its trailing newline trimmed). Both forms of one secret at once stop start-up, naming it.
 */
export function platformSecrets (platformId: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const prefix = `GW_${platformId}_`
  const names = new Set(Object.keys(env).filter((k) => k.startsWith(prefix) && k.length > prefix.length)
    .map((k) => k.slice(prefix.length).replace(/_FILE$/, '')).filter((n) => n !== ''))
  const out: Record<string, string> = {}
  for (const name of names) {
    const value = secretFromEnv(env, `${prefix}${name}`)
    if (value !== undefined) out[name] = value
  }
  return out
}
