import { Type, type Static } from '@sinclair/typebox'
import { InstantV1, LocalIdV1, PlatformIdV1, ProofHashV1 } from './common-v1.js'
import { GATEWAY_ID } from './envelope-v1.js'

/** The JWS `typ` of the gateway's signed checkpoints. */
export const CHECKPOINT_TYP = 'yrd-checkpoint+jwt'

/** A list's code as it appears in paths (the `listCode` of its entries). */
export const ListCodeV1 = Type.String({ title: 'ListCodeV1', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' })

/** A 32-byte hash (SHA-256 or SM3: the log's `hash`), base64url without padding. */
export const HashV1 = Type.String({ title: 'HashV1', pattern: '^[A-Za-z0-9_-]{43}$', description: 'The log\'s hash (SHA-256 or SM3), base64url without padding' })

const LogHash = (description: string) => Type.Union(ProofHashV1.anyOf, { title: 'ProofHashV1', description })
const STATED = 'The log\'s hash function, fixed when the log was created (gateway.json proofHash then)'
const ABSENT = `${STATED}; absent (answers and checkpoints from before SM3 could be chosen): SHA-256`

/**
 * The payload of a checkpoint: the gateway's signed statement that the log of one list
 * (`owner` + `listCode`) held `treeSize` leaves with RFC 6962 root `rootHash` at `issuedAt`,
 * hashing with `hash` (absent in checkpoints signed before it was stated: SHA-256).
 */
export const CheckpointClaimsV1 = Type.Object({
  iss: Type.Literal(GATEWAY_ID),
  log: Type.String({ description: '`<owner>/<listCode>`' }),
  owner: PlatformIdV1,
  listCode: ListCodeV1,
  treeSize: Type.Integer({ minimum: 0 }),
  rootHash: HashV1,
  issuedAt: InstantV1,
  iat: Type.Integer({ description: 'issuedAt in seconds since the epoch' }),
  hash: Type.Optional(LogHash(ABSENT))
}, { $id: 'CheckpointClaimsV1' })
export type CheckpointClaimsV1 = Static<typeof CheckpointClaimsV1>

/** One stored checkpoint. */
export const CheckpointV1 = Type.Object({
  id: Type.String(),
  owner: PlatformIdV1,
  listCode: ListCodeV1,
  treeSize: Type.Integer({ minimum: 0 }),
  rootHash: HashV1,
  hash: LogHash(STATED),
  signedAt: InstantV1,
  checkpoint: Type.String({ description: `Compact JWS (typ ${CHECKPOINT_TYP}) over CheckpointClaimsV1, signed by the gateway; verify with /.well-known/jwks.json` })
}, { $id: 'CheckpointV1' })
export type CheckpointV1 = Static<typeof CheckpointV1>

export const CheckpointListV1 = Type.Object({
  checkpoints: Type.Array(CheckpointV1),
  nextBefore: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `before` for the next (older) page' })
}, { $id: 'CheckpointListV1' })
export type CheckpointListV1 = Static<typeof CheckpointListV1>

/** One list's log as it stands (sequenced, not necessarily signed yet). */
export const TransparencyLogV1 = Type.Object({
  owner: PlatformIdV1,
  listCode: ListCodeV1,
  treeSize: Type.Integer({ minimum: 0 }),
  rootHash: Type.Union([HashV1, Type.Null()]),
  hash: LogHash(STATED),
  updatedAt: InstantV1,
  latestCheckpoint: Type.Union(
    [Type.Object({ id: Type.String(), treeSize: Type.Integer(), signedAt: InstantV1 }), Type.Null()]
  )
}, { title: 'TransparencyLogV1' })

export const TransparencyLogListV1 = Type.Object({ logs: Type.Array(TransparencyLogV1) }, { $id: 'TransparencyLogListV1' })
export type TransparencyLogListV1 = Static<typeof TransparencyLogListV1>

/**
 * The leaf of one change; its canonical bytes are RFC 8785 JSON of exactly these members. H is the
 * log's hash: the leaf commits to the item through dataHash, so an SM3 log has no SHA-256 in it.
 */
export const ChangeLeafV1 = Type.Object({
  v: Type.Union([Type.Literal(1), Type.Literal(2)], {
    description: '1: dataHash = H(canonicalJson(item)) (changes recorded before salted leaves); 2: dataHash = H(salt || canonicalJson(item)); H the log\'s hash'
  }),
  owner: PlatformIdV1,
  listCode: ListCodeV1,
  entryId: LocalIdV1,
  version: Type.Integer(),
  action: Type.String({ description: 'upsert | remove' }),
  status: Type.String({ description: 'the entry\'s status after the change' }),
  dataHash: HashV1,
  jti: Type.String(),
  recordedAt: InstantV1
}, { $id: 'ChangeLeafV1', additionalProperties: false })

/** Answer to the inclusion route: the leaf, where it is, and its audit path. */
export const InclusionProofV1 = Type.Object({
  owner: PlatformIdV1,
  listCode: ListCodeV1,
  treeSize: Type.Integer({ minimum: 1 }),
  leafIndex: Type.Integer({ minimum: 0 }),
  hash: Type.Optional(LogHash(`${ABSENT}. A verifier hashes with what the checkpoint signs, and refuses an answer stating another`)),
  leaf: ChangeLeafV1,
  leafHash: HashV1,
  auditPath: Type.Array(HashV1, { description: 'RFC 6962 PATH(leafIndex, D[treeSize]), leaf upwards' }),
  checkpoint: Type.Union([Type.String(), Type.Null()], { description: 'A signed checkpoint of treeSize, when one exists' }),
  salt: Type.Optional(Type.String({
    pattern: '^[A-Za-z0-9_-]{43}$',
    description: 'base64url of the 32-byte salt of a v2 leaf\'s dataHash: only to the entry\'s owner platform and to a platform that receives the whole item under its share scopes'
  }))
}, { $id: 'InclusionProofV1' })
export type InclusionProofV1 = Static<typeof InclusionProofV1>

/** Answer to the consistency route. */
export const ConsistencyProofV1 = Type.Object({
  owner: PlatformIdV1,
  listCode: ListCodeV1,
  first: Type.Integer({ minimum: 1 }),
  second: Type.Integer({ minimum: 1 }),
  hash: Type.Optional(LogHash(`${ABSENT}. A verifier hashes with what the checkpoints sign, and refuses an answer stating another`)),
  proof: Type.Array(HashV1, { description: 'RFC 6962 PROOF(first, D[second])' }),
  firstCheckpoint: Type.Union([Type.String(), Type.Null()], { description: 'A signed checkpoint of size first, when one exists' }),
  secondCheckpoint: Type.Union([Type.String(), Type.Null()], { description: 'A signed checkpoint of size second, when one exists' })
}, { $id: 'ConsistencyProofV1' })
export type ConsistencyProofV1 = Static<typeof ConsistencyProofV1>
