import type pg from 'pg'
import type { ProofHash } from '../canonical/proof-hash.js'
import { nodesForRanges, rangeHash, type LeafRange, type NodeId, type NodeLookup } from './merkle-tree.js'

type Queryable = pg.Pool | pg.PoolClient

/** The head of one list's log. */
export interface LogHead {
  id: number
  owner: string
  listCode: string
  size: number
  rootHash: Buffer | null
  /** The log's hash, set when it was created and never changed (migration 024). */
  hash: ProofHash
  updatedAt: Date
}

interface LogRow {
  id: number
  owner: string
  list_code: string
  size: string
  root_hash: Buffer | null
  hash: ProofHash
  updated_at: Date
}
const COLUMNS = 'id, owner, list_code, size, root_hash, hash, updated_at'
const headOf = (r: LogRow): LogHead => (
  {
    id: r.id,
    owner: r.owner,
    listCode: r.list_code,
    size: Number(r.size),
    rootHash: r.root_hash,
    hash: r.hash,
    updatedAt: r.updated_at
  }
)

export async function findLog (
  db: Queryable, owner: string, listCode: string, forUpdate = false
): Promise<LogHead | undefined> {
  const { rows } = await db.query<LogRow>(
    `SELECT ${COLUMNS} FROM transparency_logs WHERE owner = $1 AND list_code = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [owner, listCode])
  return rows[0] === undefined ? undefined : headOf(rows[0])
}

export async function listLogs (db: Queryable): Promise<LogHead[]> {
  const { rows } = await db.query<LogRow>(`SELECT ${COLUMNS} FROM transparency_logs ORDER BY owner, list_code`)
  return rows.map(headOf)
}

/**
 * The log of a list, created empty if it has none yet, locked for this transaction. A new log
 * hashes with `newLogHash` (the deployment's proofHash); an existing one keeps its own.
 */
export async function lockLog (
  client: pg.PoolClient, owner: string, listCode: string, newLogHash: ProofHash
): Promise<LogHead> {
  await client.query(
    'INSERT INTO transparency_logs (owner, list_code, hash, updated_at) VALUES ($1, $2, $3, now()) ON CONFLICT (owner, list_code) DO NOTHING',
    [owner, listCode, newLogHash])
  const head = await findLog(client, owner, listCode, true)
  if (head === undefined) throw new Error(`log ${owner}/${listCode} vanished`)
  return head
}

const keyOf = (n: NodeId): string => `${n.level}:${n.index}`

/** Fetches stored perfect subtree hashes (level 0 from the leaves) in one query. */
export async function loadNodes (db: Queryable, logId: number, nodes: NodeId[]): Promise<Map<string, Buffer>> {
  const leaves = nodes.filter((n) => n.level === 0)
  const inner = nodes.filter((n) => n.level > 0)
  const { rows } = await db.query<{ level: number, idx: string, hash: Buffer }>(
    `SELECT 0 AS level, idx, leaf_hash AS hash FROM transparency_leaves WHERE log_id = $1 AND idx = ANY($2::bigint[])
     UNION ALL
     SELECT n.level, n.idx, n.hash FROM transparency_nodes n
       JOIN unnest($3::int[], $4::bigint[]) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx
     WHERE n.log_id = $1`,
    [logId, leaves.map((n) => n.index), inner.map((n) => n.level), inner.map((n) => n.index)])
  return new Map(rows.map((r) => [`${r.level}:${Number(r.idx)}`, r.hash]))
}

/** A lookup over a map of loaded nodes; a missing node means the log's storage is damaged. */
export function lookupIn (map: Map<string, Uint8Array>, logId: number): NodeLookup {
  return (n) => {
    const h = map.get(keyOf(n))
    if (h === undefined) throw new Error(`log ${logId}: node at level ${n.level}, index ${n.index} is missing`)
    return h
  }
}

/** The hashes MTH(D[a:b]) of `ranges` in a log, read with one query. */
export async function rangeHashes (db: Queryable, log: Pick<LogHead, 'id' | 'hash'>, ranges: LeafRange[]): Promise<Buffer[]> {
  if (ranges.length === 0) return []
  const lookup = lookupIn(await loadNodes(db, log.id, nodesForRanges(ranges)), log.id)
  return ranges.map((r) => Buffer.from(rangeHash(r, lookup, log.hash)))
}

/** Writes new leaves and perfect subtree nodes of a log. */
export async function insertNodes (
  client: pg.PoolClient, logId: number,
  leaves: Array<{ index: number, historyId: string, hash: Uint8Array }>,
  nodes: Array<NodeId & { hash: Uint8Array }>
): Promise<void> {
  if (leaves.length > 0) {
    await client.query(
      `INSERT INTO transparency_leaves (log_id, idx, history_id, leaf_hash)
       SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::bytea[])`,
      [logId, leaves.map((l) => l.index), leaves.map((l) => l.historyId), leaves.map((l) => Buffer.from(l.hash))])
  }
  if (nodes.length > 0) {
    await client.query(
      `INSERT INTO transparency_nodes (log_id, level, idx, hash)
       SELECT $1, * FROM unnest($2::smallint[], $3::bigint[], $4::bytea[])`,
      [logId, nodes.map((n) => n.level), nodes.map((n) => n.index), nodes.map((n) => Buffer.from(n.hash))])
  }
}
