import type pg from 'pg'
import type { AcceptedV1, ReceiptClaimsV1 } from '../../contracts/receipt-v1.js'
import type { RelayClaimsV1 } from '../../contracts/relay-v1.js'
import { RECEIPT_TYP } from '../../contracts/receipt-v1.js'
import type { GatewayKeys } from '../keys/signing-keys.js'
import type { GroupCommitter } from './group-commit.js'
import type { ReplayCache } from './replay-cache.js'
import { validateItems } from './validate-items.js'
import type { Claimed, EnvelopeVerifier } from './verify-envelope.js'
import type { JwsSerialisation } from './parse-jws.js'
import type { EnvelopeClaimsV1 } from '../../contracts/envelope-v1.js'
import type { Registries } from '../../config/registry-schema.js'
import type { WorkflowDeps } from '../coordination/workflow-deps.js'
import type { MessageItems } from '../delivery/message-items.js'
import { hashOf, type ProofHash } from '../canonical/proof-hash.js'

/** What decides a message's destinations besides its issuer: its kind, items and, relayed, its path. */
export interface RoutedMessage { kind: string, items: readonly unknown[], via?: readonly string[] | undefined }

export interface IngestDeps {
  verifier: EnvelopeVerifier
  replay: ReplayCache
  pool: pg.Pool
  /** Commits accepted envelopes, alone or in groups (the app's one committer). */
  committer: GroupCommitter
  keys: GatewayKeys
  /** The registries items are checked against (none: no registry checks). */
  registries?: Registries | undefined
  /** Platforms that should receive what `iss` sends. */
  /**
   * Where a message goes: every other enabled platform, and the peer gateways it is relayed to
   * (src/federation/peer-destinations.ts; `via`, the path of a relayed message, is never gone back along).
   */
  destinationsFor: (iss: string, msg: RoutedMessage) => string[] | Promise<string[]>
  /** The coordination workflow (cases, objections, removals); none: entries and outbox only. */
  workflow?: WorkflowDeps | undefined
  /** Where deliveries read a message's items: an accepted envelope's are kept there (none: not kept). */
  messageItems?: MessageItems | undefined
  /** The hash of a receipt's digest (settings.proofHash; none: SHA-256). */
  proofHash?: ProofHash | undefined
}

export interface IngestResult {
  /** 202 for a new envelope, 200 for an identical resubmission. */
  status: 200 | 202
  body: AcceptedV1
  iss: string
  kind: string
  items: number
}

/**
 * An envelope the gateway trusts: a platform's JWS whose signature holds, or a native message the
 * gateway authenticated by the platform's own means and attested with its own signature.
 */
export interface TrustedEnvelope {
  /** What the ledger keeps as evidence (the platform's JWS, or the gateway's attested JWS). */
  raw: string
  /** The payload's JSON text as signed (handed to the ledger as is). */
  payloadText: string
  /**
   * SHA-256 (base64url) of the bytes received: a replay is judged on it, and the ledger keeps it
   * (`envelopes.digest`), whatever hash receipts use, so a setting changed between two submissions
   * of the same bytes never makes them a conflict.
   */
  digest: string
  /** The exact bytes received (the JWS, or the native message): a receipt's digest is over them. */
  received: Uint8Array
  claims: EnvelopeClaimsV1
  /** When a peer gateway relayed it: the relay, kept beside the envelope and named in the receipt. */
  relay?: { jws: string } & Pick<RelayClaimsV1, 'iss' | 'jti' | 'via'>
}

/** A receipt's digest and the claim naming its hash: none for SHA-256, as in receipts signed before SM3. */
export function receiptDigest (
  env: Pick<TrustedEnvelope, 'digest' | 'received'>, alg: ProofHash | undefined
): Pick<ReceiptClaimsV1, 'digest' | 'digestAlg'> {
  if (alg === undefined || alg === 'SHA-256') return { digest: env.digest }
  return { digest: hashOf(alg, env.received).toString('base64url'), digestAlg: alg }
}

/**
 * Accepts an envelope or rejects it whole: verify (signature, header, claims), then
 * {@link acceptVerified}. `claimed` collects what the envelope says about itself for the security
 * log, should it be rejected.
 */
export async function ingestEnvelope (
  deps: IngestDeps, body: Buffer, serialisation: JwsSerialisation, claimed: Claimed, traceparent: string | null = null
): Promise<IngestResult> {
  const env = { ...await deps.verifier.verify(body, serialisation, claimed), received: body }
  const result = await acceptVerified(deps, env, traceparent)
  // The claims are JSON.parse of the payload text the ledger stores, as a delivery would decode it
  // (a native message's attested items are not: they were never through JSON).
  if (result.status === 202) deps.messageItems?.seed(env.claims.iss, env.claims.jti, env.claims.items)
  return result
}

/**
 * Everything after authentication, shared by JWS envelopes and natively received messages so the
 * two ways in cannot drift apart: answer replays from the cache, validate every item, then commit
 * envelope, entries, history and outbox in one transaction (the envelope's own or, with neighbours, a
 * group's; see group-commit.ts) and return the gateway's signed receipt. `traceparent` (the request's
 * W3C trace context) goes with the outbox rows to every delivery.
 */
export async function acceptVerified (
  deps: Pick<IngestDeps, 'replay' | 'committer' | 'keys' | 'destinationsFor' | 'registries' | 'workflow' | 'proofHash'>, env: TrustedEnvelope,
  traceparent: string | null = null
): Promise<IngestResult> {
  const { jti, iss, kind, items } = env.claims
  const cached = await deps.replay.lookup(iss, jti, env.digest)
  if (cached !== undefined) return { status: 200, body: { jti, receipt: cached }, iss, kind, items: items.length }
  validateItems(kind, iss, items, deps.registries)

  const receivedAt = new Date()
  const claims: ReceiptClaimsV1 = {
    jti,
    iss,
    ...receiptDigest(env, deps.proofHash),
    receivedAt: receivedAt.toISOString(),
    items: items.length,
    ...(env.relay === undefined ? {} : { relay: { iss: env.relay.iss, jti: env.relay.jti, via: env.relay.via } })
  }
  const receipt = await deps.keys.sign(claims, RECEIPT_TYP)
  // Settles after the COMMIT that holds the envelope (its own, or its group's): only then is the
  // receipt handed out and remembered.
  const outcome = await deps.committer.commit({
    jti,
    iss,
    kind,
    digest: env.digest,
    jws: env.raw,
    items,
    payloadText: env.payloadText,
    receipt,
    receivedAt,
    relay: env.relay?.jws,
    destinations: await deps.destinationsFor(iss, { kind, items, via: env.relay?.via }),
    traceparent
  }, deps.workflow)
  const finalReceipt = outcome.outcome === 'replay' ? outcome.receipt : receipt
  await deps.replay.remember(iss, jti, env.digest, finalReceipt)
  return { status: outcome.outcome === 'replay' ? 200 : 202, body: { jti, receipt: finalReceipt }, iss, kind, items: items.length }
}
