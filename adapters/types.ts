import type { JWTVerifyGetKey } from 'jose'
import type { DeliveryPolicy, PlatformConfig } from '../config/config-schema.js'
import type { EnvelopeKindV1 } from '../contracts/envelope-v1.js'
import type { ItemErrorV1 } from '../contracts/problem-v1.js'
import type { ReconcileAnswerV1, WireElementV1 } from '../contracts/reconcile-v1.js'
import type { AnswerV2, RecordV2 } from '../contracts/reconcile-v2.js'

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
  /** A peer gateway relayed it here (issue 18): its publisher is behind that peer. */
  relayed?: boolean
  /**
   * The destination's share scopes kept something of it back (fields or items): the publisher's
   * envelope, which holds all of it, must not go with it (src/delivery/share-scope.ts).
   */
  withheld?: boolean
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
  /**
   * The W3C `traceparent` of this attempt (the trace the message arrived with, a span id of the
   * attempt's own), when it came with one: an HTTP adapter sends it as the `traceparent` header.
   */
  traceparent?: string | undefined
}

/**
 * One item of a delivery the destination refused while it applied the others (partial acceptance:
 * SH 2002, AH E202, JS rejected rows, a yrd-push per-item answer).
 */
export interface ItemRefusal {
  /** Index of the item in `Delivery.items` as the adapter was handed them. */
  index: number
  /** The platform's own code for the refusal, kept as evidence. */
  code: string
  /** Why, in the platform's words (identity numbers scrubbed by the adapter). */
  reason: string
}

/** What a destination answered once it took a delivery. */
export interface DeliveryReceipt {
  /** The destination's own acknowledgement, kept as evidence. */
  evidence: Record<string, unknown>
  /** SHA-256 (base64url) of the bytes sent, when the protocol has one. */
  sentDigest?: string
  /** Items the destination refused while applying the rest; absent or empty: every item applied. */
  refused?: ItemRefusal[]
}

/** How much one coalesced push may carry (see `PlatformAdapter.deliverBatch`). */
export interface BatchLimits {
  /** Most messages in one push. */
  maxMessages: number
  /** Most bytes of items (their JSON) in one push. */
  maxBytes: number
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
  /** The protocol carries several messages in one push: see `PlatformAdapter.deliverBatch`. */
  batch?: boolean
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
  /**
   * Coalesced delivery (`capabilities.batch`): several messages for this platform, in the order
   * they must be applied, sent in one push. One outcome per delivery, in the same order: a receipt,
   * or the AdapterError of that message alone. A failure of the push as a whole is thrown.
   */
  deliverBatch?: (deliveries: Delivery[]) => Promise<Array<DeliveryReceipt | AdapterError>>
  health: () => Promise<AdapterHealth>
  /**
   * A harmless request carrying the gateway's credentials (signature, token, keys): `up` only when
   * the platform accepted them. A queue paused because the platform refused the credentials
   * resumes by itself once this passes; an adapter without it waits for an admin to resume.
   */
  credentialsCheck?: () => Promise<AdapterHealth>
  close: () => Promise<void>
  /** Range reconciliation (adapters/README.md, "Reconciliation"), where the platform speaks it. */
  reconcile?: (
    scope: ListScope, ranges: Array<[string, string]>, maxElements: number
  ) => Promise<ReconcileExchange<ReconcileAnswerV1>>
  /**
   * Range reconciliation, version 2 (adapters/README.md, "Reconciliation, version 2"): one round
   * trip of binary records. A platform that does not speak it answers 404 or 415, and the run
   * uses `reconcile`.
   */
  reconcileV2?: (scope: ListScope, records: RecordV2[]) => Promise<ReconcileExchange<AnswerV2>>
  /** One page of the platform's paged export of a list (`capabilities.export`). */
  exportList?: (scope: ListScope, after: string, limit: number) => Promise<ReconcileExchange<ExportPage>>
}

/** Signs a payload as the gateway (compact JWS); adapters never hold the key itself. */
export type GatewaySign = (payload: object, typ: string) => Promise<string>

/** Signs a payload already serialised (its exact bytes) as the gateway: the compact JWS, as bytes. */
export type GatewaySignBytes = (payload: Uint8Array, typ: string) => Promise<Buffer>

/**
 * The inbound side of a native adapter: the routes through which its platform publishes into the
 * gateway in its own protocol, mounted by src/native under `/v1/native/<ID>`. The adapter owns the
 * protocol (paths, headers, authentication, parsing, answers in the platform's codes); the gateway
 * supplies acceptance, the security log and its stores through {@link InboundIngest}.
 */
