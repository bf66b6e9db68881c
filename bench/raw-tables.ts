/**
 * The baselines' tables: what the cheapest durable pipeline built from the same parts writes, with
 * no verification, validation, history, outbox or delivery around it.
 */

/**
 * `raw_entries` holds the rows of `entries` with the same columns, computed from the item the same
 * way, but with no envelope, history or outbox around them (and so no foreign key).
 */
export const RAW_ENTRIES_TABLE = `CREATE TABLE raw_entries (
  owner text NOT NULL, entry_id text NOT NULL, version integer NOT NULL, status text NOT NULL,
  list_type text NOT NULL, list_code text NOT NULL, domain text NOT NULL, subject_type text NOT NULL,
  subject_id text NOT NULL, data jsonb NOT NULL, content_hash text NOT NULL, removal jsonb,
  last_jti text NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
  PRIMARY KEY (owner, entry_id)
)`

/**
 * The raw batched upsert of `raw_entries`: one statement for a batch of items, read from `items`
 * (an SQL expression giving a jsonb array; `$1` holds the JSON), owner `$2`, jti `$3`, time `$4`.
 */
export function rawUpsertSql (items = '$1::jsonb'): string {
  return `INSERT INTO raw_entries (owner, entry_id, version, status, list_type, list_code, domain,
    subject_type, subject_id, data, content_hash, removal, last_jti, created_at, updated_at)
  SELECT $2, x->>'entryId', (x->>'version')::int, 'active', x->>'listType', x->>'listCode', x->>'domain',
         x->'subject'->>'type', coalesce(x->'subject'->>'creditCode', x->'subject'->>'idNumber'),
         x, encode(sha256(convert_to(x::text, 'UTF8')), 'hex'), NULL, $3, $4, $4
  FROM jsonb_array_elements(${items}) AS t(x)
  ON CONFLICT (owner, entry_id) DO UPDATE SET
    version = EXCLUDED.version, status = 'active', list_type = EXCLUDED.list_type,
    list_code = EXCLUDED.list_code, domain = EXCLUDED.domain, subject_type = EXCLUDED.subject_type,
    subject_id = EXCLUDED.subject_id, data = EXCLUDED.data, content_hash = EXCLUDED.content_hash,
    removal = NULL, last_jti = EXCLUDED.last_jti, updated_at = EXCLUDED.updated_at
  WHERE raw_entries.version < EXCLUDED.version`
}

/** The minimal durable pipeline's envelope table: the raw bytes as received. */
export const RAW_ENVELOPES_TABLE = `CREATE TABLE raw_envelopes (
  iss text NOT NULL, jti text NOT NULL, body bytea NOT NULL, received_at timestamptz NOT NULL,
  PRIMARY KEY (iss, jti)
)`

/**
 * One envelope in one transaction (a single statement): its raw bytes `$3` into `raw_envelopes`
 * and its items (`$4`, a JSON array) into `raw_entries` (iss `$1`, jti `$2`, time `$5`).
 */
export const RAW_ENVELOPE_INSERT = `WITH e AS (
    INSERT INTO raw_envelopes (iss, jti, body, received_at) VALUES ($1, $2, $3, $5) RETURNING iss, jti
  )
  INSERT INTO raw_entries (owner, entry_id, version, status, list_type, list_code, domain,
    subject_type, subject_id, data, content_hash, removal, last_jti, created_at, updated_at)
  SELECT e.iss, x->>'entryId', (x->>'version')::int, 'active', x->>'listType', x->>'listCode', x->>'domain',
         x->'subject'->>'type', coalesce(x->'subject'->>'creditCode', x->'subject'->>'idNumber'),
         x, encode(sha256(convert_to(x::text, 'UTF8')), 'hex'), NULL, e.jti, $5, $5
  FROM e, jsonb_array_elements($4::jsonb) AS t(x)`
