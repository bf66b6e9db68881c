import type { PlatformAdapter } from '../../adapters/types.js'
import { adapterFactory } from '../../adapters/registry.js'
import { loadConfig } from '../../config/load-config.js'
import { loadGatewayKeys } from '../keys/signing-keys.js'
import { migrate } from '../ledger/migrate.js'
import { createPool } from '../ledger/pool.js'
import { runtimeFromEnv } from '../runtime/runtime-options.js'
import { platformSecrets } from '../runtime/platform-secrets.js'
import { knownLists, runReconciliation, type RunResult } from './reconcile-service.js'
import { replicasOf } from './replica-platforms.js'
import { createYrdRelayAdapter } from '../../adapters/yrd-relay/yrd-relay-adapter.js'
import { peerDestination, relayedTo } from '../federation/peer-destinations.js'
import { buildKeyDirectory } from '../keys/platform-keys.js'
import { publisherEnvelopes } from '../federation/publisher-envelopes.js'
import { configShares } from './fingerprint-scope.js'

export interface ReconcileCliOptions {
  owner?: string
  list?: string
  platform?: string
  method?: 'range' | 'export'
  findings?: boolean
  by: string
}

/**
 * `credit-gw reconcile`: runs reconciliation now from the command line, with the gateway's config,
 * key (GW_SIGNING_KEY_FILE: platforms verify reconciliation requests against the gateway's keys)
 * and adapter secrets; every run is stored like the API's. Without `--owner`/`--list`, every known
 * list. Prints one line per run (and the findings with `--findings`); returns the exit code:
 * 0 all in sync, 1 differences found or a run failed.
 */
export async function reconcileFromCli (opts: ReconcileCliOptions, out: (line: string) => void): Promise<number> {
  const runtime = runtimeFromEnv()
  const config = loadConfig(runtime.configDir)
  const keys = await loadGatewayKeys(
    {
      file: runtime.signingKeyFile,
      key: runtime.signingKey,
      production: runtime.production,
      warn: (msg) => { process.emitWarning(msg) }
    }
  )
  await migrate(runtime.databaseUrl, runtime.dbSchema)
  const pool = createPool(runtime.databaseUrl, runtime.dbSchema, 2)
  const adapters = new Map<string, PlatformAdapter>()
  for (const p of config.platforms.filter((x) => x.enabled)) {
    adapters.set(
      p.id,
      adapterFactory(p.adapter)({ platform: p, policy: p.delivery, sign: keys.sign, secrets: platformSecrets(p.id) })
    )
  }
  // Peer gateways the lists are relayed to are replicas too (docs/federation.md).
  const peers = relayedTo(config.peers)
  const peerKeys = buildKeyDirectory(config).peer
  const publisherEnvelope = publisherEnvelopes(pool)
  for (const peer of peers) {
    const p = peerDestination(peer)
    const platformKeys = peerKeys?.(p.id)?.keys
    const ctx = { platform: p, policy: p.delivery, sign: keys.sign, secrets: {}, platformKeys, publisherEnvelope }
    adapters.set(p.id, createYrdRelayAdapter(ctx))
  }
  let code = 0
  try {
    const lists = (await knownLists(pool)).filter(
      (l) => (opts.owner === undefined || l.owner === opts.owner) && (
        opts.list === undefined || l.listCode === opts.list
      )
    )
    if (
      opts.owner !== undefined && opts.list !== undefined && lists.length === 0
    ) lists.push({ owner: opts.owner, listCode: opts.list })
    for (const list of lists) {
      const platforms = opts.platform === undefined ? replicasOf(config, list.owner, list.listCode) : [opts.platform]
      for (const platform of platforms) {
        const r: RunResult = await runReconciliation({ pool, adapters, shares: configShares(config) }, { ...list, platform }, 'cli', opts.by, opts.method === undefined ? {} : { method: opts.method })
        const counts = Object.entries(
          r.findings.reduce<Record<string, number>>((acc, f) => ({ ...acc, [f.kind]: (acc[f.kind] ?? 0) + 1 }), {})
        )
        out(`run ${r.id}  ${list.owner}/${list.listCode} → ${platform}  ${r.status}${r.method === null ? '' : ` (${r.method})`}  ` +
          (r.status === 'done' ? (counts.length === 0 ? 'in sync' : counts.map(([k, n]) => `${k}: ${n}`).join(', ')) : r.error ?? '') +
          `  [${r.stats.roundTrips ?? 0} round trips, ${(r.stats.bytesSent ?? 0) + (r.stats.bytesReceived ?? 0)} bytes, ${r.stats.ms ?? 0} ms]`)
        if (opts.findings === true) {
          for (const f of r.findings) out(`  ${f.kind}  ${f.entryId}  owner v${f.ownerVersion ?? '-'} ${f.ownerStatus ?? '-'}  replica v${f.replicaVersion ?? '-'} ${f.replicaStatus ?? '-'}  ${f.cause}${f.subject === null ? '' : `  ${f.subject}`}`)
        }
        if (r.status !== 'done' || r.findings.length > 0) code = 1
      }
    }
    if (lists.length === 0) out('no lists in the ledger yet')
  } finally {
    await Promise.all([...adapters.values()].map(async (a) => { await a.close() }))
    await pool.end()
  }
  return code
}
