-- Reconciliation (issue 6): range fingerprints of every list kept incrementally, and the runs.
--
-- A list is (owner, list_code). Its element set is every entry not removed; an element is
-- (key, version, status, content hash). Elements are ordered by the MD5 of their key
-- "owner:entry_id" (only an order that spreads keys evenly: nothing rests on its strength) so
-- that a range is a hex prefix of it, and a list's fingerprint over a
-- range is (count, two sums mod 2^62 of 62-bit slices of the elements' own SHA-256). Sums can be
-- added and subtracted, so a change adjusts them without reading the rest of the list
-- (src/reconcile/element-hash.ts computes the same values in TypeScript).

-- Ingest pays only for appending each statement's changed rows to recon_deltas (one row per
-- statement, arrays of the changed entries' key, list, version, status and content hash): a
-- statement-level trigger with transition tables, no index on `entries`, no row lock shared with
-- another envelope. Everything else is done by the fold (src/reconcile/ledger-fold.ts), under an
-- advisory lock, when a reconciliation run starts: it moves the deltas into
--   recon_elements: every live entry's element, with its key hash, indexed by (owner, list, key hash)
--                   so that a range's elements are found without reading the rest of the list;
--   recon_buckets:  each list's 65,536 buckets (the first two bytes of the key hash) — count and sums.
-- Both change only in the fold's transaction, so any snapshot sees them consistent with each other.
-- (Measured per 1,000-row upsert: an expression index on `entries` cost ~20 ms and a trigger
-- hashing and grouping rows ~30 ms; this trigger costs a few ms.)

CREATE TABLE recon_deltas (
  id            bigserial PRIMARY KEY,
  owners        text[] NOT NULL,
  entry_ids     text[] NOT NULL,
  list_codes    text[] NOT NULL,
  versions      integer[] NOT NULL,
  statuses      text[] NOT NULL,      -- 'gone' for a deleted row
  content_hashes text[] NOT NULL
);

CREATE FUNCTION recon_entries_changed () RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO recon_deltas (owners, entry_ids, list_codes, versions, statuses, content_hashes)
    SELECT array_agg(owner), array_agg(entry_id), array_agg(list_code), array_agg(version), array_agg('gone'::text), array_agg(content_hash)
    FROM old_rows HAVING count(*) > 0;
  ELSE
    INSERT INTO recon_deltas (owners, entry_ids, list_codes, versions, statuses, content_hashes)
    SELECT array_agg(owner), array_agg(entry_id), array_agg(list_code), array_agg(version), array_agg(status), array_agg(content_hash)
    FROM new_rows HAVING count(*) > 0;
  END IF;
  RETURN NULL;
END $$;

-- Transition tables allow one event per trigger.
CREATE TRIGGER entries_recon_insert AFTER INSERT ON entries
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION recon_entries_changed();
CREATE TRIGGER entries_recon_update AFTER UPDATE ON entries
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION recon_entries_changed();
CREATE TRIGGER entries_recon_delete AFTER DELETE ON entries
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION recon_entries_changed();

CREATE TABLE recon_elements (
  owner         text NOT NULL,
  entry_id      text NOT NULL,
  list_code     text NOT NULL,
  key_hash      bytea NOT NULL,       -- md5(owner:entry_id)
  version       integer NOT NULL,
  status        text NOT NULL,        -- active | suspended
  content_hash  text NOT NULL,
  x1            bigint NOT NULL,      -- 62-bit slices of the element hash
  x2            bigint NOT NULL,
  PRIMARY KEY (owner, entry_id)
);
CREATE INDEX recon_elements_range ON recon_elements (owner, list_code, key_hash);

CREATE TABLE recon_buckets (
  owner      text NOT NULL,
  list_code  text NOT NULL,
  bucket     integer NOT NULL,        -- 0..65535
  n          bigint NOT NULL,
  s1         bigint NOT NULL,         -- mod 2^62
  s2         bigint NOT NULL,         -- mod 2^62
  PRIMARY KEY (owner, list_code, bucket)
);

-- Every reconciliation run: when, scope, how, counts per kind; its findings below.
CREATE TABLE reconciliation_runs (
  id            bigserial PRIMARY KEY,
  owner         text NOT NULL,
  list_code     text NOT NULL,
  platform      text NOT NULL,
  trigger       text NOT NULL CHECK (trigger IN ('api', 'cli', 'schedule', 'demo', 'bench')),
  requested_by  text NOT NULL,
  method        text,                     -- range | export
  status        text NOT NULL CHECK (status IN ('running', 'done', 'failed', 'unsupported')),
  started_at    timestamptz NOT NULL,
  finished_at   timestamptz,
  counts        jsonb NOT NULL DEFAULT '{}',
  stats         jsonb NOT NULL DEFAULT '{}',  -- round trips, bytes, elements compared
  error         text,
  healed_at     timestamptz,
  heal_jtis     text[]
);
CREATE INDEX reconciliation_runs_scope ON reconciliation_runs (owner, list_code, platform, id DESC);

CREATE TABLE reconciliation_findings (
  run_id           bigint NOT NULL REFERENCES reconciliation_runs (id) ON DELETE CASCADE,
  seq              integer NOT NULL,
  kind             text NOT NULL,
  entry_id         text NOT NULL,
  owner_version    integer,
  owner_status     text,
  replica_version  integer,
  replica_status   text,
  cause            text NOT NULL,
  detail           text,
  subject_masked   text,
  PRIMARY KEY (run_id, seq)
);
