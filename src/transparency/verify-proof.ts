import { readFileSync } from 'node:fs'
import type { JSONWebKeySet, JWTVerifyGetKey } from 'jose'
import { Value } from '@sinclair/typebox/value'
import {
  CHECKPOINT_TYP, CheckpointClaimsV1, ConsistencyProofV1, InclusionProofV1,
  type CheckpointClaimsV1 as CheckpointClaims, type ConsistencyProofV1 as ConsistencyProof,
  type InclusionProofV1 as InclusionProof
} from '../../contracts/transparency-v1.js'
import { ENVELOPE_ALGS } from '../../contracts/envelope-v1.js'
import { verifyCompact } from '../keys/jws.js'
import { localKeySet, remoteKeySet } from '../keys/key-sets.js'
import { dataHashOf, leafBytes } from './change-leaf.js'
import { leafHash } from './merkle-tree.js'
import { ProofError, verifyConsistency, verifyInclusion, type ProofErrorCode } from './merkle-verify.js'
import { statedHash, type ProofHash } from '../canonical/proof-hash.js'

// Offline verification for platforms (and `credit-gw verify-proof`): trusts nothing but the
// gateway's published keys.

/** A checkpoint whose signature verified. */
export interface VerifiedCheckpoint {
  claims: CheckpointClaims
  kid: string | undefined
  root: Buffer
  /** The log's hash as the checkpoint signs it (SHA-256 when it states none): every check hashes with it. */
  hash: ProofHash
}

/** A JWK Set given inline, as a file path, or as the URL of /.well-known/jwks.json. */
export type JwksSource = JSONWebKeySet | string

export function keysFrom (source: JwksSource): JWTVerifyGetKey {
  if (typeof source !== 'string') return localKeySet(source)
  if (/^https?:\/\//.test(source)) return remoteKeySet(new URL(source))
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(source, 'utf8'))
  } catch (err) {
    throw new ProofError(`cannot read the JWK Set ${source}: ${(err as Error).message}`, 'KEYS_UNREADABLE')
  }
  return localKeySet(parsed as JSONWebKeySet)
}

const fromB64u = (s: string): Buffer => Buffer.from(s, 'base64url')

/** Checks a checkpoint's signature (ES256, EdDSA or SM2-SM3, `typ` yrd-checkpoint+jwt) and claims. */
export async function verifyCheckpoint (jws: string, keys: JWTVerifyGetKey): Promise<VerifiedCheckpoint> {
  let payload: Uint8Array
  let kid: string | undefined
  try {
    const r = await verifyCompact(jws.trim(), keys, ENVELOPE_ALGS)
    if (r.protectedHeader.typ !== CHECKPOINT_TYP) throw new Error(`typ is ${String(r.protectedHeader.typ)}, not ${CHECKPOINT_TYP}`)
    payload = r.payload
    kid = r.protectedHeader.kid
  } catch (err) {
    throw new ProofError(`checkpoint signature does not verify against the gateway's keys: ${(err as Error).message}`, 'CHECKPOINT_INVALID')
  }
  let claims: unknown
  try {
    claims = JSON.parse(new TextDecoder().decode(payload))
  } catch {
    throw new ProofError('checkpoint payload is not JSON', 'CHECKPOINT_INVALID')
  }
  if (!Value.Check(CheckpointClaimsV1, claims)) throw new ProofError('checkpoint claims do not match CheckpointClaimsV1', 'CHECKPOINT_INVALID')
  return { claims, kid, root: fromB64u(claims.rootHash), hash: statedHash(claims.hash) }
}

function sameLog (cp: VerifiedCheckpoint, owner: string, listCode: string, what: string): void {
  if (cp.claims.owner !== owner || cp.claims.listCode !== listCode) {
    throw new ProofError(`${what} is for ${owner}/${listCode}, the checkpoint for ${cp.claims.log}`, 'PROOF_MALFORMED')
  }
}

/** The signed hash decides; an answer stating another is refused rather than believed. */
function sameHash (cp: VerifiedCheckpoint, stated: ProofHash | undefined, what: string): void {
  if (statedHash(stated) !== cp.hash) {
    throw new ProofError(`${what} says the log hashes with ${statedHash(stated)}, the checkpoint signs ${cp.hash}`, 'PROOF_MALFORMED')
  }
}

/**
 * Checks that `proof` puts its leaf in the tree the checkpoint signed. With `item` (the entry's
 * item as published or received), also that the leaf commits to exactly that content: for a v2
 * leaf with the proof's `salt`.
 */
