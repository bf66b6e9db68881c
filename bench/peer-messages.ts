/**
 * What the bench process and its peer process (bench/peer-process.ts) say to each other over the
 * IPC channel of `child_process.fork`. Plain JSON, so it survives the channel's serialisation.
 */
import type { PublicJwk, SigningAlg } from '../src/keys/signing-keys.js'

/** The bench asks for simulated platforms (and, for a baseline, unsigned sinks). */
export interface PeerStart {
  type: 'start'
  platforms: Array<{ id: string, alg: SigningAlg }>
  /** Also start one plain HTTP sink per platform, taking unsigned bodies (the bulk baseline's peers). */
  sinks: boolean
}

/** The gateway's JWKS URL once it listens (or its key set): the simulators verify deliveries against it. */
export interface PeerTrust { type: 'trust', jwks: string | { keys: PublicJwk[] } }

export interface PeerClose { type: 'close' }

export type ToPeer = PeerStart | PeerTrust | PeerClose

/** One simulated platform as the gateway's config needs it. */
export interface PeerPlatform {
  id: string
  /** Base URL of the simulated yrd-push platform. */
  url: string
  /** Its public keys: it signs its receipts with them once receipts are signed. */
  jwks: { keys: PublicJwk[] }
  /** The unsigned sink's URL (POST anything, answered 200 with the item count), when asked for. */
  sinkUrl?: string
}

export interface PeerReady { type: 'ready', platforms: PeerPlatform[] }

export interface PeerTrusted { type: 'trusted' }

/**
 * What the peers saw since the last report. `received`: every delivery that passed the gateway
 * signature check, as [jti, epoch ms] (each attempt, retries included); `applied`: the jti of each
 * message applied (a duplicate is not); `appliedItems`: how many items those messages changed.
 */
export interface PeerReport {
  type: 'report'
  peers: Array<{ id: string, received: Array<[string, number]>, applied: string[], appliedItems: number }>
}

export type FromPeer = PeerReady | PeerTrusted | PeerReport
