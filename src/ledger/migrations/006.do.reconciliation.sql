-- Reconciliation (issue 6): range fingerprints of every list kept incrementally, and the runs.
--
-- A list is (owner, list_code). Its element set is every entry not removed; an element is
-- (key, version, status, content hash). Elements are ordered by the SHA-256 of their key
-- "owner:entry_id" so that a range is a hex prefix of that hash, and a list's fingerprint over a
-- range is (count, two sums mod 2^62 of 62-bit slices of the elements' own SHA-256). Sums can be
-- added and subtracted, so a change adjusts them without reading anything else
-- (src/reconcile/element-hash.ts computes the same values in TypeScript).

-- The ordering key. Declared IMMUTABLE although convert_to() is STABLE: the database encoding is
-- UTF8 and never changes under a running ledger, which is what makes it usable in an index.
CREATE FUNCTION recon_key_hash (owner text, entry_id text) RETURNS bytea
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT sha256(convert_to(owner || ':' || entry_id, 'UTF8')) $$;

CREATE FUNCTION recon_element_hash (owner text, entry_id text, version integer, status text, content_hash text) RETURNS bytea
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT sha256(convert_to(owner || ':' || entry_id || E'\n' || version || E'\n' || status || E'\n' || content_hash, 'UTF8')) $$;

-- The low 62 bits of 8 bytes of a hash, from byte `at` (0-based).
CREATE FUNCTION recon_slice62 (h bytea, at integer) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT (('x' || encode(substring(h FROM at + 1 FOR 8), 'hex'))::bit(64)::bigint) & 4611686018427387903 $$;

-- Finds the elements of a range of a list without reading the rest of the list.
CREATE INDEX entries_recon_key ON entries (owner, list_code, recon_key_hash(owner, entry_id));

-- What each list's 65,536 buckets (the first two bytes of the key hash) hold: folded from the
-- deltas below when a run starts, under an advisory lock per list.
CREATE TABLE recon_buckets (
  owner      text NOT NULL,
  list_code  text NOT NULL,
  bucket     integer NOT NULL,        -- 0..65535
  n          bigint NOT NULL,
  s1         bigint NOT NULL,         -- mod 2^62
  s2         bigint NOT NULL,         -- mod 2^62
  PRIMARY KEY (owner, list_code, bucket)
);

-- Append-only changes to the buckets, one row per statement and list, written by the triggers
-- on `entries`. Insert-only, so concurrent ingest of one list never waits on a bucket row lock.
CREATE TABLE recon_deltas (
  id         bigserial PRIMARY KEY,
  owner      text NOT NULL,
  list_code  text NOT NULL,
  buckets    integer[] NOT NULL,
  dn         bigint[] NOT NULL,
  ds1        bigint[] NOT NULL,
  ds2        bigint[] NOT NULL
);
CREATE INDEX recon_deltas_list ON recon_deltas (owner, list_code, id);

-- Writes the delta of one statement: +element for each new live row, -element for each old one.
-- Sums stay in [0, 2^62): a subtraction adds 2^62 - x.
CREATE FUNCTION recon_entries_changed () RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO recon_deltas (owner, list_code, buckets, dn, ds1, ds2)
    SELECT owner, list_code, array_agg(bucket ORDER BY bucket), array_agg(dn ORDER BY bucket),
           array_agg(ds1 ORDER BY bucket), array_agg(ds2 ORDER BY bucket)
    FROM (
      SELECT owner, list_code, bucket, count(*) AS dn,
             (sum(recon_slice62(h, 0)) % 4611686018427387904)::bigint AS ds1,
             (sum(recon_slice62(h, 8)) % 4611686018427387904)::bigint AS ds2
      FROM (SELECT owner, list_code, get_byte(recon_key_hash(owner, entry_id), 0) * 256 + get_byte(recon_key_hash(owner, entry_id), 1) AS bucket,
                   recon_element_hash(owner, entry_id, version, status, content_hash) AS h
            FROM new_rows WHERE status <> 'removed') x
      GROUP BY owner, list_code, bucket
    ) g GROUP BY owner, list_code;
  ELSE
    INSERT INTO recon_deltas (owner, list_code, buckets, dn, ds1, ds2)
    SELECT owner, list_code, array_agg(bucket ORDER BY bucket), array_agg(dn ORDER BY bucket),
           array_agg(ds1 ORDER BY bucket), array_agg(ds2 ORDER BY bucket)
    FROM (
      SELECT owner, list_code, bucket, sum(sign) AS dn,
             (sum(CASE WHEN sign > 0 THEN recon_slice62(h, 0) ELSE 4611686018427387904 - recon_slice62(h, 0) END) % 4611686018427387904)::bigint AS ds1,
             (sum(CASE WHEN sign > 0 THEN recon_slice62(h, 8) ELSE 4611686018427387904 - recon_slice62(h, 8) END) % 4611686018427387904)::bigint AS ds2
      FROM (
        SELECT owner, list_code, get_byte(recon_key_hash(owner, entry_id), 0) * 256 + get_byte(recon_key_hash(owner, entry_id), 1) AS bucket,
               recon_element_hash(owner, entry_id, version, status, content_hash) AS h, 1 AS sign
        FROM new_rows WHERE status <> 'removed'
        UNION ALL
        SELECT owner, list_code, get_byte(recon_key_hash(owner, entry_id), 0) * 256 + get_byte(recon_key_hash(owner, entry_id), 1),
               recon_element_hash(owner, entry_id, version, status, content_hash), -1
        FROM old_rows WHERE status <> 'removed'
      ) x
      GROUP BY owner, list_code, bucket
    ) g GROUP BY owner, list_code;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER entries_recon_insert AFTER INSERT ON entries
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION recon_entries_changed();
CREATE TRIGGER entries_recon_update AFTER UPDATE ON entries
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION recon_entries_changed();

CREATE FUNCTION recon_entries_deleted () RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO recon_deltas (owner, list_code, buckets, dn, ds1, ds2)
  SELECT owner, list_code, array_agg(bucket ORDER BY bucket), array_agg(dn ORDER BY bucket),
         array_agg(ds1 ORDER BY bucket), array_agg(ds2 ORDER BY bucket)
  FROM (
    SELECT owner, list_code, bucket, -count(*) AS dn,
           (sum(4611686018427387904 - recon_slice62(h, 0)) % 4611686018427387904)::bigint AS ds1,
           (sum(4611686018427387904 - recon_slice62(h, 8)) % 4611686018427387904)::bigint AS ds2
    FROM (SELECT owner, list_code, get_byte(recon_key_hash(owner, entry_id), 0) * 256 + get_byte(recon_key_hash(owner, entry_id), 1) AS bucket,
                 recon_element_hash(owner, entry_id, version, status, content_hash) AS h
          FROM old_rows WHERE status <> 'removed') x
    GROUP BY owner, list_code, bucket
  ) g GROUP BY owner, list_code;
  RETURN NULL;
END $$;

CREATE TRIGGER entries_recon_delete AFTER DELETE ON entries
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION recon_entries_deleted();

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
  heal_jti      text
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
