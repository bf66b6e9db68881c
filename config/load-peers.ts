import { existsSync, readdirSync } from 'node:fs'
import { basename, join } from 'node:path'
import { ConfigError } from './config-error.js'
import { PeerConfig } from './peer-schema.js'
import { readJson, validated } from './read-config-file.js'

type KeyHolder = { jwks?: { keys: Array<{ kty: string, crv?: string | undefined }> }, jwksUrl?: unknown }

/**
 * Loads `<dir>/peers/*.json` when the folder exists (none by default). A peer's id is its file name,
 * and neither it nor any of its origins may name a platform of this gateway, the gateway itself, or
 * another peer's origin: an owner id names one publisher across every gateway that holds its entries.
 * `checkKeys` is the platforms' key check (either `jwks` or `jwksUrl`, SM2 points on the curve).
 */
export function loadPeers (
  dir: string, platformIds: readonly string[], gatewayId: string,
  checkKeys: (file: string, at: string, holder: KeyHolder) => void
): PeerConfig[] {
  const folder = join(dir, 'peers')
  if (!existsSync(folder)) return []
  const taken = new Map<string, string>([...platformIds.map((id): [string, string] => [id, 'a platform']), [gatewayId, 'the gateway']])
  return readdirSync(folder).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const file = join(folder, f)
    const peer = validated(PeerConfig, readJson(file), file)
    if (peer.id !== basename(f, '.json')) throw new ConfigError(file, '/id', `must equal the file name (${basename(f, '.json')})`)
    const clash = taken.get(peer.id)
    if (clash !== undefined) throw new ConfigError(file, '/id', `${peer.id} already names ${clash}`)
    taken.set(peer.id, 'a peer gateway')
    checkKeys(file, '', peer)
    for (const [id, origin] of Object.entries(peer.origins)) {
      const at = `/origins/${id}`
      const other = taken.get(id)
      if (other !== undefined) throw new ConfigError(file, at, `${id} already names ${other}`)
      taken.set(id, `an origin of ${peer.id}`)
      checkKeys(file, at, origin)
    }
    return peer
  })
}
