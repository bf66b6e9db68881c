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
  reconcile?: (scope: ListScope, ranges: Array<[string, string]>, maxElements: number) => Promise<ReconcileExchange<ReconcileAnswerV1>>
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

/**
 * Why an adapter call failed, a closed list (as undici's `UND_ERR_*`): metrics, dead deliveries
 * and the dashboard group by it, never by message text, so a new code is a contract change.
 */
export const ADAPTER_ERROR_CODES = {
  /** No answer in time (undici's or the attempt's timeout). */
  ADAPTER_TIMEOUT: 'no answer in time',
  /** No connection: refused, reset, DNS. */
  ADAPTER_UNREACHABLE: 'platform unreachable',
  /** The platform answered that it cannot take the message now (5xx, 408, 429, busy). */
  ADAPTER_UNAVAILABLE: 'platform busy or failing',
  /** The platform refused the gateway's credentials, signature, timestamp or key. */
  ADAPTER_AUTH: 'credentials refused',
  /** The platform refused the message (4xx, a refusal code of its protocol). */
  ADAPTER_REFUSED: 'message refused',
  /** The platform took some records of the message and refused others. */
  ADAPTER_PARTIAL: 'records partly refused',
  /** The acknowledgement does not acknowledge what was sent (not one, or another message, digest, count). */
  ADAPTER_INVALID_RECEIPT: 'invalid acknowledgement',
  /** An export or reconciliation answer that is not what was asked for or is unreadable. */
  ADAPTER_INVALID_ANSWER: 'invalid answer',
  /** An item the platform's format cannot carry: refused before anything is sent. */
  ADAPTER_UNMAPPABLE: 'item not representable',
  /** The platform still processes the message (or lost it): asked again later. */
  ADAPTER_PENDING: 'still processing',
  /** The adapter does not do this (a pull platform is never pushed to). */
  ADAPTER_UNSUPPORTED: 'not supported by the platform',
  /** A failure of the gateway itself during an attempt (not the adapter's nor the platform's). */
  ADAPTER_INTERNAL: 'gateway failure'
} as const satisfies Record<string, string>

export type AdapterErrorCode = keyof typeof ADAPTER_ERROR_CODES

export interface AdapterErrorOptions {
  code: AdapterErrorCode
  retryable: boolean
  /** True when the platform could not be reached at all (connection refused, timeout). */
  unreachable?: boolean
  cause?: unknown
}

/** A failed delivery attempt. `retryable: false` sends the delivery straight to dead. */
export class AdapterError extends Error {
  readonly code: AdapterErrorCode
  readonly retryable: boolean
  /** True when the platform could not be reached at all (connection refused, timeout). */
  readonly unreachable: boolean

  constructor (message: string, opts: AdapterErrorOptions) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'AdapterError'
    this.code = opts.code
    this.retryable = opts.retryable
    this.unreachable = opts.unreachable ?? false
  }
}

/** A value the platform's format cannot carry: permanent, since sending it again can never succeed. */
export const unmappable = (message: string, cause?: unknown): AdapterError =>
  new AdapterError(message, { code: 'ADAPTER_UNMAPPABLE', retryable: false, cause })
