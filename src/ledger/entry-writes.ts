import type pg from 'pg'
import type { ItemErrorV1 } from '../../contracts/problem-v1.js'
import { GatewayError } from '../errors/gateway-error.js'

// The envelope's payload travels as one jsonb value: a whole envelope is written in one statement.
const INPUT = `input AS (
  SELECT x->>'entryId' AS entry_id, (x->>'version')::int AS version, x AS data, (ord - 1)::int AS idx
  FROM jsonb_array_elements(($1::jsonb)->'items') WITH ORDINALITY AS t(x, ord)
)`

const UPSERT = `WITH ${INPUT},
up AS (
  INSERT INTO entries (owner, entry_id, version, status, list_type, list_code, domain, subject_type,
                       subject_id, data, content_hash, removal, last_iss, last_jti, created_at, updated_at)
  SELECT $2, i.entry_id, i.version, 'active', i.data->>'listType', i.data->>'listCode', i.data->>'domain',
         i.data->'subject'->>'type', coalesce(i.data->'subject'->>'creditCode', i.data->'subject'->>'idNumber'),
         i.data, encode(sha256(convert_to(i.data::text, 'UTF8')), 'hex'), NULL, $5, $3, $4, $4
  FROM input i
  ON CONFLICT (owner, entry_id) DO UPDATE SET
    version = EXCLUDED.version, status = CASE WHEN entries.status = 'suspended' THEN 'suspended' ELSE 'active' END, list_type = EXCLUDED.list_type,
    list_code = EXCLUDED.list_code, domain = EXCLUDED.domain, subject_type = EXCLUDED.subject_type,
    subject_id = EXCLUDED.subject_id, data = EXCLUDED.data, content_hash = EXCLUDED.content_hash,
    removal = NULL, last_iss = EXCLUDED.last_iss, last_jti = EXCLUDED.last_jti, updated_at = EXCLUDED.updated_at
  WHERE entries.version < EXCLUDED.version
  RETURNING entry_id, status
)
INSERT INTO entry_history (owner, entry_id, version, action, status, iss, jti, item_index, data, recorded_at)
SELECT $2, i.entry_id, i.version, 'upsert', up.status, $5, $3, i.idx, i.data, $4
FROM input i JOIN up USING (entry_id)`

const REMOVE = `WITH ${INPUT},
up AS (
  UPDATE entries e SET version = i.version, status = 'removed', removal = i.data,
         last_iss = $5, last_jti = $3, updated_at = $4
  FROM input i
  WHERE e.owner = $2 AND e.entry_id = i.entry_id AND e.version < i.version
  RETURNING e.entry_id
)
INSERT INTO entry_history (owner, entry_id, version, action, status, iss, jti, item_index, data, recorded_at)
SELECT $2, i.entry_id, i.version, 'remove', 'removed', $5, $3, i.idx, i.data, $4
FROM input i JOIN up USING (entry_id)`

interface VersionedItem { entryId: string, version: number }

/** Explains, item by item, why some items of an envelope were not written. */
async function rejectUnwritten (
  client: pg.PoolClient, owner: string, items: VersionedItem[], removal: boolean
): Promise<never> {
  const { rows } = await client.query<{ entry_id: string, version: number }>(
    'SELECT entry_id, version FROM entries WHERE owner = $1 AND entry_id = ANY($2::text[])',
    [owner, items.map((i) => i.entryId)])
  const current = new Map(rows.map((r) => [r.entry_id, r.version]))
  const errors: ItemErrorV1[] = []
  items.forEach((item, index) => {
    const v = current.get(item.entryId)
    if (v === undefined && removal) {
      errors.push({ index, path: '/entryId', code: 'ENTRY_UNKNOWN', detail: 'no such entry at this owner' })
    } else if (v !== undefined && v >= item.version) {
      errors.push({ index, path: '/version', code: 'VERSION_CONFLICT', detail: `version ${item.version} is not newer than the current version ${v}` })
    }
  })
  const first = errors[0]
  if (first === undefined) throw new GatewayError('INTERNAL', 'entries were not written for an unknown reason')
  throw new GatewayError(first.code === 'ENTRY_UNKNOWN' ? 'ENTRY_UNKNOWN' : 'VERSION_CONFLICT',
    `${errors.length} item(s) conflict with the ledger; the envelope was not accepted`, { errors: errors.slice(0, 100) })
}

/**
 * Writes the entries (an entry under an open objection stays suspended through an update: the
 * owner may correct it while it verifies) of a `list.upsert` or `list.remove` envelope and their history. An item whose
 * version is not newer than the entry's current one (or a removal of an unknown entry) rejects
 * the whole envelope: the caller's transaction rolls back. `message` is the envelope that makes
 * the change: the owner's own, or the gateway's (iss YRD) when it removes on the owner's behalf.
 */
export async function writeEntries (
  client: pg.PoolClient, kind: 'list.upsert' | 'list.remove', owner: string, message: { iss: string, jti: string },
  items: VersionedItem[], payloadText: string, at: Date
): Promise<void> {
  const sql = kind === 'list.upsert' ? UPSERT : REMOVE
  // The payload's own text goes to PostgreSQL: no second JSON.stringify of 1,000 items.
  const result = await client.query(sql, [payloadText, owner, message.jti, at, message.iss])
  if (result.rowCount !== items.length) await rejectUnwritten(client, owner, items, kind === 'list.remove')
}
