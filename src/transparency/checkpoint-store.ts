import type pg from 'pg'
import type { ProofHash } from '../canonical/proof-hash.js'
import { CHECKPOINT_TYP, type CheckpointClaimsV1, type CheckpointV1 } from '../../contracts/transparency-v1.js'
import type { GatewayKeys } from '../keys/signing-keys.js'
import { inTransaction } from '../ledger/pool.js'
import { findLog } from './log-store.js'
import { emptyRoot } from './merkle-tree.js'
import { GATEWAY_ID } from '../../contracts/envelope-v1.js'

type Queryable = pg.Pool | pg.PoolClient

interface CheckpointRow {
  id: string
  owner: string
  list_code: string
  tree_size: string
  root_hash: Buffer
  hash: ProofHash
  signed_at: Date
  jws: string
}

// A checkpoint's hash is its log's: a log never changes hash, so every checkpoint of it was signed with it.
const SELECT = `SELECT c.id, l.owner, l.list_code, c.tree_size, c.root_hash, l.hash, c.signed_at, c.jws
  FROM transparency_checkpoints c JOIN transparency_logs l ON l.id = c.log_id`

const toApi = (r: CheckpointRow): CheckpointV1 => ({
  id: r.id,
  owner: r.owner,
  listCode: r.list_code,
  treeSize: Number(r.tree_size),
  rootHash: r.root_hash.toString('base64url'),
  hash: r.hash,
  signedAt: r.signed_at.toISOString(),
  checkpoint: r.jws
})

/** Newest first; `before` pages by id. */
export async function listCheckpoints (
  db: Queryable, logId: number, before: string | undefined, limit: number
): Promise<CheckpointV1[]> {
  const { rows } = await db.query<CheckpointRow>(
    `${SELECT} WHERE c.log_id = $1 AND ($2::bigint IS NULL OR c.id < $2) ORDER BY c.id DESC LIMIT $3`, [logId, before ?? null, limit])
  return rows.map(toApi)
}

export async function latestCheckpoint (db: Queryable, logId: number): Promise<CheckpointV1 | undefined> {
  return (await listCheckpoints(db, logId, undefined, 1))[0]
}

/** The newest checkpoint of exactly `size` leaves, if one was signed. */
export async function checkpointOfSize (db: Queryable, logId: number, size: number): Promise<CheckpointV1 | undefined> {
  const { rows } = await db.query<CheckpointRow>(`${SELECT} WHERE c.log_id = $1 AND c.tree_size = $2 ORDER BY c.id DESC LIMIT 1`, [logId, size])
  return rows[0] === undefined ? undefined : toApi(rows[0])
}

/**
 * Signs and stores a checkpoint of a list's log as it stands. With `onlyIfGrown`, nothing is
 * signed when the newest checkpoint already has the log's size (the scheduled run). The log's
 * head row is locked meanwhile, so two gateways never sign the same growth twice.
 */
export async function signCheckpoint (
  pool: pg.Pool, keys: GatewayKeys, owner: string, listCode: string, onlyIfGrown = false
): Promise<CheckpointV1 | undefined> {
  return await inTransaction(pool, async (client) => {
    const head = await findLog(client, owner, listCode, true)
    if (head === undefined) return undefined
    if (onlyIfGrown) {
      const last = await latestCheckpoint(client, head.id)
      if (last !== undefined && last.treeSize >= head.size) return undefined
    }
    const at = new Date()
    const root = head.rootHash ?? emptyRoot(head.hash)
    // `hash` is signed so a verifier never guesses it: a checkpoint without it (signed before) is SHA-256.
    const claims: CheckpointClaimsV1 = {
      iss: GATEWAY_ID,
      log: `${owner}/${listCode}`,
      owner,
      listCode,
      treeSize: head.size,
      rootHash: root.toString('base64url'),
      issuedAt: at.toISOString(),
      iat: Math.floor(at.getTime() / 1000),
      hash: head.hash
    }
    const jws = await keys.sign(claims, CHECKPOINT_TYP)
    const { rows } = await client.query<{ id: string }>(
      'INSERT INTO transparency_checkpoints (log_id, tree_size, root_hash, signed_at, jws) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [head.id, head.size, root, at, jws])
    return {
      id: rows[0]?.id ?? '', owner, listCode, treeSize: head.size, rootHash: claims.rootHash, hash: head.hash, signedAt: claims.issuedAt, checkpoint: jws
    }
  })
}

/** The scheduled run: a checkpoint for every log that grew since its newest one. */
export async function signGrownCheckpoints (pool: pg.Pool, keys: GatewayKeys): Promise<CheckpointV1[]> {
  const { rows } = await pool.query<{ owner: string, list_code: string }>(
    `SELECT l.owner, l.list_code FROM transparency_logs l
     WHERE l.size > coalesce((SELECT c.tree_size FROM transparency_checkpoints c WHERE c.log_id = l.id ORDER BY c.id DESC LIMIT 1), 0)
     ORDER BY l.owner, l.list_code`)
  const signed: CheckpointV1[] = []
  for (const r of rows) {
    const cp = await signCheckpoint(pool, keys, r.owner, r.list_code, true)
    if (cp !== undefined) signed.push(cp)
  }
  return signed
}
