import type { FastifyInstance } from 'fastify'
import type { Registries, ShareScope } from '../../config/registry-schema.js'
import type { WorkingCalendar } from '../../config/calendar-schema.js'
import { GATEWAY_ID, type EnvelopeKindV1 } from '../../contracts/envelope-v1.js'
import type { GatewayKeys } from '../keys/signing-keys.js'
import { WEEKENDS_ONLY } from '../punishment/working-days.js'
import { heldLists, peersFor, relayedTo } from '../federation/peer-destinations.js'
import type { RoutedMessage } from '../envelopes/ingest-service.js'

/** What the coordination workflow needs besides the transaction it runs in. */
export interface WorkflowDeps {
  keys: GatewayKeys
  registries: Registries | undefined
  calendar: WorkingCalendar
  /** Enabled platforms (never the gateway itself). */
  platforms: () => string[]
  /** A platform's configured share scopes (undefined: the default). */
  shareScopesOf: (platform: string) => readonly ShareScope[] | undefined
  /** A platform's administrative division code (`regionCode`), for who may initiate a case. */
  regionOf?: (platform: string) => string | undefined
  /**
   * The peer gateways a removal of `owner`'s entries goes to (issue 18): where its lists are relayed
   * (src/federation/peer-destinations.ts). Absent: none.
   */
  peersFor?: (owner: string, items: readonly unknown[]) => Promise<string[]>
  /** The peer gateways any accepted message is relayed to (peer-destinations.ts peersFor). Absent: none. */
  relayPeers?: (iss: string, msg: RoutedMessage) => Promise<string[]>
}

/** An accepted message, as the workflow sees it inside the ledger transaction. */
export interface WorkflowMessage {
  jti: string
  iss: string
  kind: EnvelopeKindV1
  items: unknown[]
  at: Date
}

/** The workflow's dependencies from the app: keys, registries, calendar, enabled platforms. */
export function workflowDeps (app: FastifyInstance): WorkflowDeps {
  const peers = relayedTo(app.config.peers).length === 0 ? undefined : peersFor(app.config.peers, heldLists(app.pg))
  return {
    keys: app.gatewayKeys,
    registries: app.config.registries,
    calendar: app.config.calendar ?? WEEKENDS_ONLY,
    platforms: () => app.config.platforms.filter((p) => p.enabled && p.id !== GATEWAY_ID).map((p) => p.id),
    shareScopesOf: (platform) => app.config.platforms.find((p) => p.id === platform)?.shareScopes,
    // A publisher behind a peer gateway keeps its own region here (config/peers: origins.<ID>.regionCode).
    regionOf: (platform) => app.config.platforms.find((p) => p.id === platform)?.regionCode ??
      app.config.peers?.find((peer) => Object.hasOwn(peer.origins, platform))?.origins[platform]?.regionCode,
    // Only for entries a platform here owns: an origin's are its own gateway's to remove (and its peers').
    ...(peers === undefined
      ? {}
      : {
          peersFor: async (owner: string, items: readonly unknown[]) =>
            app.config.platforms.some((p) => p.id === owner) ? await peers(owner, { kind: 'list.remove', items }) : [],
          relayPeers: peers
        })
  }
}