export function checkInclusion (cp: VerifiedCheckpoint, proof: InclusionProof, item?: unknown): void {
  if (!Value.Check(InclusionProofV1, proof)) throw new ProofError('inclusion proof does not match InclusionProofV1', 'PROOF_MALFORMED')
  sameLog(cp, proof.owner, proof.listCode, 'the inclusion proof')
  sameHash(cp, proof.hash, 'the inclusion proof')
  if (proof.leaf.owner !== proof.owner || proof.leaf.listCode !== proof.listCode) throw new ProofError('the leaf belongs to another list', 'PROOF_MALFORMED')
  if (proof.treeSize !== cp.claims.treeSize) throw new ProofError(`the proof is for tree size ${proof.treeSize}, the checkpoint signs size ${cp.claims.treeSize}`, 'PROOF_MALFORMED')
  if (item !== undefined) {
    const i = item as { entryId?: unknown, version?: unknown }
    if (i.entryId !== proof.leaf.entryId || i.version !== proof.leaf.version) throw new ProofError('the item is another entry or version than the leaf', 'PROOF_MISMATCH')
    let salt: Buffer | undefined
    if (proof.leaf.v === 2) {
      // A v2 leaf's dataHash is salted: only a caller entitled to the whole item was given the salt.
      if (proof.salt === undefined) throw new ProofError('the leaf is v2 (salted dataHash) and the proof carries no salt: the content cannot be checked (only the entry\'s owner and platforms that receive the whole item get the salt); check the leaf\'s inclusion without the item', 'PROOF_MALFORMED')
      salt = fromB64u(proof.salt)
    }
    if (dataHashOf(item, salt, cp.hash) !== proof.leaf.dataHash) throw new ProofError('the item\'s content does not hash to the leaf\'s dataHash', 'PROOF_MISMATCH')
  }
  // The leaf hash is recomputed from the leaf, never taken from the answer.
  verifyInclusion(
    proof.leafIndex, proof.treeSize, leafHash(leafBytes(proof.leaf), cp.hash), proof.auditPath.map(fromB64u), cp.root,
    cp.hash
  )
}

/** Checks that the newer checkpoint's tree extends the older one's unchanged. */
export function checkConsistency (older: VerifiedCheckpoint, newer: VerifiedCheckpoint, proof: ConsistencyProof): void {
  if (!Value.Check(ConsistencyProofV1, proof)) throw new ProofError('consistency proof does not match ConsistencyProofV1', 'PROOF_MALFORMED')
  sameLog(older, proof.owner, proof.listCode, 'the consistency proof')
  sameLog(newer, proof.owner, proof.listCode, 'the consistency proof')
  // A log keeps its hash for life: two signed checkpoints of one log with two hashes mean it was replaced.
  if (older.hash !== newer.hash) {
    throw new ProofError(`the older checkpoint signs ${older.hash}, the newer ${newer.hash}: the log was replaced, history was rewritten`, 'HISTORY_REWRITTEN')
  }
  sameHash(newer, proof.hash, 'the consistency proof')
  if (proof.first !== older.claims.treeSize || proof.second !== newer.claims.treeSize) {
    throw new ProofError(`the proof is from size ${proof.first} to ${proof.second}, the checkpoints sign ${older.claims.treeSize} and ${newer.claims.treeSize}`, 'PROOF_MALFORMED')
  }
  verifyConsistency(proof.first, proof.second, older.root, newer.root, proof.proof.map(fromB64u), newer.hash)
}

export interface VerifyProofInput {
  jwks: JwksSource
  /** The (newer) checkpoint, compact JWS. */
  checkpoint: string
  /** An inclusion proof answer against `checkpoint`. */
  inclusion?: InclusionProof
  /** The item the inclusion's leaf should commit to (a v2 leaf needs the inclusion's `salt`). */
  item?: unknown
  /** A consistency proof answer from `oldCheckpoint` to `checkpoint`. */
  consistency?: ConsistencyProof
  oldCheckpoint?: string
}

export type VerifyProofResult =
  | { ok: true, message: string, checkpoint: CheckpointClaims }
  | { ok: false, message: string, code?: ProofErrorCode }

/** Everything `credit-gw verify-proof` checks, as a function: never throws, says what held or what failed. */
export async function verifyProof (input: VerifyProofInput): Promise<VerifyProofResult> {
  try {
    const keys = keysFrom(input.jwks)
    const cp = await verifyCheckpoint(input.checkpoint, keys)
    const said = [`checkpoint of ${cp.claims.log} (size ${cp.claims.treeSize}, ${cp.hash}, ${cp.claims.issuedAt}) signed by ${cp.kid ?? 'the gateway'}`]
    if (input.inclusion !== undefined) {
      checkInclusion(cp, input.inclusion, input.item)
      said.push(`version ${input.inclusion.leaf.version} of ${input.inclusion.leaf.entryId} is leaf ${input.inclusion.leafIndex} of it${input.item === undefined ? '' : ', with the given content'}`)
    }
    if (input.consistency !== undefined) {
      if (input.oldCheckpoint === undefined) throw new ProofError('a consistency proof needs the older checkpoint', 'PROOF_MALFORMED')
      const old = await verifyCheckpoint(input.oldCheckpoint, keys)
      checkConsistency(old, cp, input.consistency)
      said.push(`it extends the checkpoint of size ${old.claims.treeSize} (${old.claims.issuedAt}) without rewriting it`)
    }
    return { ok: true, message: said.join('; '), checkpoint: cp.claims }
  } catch (err) {
    if (err instanceof ProofError) return { ok: false, message: err.message, code: err.code }
    return { ok: false, message: `cannot verify: ${(err as Error).message}` }
  }
}
