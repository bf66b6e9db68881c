import type { DeliveryPolicy, PlatformConfig } from '../config/config-schema.js'
import type { EnvelopeKindV1 } from '../contracts/envelope-v1.js'
import type { ReconcileAnswerV1, WireElementV1 } from '../contracts/reconcile-v1.js'

/**
 * One message for one destination platform, as the gateway hands it to an adapter. Items are
 * the envelope's items as the owner sent them (list items older than what the destination
 * already holds are filtered out beforehand, and fields outside the destination's share scopes
 * are removed: see src/delivery/share-scope.ts).
 */
export interface Delivery {
  /** The ledger's delivery id (one per message and destination). */
  deliveryId: string
  /** The original message id: stable across retries, so destinations can drop duplicates. */
  jti: string
  kind: EnvelopeKindV1
  /** The platform that sent the message. */
  origin: string
  /** SHA-256 of the envelope as the gateway received it. */
  originDigest: string
  destination: string
  items: unknown[]
  receivedAt: string
  /**
   * How many times an admin resent this delivery. A protocol whose message id is final once the
   * platform has answered it (a batch id) sends a resend under a new id derived from this.
   */
  resends: number
}

/** What a destination answered once it took a delivery. */
export interface DeliveryReceipt {
  /** The destination's own acknowledgement, kept as evidence. */
  evidence: Record<string, unknown>
  /** SHA-256 (base64url) of the bytes sent, when the protocol has one. */
  sentDigest?: string
}

export type HealthState = 'up' | 'down' | 'unknown'

export interface AdapterHealth {
  state: HealthState
  detail?: string
}

/** Optional capabilities an adapter declares; the gateway uses what is there. */
export interface AdapterCapabilities {
  /** The platform pulls from a gateway feed instead of receiving pushes. */
  pull: boolean
  /** The adapter can export what the platform holds (for reconciliation). */
  export: boolean
}

/** One list of one owner, as reconciliation asks a platform about it. */
export interface ListScope { owner: string, listCode: string }

/** An answer from a platform, with the bytes the exchange took on the wire (both ways). */
export interface ReconcileExchange<T> { answer: T, bytesSent: number, bytesReceived: number }

/** An entry a native export holds, mapped back to the contract's `list.upsert` item. */
export interface ExportedEntry { owner: string, entryId: string, version: number, suspended: boolean, item: unknown }

/**
 * One page of a platform's export of a list: wire elements (the reference protocol) or entries
 * in the contract's shape (native exports, mapped back by the adapter); `next` is the cursor of
 * the following page, null after the last.
 */
export interface ExportPage { elements?: WireElementV1[], entries?: ExportedEntry[], next: string | null }

/**
 * The small contract every platform adapter fulfils: deliver one message, check health, close.
 * A failure is an AdapterError saying whether trying again can help.
 */
export interface PlatformAdapter {
  readonly name: string
  readonly capabilities: AdapterCapabilities
  deliver: (delivery: Delivery) => Promise<DeliveryReceipt>
  health: () => Promise<AdapterHealth>
  close: () => Promise<void>
  /** Range reconciliation (adapters/README.md, "Reconciliation"), where the platform speaks it. */
  reconcile?: (
    scope: ListScope, ranges: Array<[string, string]>, maxElements: number
  ) => Promise<ReconcileExchange<ReconcileAnswerV1>>
  /** One page of the platform's paged export of a list (`capabilities.export`). */
  exportList?: (scope: ListScope, after: string, limit: number) => Promise<ReconcileExchange<ExportPage>>
}

/** Signs a payload as the gateway (compact JWS); adapters never hold the key itself. */
export type GatewaySign = (payload: object, typ: string) => Promise<string>

/**
 * What an adapter factory gets: its platform's config, the gateway's signer, and the secrets the
 * gateway read for this platform (environment variables `GW_<ID>_<NAME>`, e.g. `GW_SH_APP_SECRET`
 * becomes `secrets.APP_SECRET`). Adapters never read the environment themselves.
 */
export interface AdapterContext {
  platform: PlatformConfig
  policy: DeliveryPolicy
  sign: GatewaySign
  secrets: Readonly<Record<string, string>>
}

export type AdapterFactory = (ctx: AdapterContext) => PlatformAdapter

/** A failed delivery attempt. `retryable: false` sends the delivery straight to dead. */
export class AdapterError extends Error {
  readonly retryable: boolean
  /** True when the platform could not be reached at all (connection refused, timeout). */
  readonly unreachable: boolean

  constructor (message: string, opts: { retryable: boolean, unreachable?: boolean, cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'AdapterError'
    this.retryable = opts.retryable
    this.unreachable = opts.unreachable ?? false
  }
}