export interface NativeInbound {
  /** The raw body every route of the group reads: media types (parsed as bytes) and most bytes. */
  body: { types: readonly string[], limit: number }
  routes: readonly InboundRoute[]
  /** The native code answered to an address over its failed-authentication limit (HTTP 429). */
  rateLimitedCode: string
  /** Gateway codes that count as a failed authentication (default: signature, issuer, token, key). */
  authFailureCodes?: ReadonlySet<string>
  /** Gateway codes whose refusal is not written to the security log (not a refused publication). */
  unlogged?: ReadonlySet<string>
  /** Write the first refusal of an address's blocked minute to the security log (else none). */
  logFirstBlocked?: boolean
  /** Ask Node to close a connection refused before its body was read (the body is not drained). */
  closeUnreadBody?: boolean
  /** A refusal in the platform's own format; `messageId` is the id the request claimed, if read. */
  refusal: (problem: InboundProblem, messageId: string | undefined) => InboundAnswer
}

/** One native inbound route. POST routes read the group's raw body; GET routes none. */
export interface InboundRoute {
  method: 'GET' | 'POST'
  /** Under `/v1/native/<ID>`, with `:name` parameters. */
  path: string
  /** How the platform proves itself here (documented on the route; the gateway's roles do not apply). */
  access: string
  summary: string
  description?: string
  consumes?: readonly string[]
  /** Checks on the headers alone, before a byte of the body is read (an unknown sender costs nothing more). */
  onHeaders?: (request: InboundRequest, ingest: InboundIngest) => void
  handle: (request: InboundRequest, ingest: InboundIngest) => Promise<InboundAnswer>
}

/** A request to a native route, as the adapter sees it (one object per request, from headers to handler). */
export interface InboundRequest {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly params: Readonly<Record<string, string>>
  /** The bytes received (POST routes; empty when the request had none). */
  readonly body: Buffer
}

/** What a native route answers: HTTP status, media type and body (an object is sent as JSON). */
export interface InboundAnswer { status: number, type: string, body: string | object }

/** How the gateway authenticated a native message. */
export type NativeAuth = 'hmac-sha256' | 'sm4-sm3' | 'sm4-sm3-hmac' | 'token'

/** A native message, authenticated and mapped to contract items, for the gateway to accept. */
export interface InboundMessage {
  auth: NativeAuth
  /** The platform's own message id: becomes the envelope's jti. */
  msgId: string
  kind: EnvelopeKindV1
  items: unknown[]
}

/** A refusal as the gateway judged it: its code and status, and the adapter's native code if it named one. */
export interface InboundProblem {
  code: string
  status: number
  message: string
  nativeCode?: string | undefined
  errors?: readonly ItemErrorV1[] | undefined
}

/** How large a JSON body may be, in shape (see src/native/native-body-limits.ts). */
export interface JsonShapeLimits {
  /** Most nested arrays and objects open at once. */
  maxDepth: number
  /** Most values (array elements and object members, counted by their separators, plus containers). */
  maxValues: number
  /** Most bytes of one string as sent (quotes and escapes included). */
  maxStringBytes: number
}

/** How large an RFC 4180 CSV body may be, in shape. */
export interface CsvShapeLimits {
  /** Most records (lines outside quotes), a header row included. */
  maxRecords: number
  /** Most fields in one record. */
  maxFields: number
  /** Most bytes of the field at `index` as sent (quotes and doubled quotes included). */
  maxFieldBytes: (index: number) => number
}

/**
 * The gateway's side of one native request, supplied by src/native: acceptance exactly as for a
 * JWS envelope, the security log, and the stores a protocol needs.
 */
