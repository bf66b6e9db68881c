import type pg from 'pg'
import type { ConsistencyProofV1, InclusionProofV1 } from '../../contracts/transparency-v1.js'
import { GatewayError } from '../errors/gateway-error.js'
import { leafBytes, leafOfHistory, type HistoryRow } from './change-leaf.js'
import { checkpointOfSize, latestCheckpoint } from './checkpoint-store.js'
import { findLog, rangeHashes, type LogHead } from './log-store.js'
import { consistencyRanges, inclusionRanges, leafHash } from './merkle-tree.js'

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url')

export async function requireLog (db: pg.Pool, owner: string, listCode: string): Promise<LogHead> {
  const head = await findLog(db, owner, listCode)
  if (head === undefined) throw new GatewayError('NOT_FOUND', `no log for list ${owner}/${listCode}`)
  return head
}

/** The tree size a proof is asked against: given, or the newest checkpoint's. */
async function sizeOrLatest (db: pg.Pool, head: LogHead, size: number | undefined): Promise<number> {
  if (size !== undefined) {
    if (size > head.size) throw new GatewayError('BAD_REQUEST', `the log of ${head.owner}/${head.listCode} has ${head.size} leaves, not ${size}`)
    return size
  }
  const cp = await latestCheckpoint(db, head.id)
  if (cp === undefined) throw new GatewayError('NOT_FOUND', `no checkpoint signed yet for ${head.owner}/${head.listCode}: give treeSize`)
  return cp.treeSize
}

/**
 * The inclusion proof of one change (entryId + version) in a list's log of `treeSize` leaves.
 * The leaf is rebuilt from the ledger's history row as it is now: if that row was altered after
 * it was logged, the leaf no longer hashes to what the tree holds and the proof fails for whoever
 * checks it against a checkpoint (a row whose personal fields were erased keeps the dataHash its
 * leaf committed to). The salt of a v2 leaf is added only when `mayReadContent` says the caller
 * is entitled to the whole item (see salt-entitlement.ts), and never after the erasure.
 */
export async function inclusionProof (
  db: pg.Pool, owner: string, listCode: string, entryId: string, version: number, treeSize: number | undefined,
  warn: (obj: object, msg: string) => void,
  mayReadContent: (action: string, item: unknown) => boolean = () => false
): Promise<InclusionProofV1> {
  const head = await requireLog(db, owner, listCode)
  if (version > 2147483647) throw new GatewayError('NOT_FOUND', `no version ${version} of ${owner}:${entryId}`)
  const { rows } = await db.query<HistoryRow & { idx: string, leaf_hash: Buffer }>(
    `SELECT l.idx, l.leaf_hash, h.owner, $4::text AS list_code, h.entry_id, h.version, h.action, h.status, h.jti, h.data, h.recorded_at, h.salt, h.leaf_data_hash
     FROM entry_history h JOIN transparency_leaves l ON l.history_id = h.id
     WHERE h.owner = $1 AND h.entry_id = $2 AND h.version = $3 AND l.log_id = $5`,
    [owner, entryId, version, listCode, head.id])
  const row = rows[0]
  if (row === undefined) throw new GatewayError('NOT_FOUND', `version ${version} of ${owner}:${entryId} is not (yet) in the log of ${owner}/${listCode}`)
  const index = Number(row.idx)
  const size = await sizeOrLatest(db, head, treeSize)
  if (index >= size) throw new GatewayError('BAD_REQUEST', `the change is leaf ${index}, after a tree of ${size} leaves: ask against a larger tree`)
  const leaf = leafOfHistory(row, head.hash)
  const hash = leafHash(leafBytes(leaf), head.hash)
  if (!hash.equals(row.leaf_hash)) warn({ owner, listCode, leafIndex: index }, 'transparency: a history row no longer matches its logged leaf')
  const path = await rangeHashes(db, head, inclusionRanges(index, size))
  const cp = await checkpointOfSize(db, head.id, size)
  return {
    owner,
    listCode,
    treeSize: size,
    leafIndex: index,
    hash: head.hash,
    leaf,
    leafHash: b64u(hash),
    auditPath: path.map(b64u),
    checkpoint: cp?.checkpoint ?? null,
    // Once the row's personal fields were erased, nobody gets the salt: with it, the leaf's
    // dataHash and an item received without the identity numbers, those could be guessed back.
    ...(
      row.salt !== null && (
        row.leaf_data_hash ?? null
      ) === null && mayReadContent(row.action, row.data)
        ? { salt: b64u(row.salt) }
        : {}
    )
  }
}

/** The consistency proof between two sizes of a list's log (second defaults to the newest checkpoint's). */
export async function consistencyProof (
  db: pg.Pool, owner: string, listCode: string, first: number, second: number | undefined
): Promise<ConsistencyProofV1> {
  const head = await requireLog(db, owner, listCode)
  const size2 = await sizeOrLatest(db, head, second)
  if (first < 1 || first > size2) throw new GatewayError('BAD_REQUEST', `first (${first}) must be between 1 and second (${size2})`)
  const proof = first === size2 ? [] : await rangeHashes(db, head, consistencyRanges(first, size2))
  const [cp1, cp2] = await Promise.all([checkpointOfSize(db, head.id, first), checkpointOfSize(db, head.id, size2)])
  return {
    owner,
    listCode,
    first,
    second: size2,
    hash: head.hash,
    proof: proof.map(b64u),
    firstCheckpoint: cp1?.checkpoint ?? null,
    secondCheckpoint: cp2?.checkpoint ?? null
  }
}