export interface InboundIngest {
  /** Records the id the message claims (security log, and handed to `refusal`). */
  messageId: (id: string) => void
  /**
   * Records that the request proved its platform (HMAC, MAC, token): refusals from then on are
   * charged to the platform in the quality report, earlier ones count as unattributed.
   */
  authenticated: () => void
  /** Attests the authenticated message and accepts it (or refuses it whole) like any envelope. */
  accept: (message: InboundMessage) => Promise<{ duplicate: boolean, items: number, receipt: string }>
  /** How the gateway judges an error: a refusal's code, or INTERNAL for anything else. */
  problemOf: (err: unknown) => InboundProblem
  /** Writes the security-log line of a refusal the route answers as a result rather than an error. */
  refused: (err: unknown) => Promise<void>
  /**
   * Maps every native record, collecting each failure as an item error: a record that does not
   * map is an invalid item, and the message is refused whole (SCHEMA_INVALID).
   */
  mapRecords: <T>(records: readonly T[], map: (record: T, index: number) => unknown) => unknown[]
  /** Why a JSON body exceeds the limits, or undefined: to run before parsing it. */
  jsonShapeProblem: (body: Uint8Array, limits: JsonShapeLimits) => string | undefined
  /** Why a CSV body exceeds the limits, or undefined: to run before parsing it. */
  csvShapeProblem: (body: Uint8Array, limits: CsvShapeLimits) => string | undefined
  /** True when the nonce is new for the platform (now taken for `ttlSeconds`), false when it was used. */
  claimNonce: (nonce: string, ttlSeconds: number) => Promise<boolean>
  /** Keeps a result the platform may ask for later (shared by every gateway instance). */
  rememberResult: (id: string, result: object, ttlSeconds: number) => Promise<void>
  /** A result kept by `rememberResult`, if still there. */
  findResult: (id: string) => Promise<object | undefined>
  /** The ledger's record of a message the platform published under `msgId`, if accepted. */
  findAccepted: (msgId: string) => Promise<{ items: number, receipt: string } | undefined>
}

/** What an inbound factory gets: its platform's config, its secrets, and the gateway's body cap. */
export interface InboundContext {
  platform: PlatformConfig
  secrets: Readonly<Record<string, string>>
  /** The gateway's `bodyLimitBytes`: no native route reads more. */
  maxBodyBytes: number
}

export type InboundFactory = (ctx: InboundContext) => NativeInbound

/**
 * A refusal in the platform's own words: `code` is the gateway's (security log, metrics),
 * `nativeCode` what the platform is answered (none: the adapter's answer for the gateway code).
 */
export class InboundRefusal extends Error {
  readonly code: InboundRefusalCode
  readonly nativeCode: string | undefined

  constructor (
    code: InboundRefusalCode, nativeCode: string | undefined, detail: string, options: { cause?: unknown } = {}
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'InboundRefusal'
    this.code = code
    this.nativeCode = nativeCode
  }
}

/** The gateway codes a native route refuses with (each one of src/errors' codes). */
export type InboundRefusalCode =
  | 'ENVELOPE_MALFORMED' | 'UNSUPPORTED_MEDIA_TYPE' | 'PAYLOAD_TOO_LARGE' | 'UNAUTHORIZED' | 'SIGNATURE_INVALID'
  | 'ISSUER_UNKNOWN' | 'ENVELOPE_EXPIRED' | 'FORBIDDEN' | 'NOT_FOUND' | 'RATE_LIMITED'

/**
 * What an adapter factory gets: its platform's config, the gateway's signer, and the secrets the
 * gateway read for this platform (environment variables `GW_<ID>_<NAME>`, e.g. `GW_SH_APP_SECRET`
 * becomes `secrets.APP_SECRET`). Adapters never read the environment themselves.
 */
export interface AdapterContext {
  platform: PlatformConfig
  policy: DeliveryPolicy
  sign: GatewaySign
  /** The same signer for bulk payloads (yrd-push deliveries); absent, `sign` serves (tools, tests). */
  signBytes?: GatewaySignBytes | undefined
  secrets: Readonly<Record<string, string>>
  /**
   * The platform's published keys: the very set its envelopes are verified with (same cache, a new
   * kid fetched on first sight), for what the platform signs to the gateway (yrd-push receipts).
   * Absent where nothing the platform signs is read (reconciliation tools).
   */
  platformKeys?: JWTVerifyGetKey | undefined
  /**
   * The publisher's own signed envelope of a message, as the ledger keeps it (issue 18): what a relay
   * to a peer gateway nests, and what a delivery of a relayed message carries for the platform to
   * check the publisher offline. Absent where the ledger is not at hand (tools).
   */
  publisherEnvelope?: PublisherEnvelopes | undefined
}

/** The publisher's compact JWS of message (`iss`, `jti`) and the gateways it passed before this one. */
export interface PublisherEnvelope {
  jws: string
  /** The relay's path when a peer relayed it here (first the gateway it was published to); empty: published here. */
  via: string[]
  /**
   * The publisher has no signature of its own here: it published natively and the gateway attested
   * what it received (`yrd-attested+jwt`, src/native/attest-native.ts), signed with the gateway's key.
   */
  attested: boolean
}

/** Reads {@link PublisherEnvelope}s; undefined when the original is no longer held (erased by repair: shielded). */
export type PublisherEnvelopes = (iss: string, jti: string) => Promise<PublisherEnvelope | undefined>

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
