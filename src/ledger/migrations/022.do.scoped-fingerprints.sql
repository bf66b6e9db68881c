-- Reconciliation of platforms with narrower share scopes (issue 17 item 5).
--
-- A platform whose share scopes withhold catalogue fields holds every entry without them
-- (src/delivery/share-scope.ts, applyShareScope), and not at all an entry whose subject would lose
-- its only identifier. Its content hashes are over that projection, so the ledger's own hashes
-- (entries.content_hash, recon_elements) would show every entry as different. For each set of
-- withheld fields in use (a "reconciliation scope", keyed by the sorted field paths) the fold keeps
-- a copy of the element and bucket tables of migration 006 over the projection, maintained from the
-- same deltas with the same work per change. Platforms that withhold nothing (the default scopes)
-- use migration 006's tables only: no scope row, no extra work for them or for ingest.

-- `recon_without(item, path)` is share-scope.ts's `without`: deletes a dot path, arrays transparent.
CREATE FUNCTION recon_without (j jsonb, path text[]) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  IF jsonb_typeof(j) = 'array' THEN
    RETURN (SELECT coalesce(jsonb_agg(recon_without(e, path) ORDER BY o), '[]'::jsonb)
            FROM jsonb_array_elements(j) WITH ORDINALITY AS t(e, o));
  END IF;
  IF jsonb_typeof(j) <> 'object' OR cardinality(path) = 0 OR NOT j ? path[1] THEN RETURN j; END IF;
  IF cardinality(path) = 1 THEN RETURN j - path[1]; END IF;
  RETURN jsonb_set(j, ARRAY[path[1]], recon_without(j -> path[1], path[2:]));
END $$;

-- What a platform withholding `withheld` holds of a list entry: the item without those fields, or
-- NULL when its subject is left with neither a credit code nor an identity number (withheld whole).
CREATE FUNCTION recon_scoped_item (data jsonb, withheld text[]) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  out jsonb := data;
  f text;
  subject jsonb;
BEGIN
  FOREACH f IN ARRAY withheld LOOP
    out := recon_without(out, string_to_array(f, '.'));
  END LOOP;
  subject := CASE WHEN jsonb_typeof(out) = 'object' THEN out -> 'subject' END;
  IF jsonb_typeof(subject) IS DISTINCT FROM 'object' OR NOT (subject ? 'creditCode' OR subject ? 'idNumber') THEN
    RETURN NULL;
  END IF;
  RETURN out;
END $$;

-- Each scope in use; one unused for 30 days is dropped by the fold (with its rows).
CREATE TABLE recon_scopes (
  scope_key  text PRIMARY KEY,        -- the withheld field paths, sorted, space-separated
  withheld   text[] NOT NULL,
  used_at    timestamptz NOT NULL
);

CREATE TABLE recon_scoped_elements (
  scope_key     text NOT NULL REFERENCES recon_scopes (scope_key) ON DELETE CASCADE,
  owner         text NOT NULL,
  entry_id      text NOT NULL,
  list_code     text NOT NULL,
  key_hash      bytea NOT NULL,
  version       integer NOT NULL,
  status        text NOT NULL,
  content_hash  text NOT NULL,        -- over recon_scoped_item(data, withheld)
  x1            bigint NOT NULL,
  x2            bigint NOT NULL,
  PRIMARY KEY (scope_key, owner, entry_id)
);
CREATE INDEX recon_scoped_elements_range ON recon_scoped_elements (scope_key, owner, list_code, key_hash);

CREATE TABLE recon_scoped_buckets (
  scope_key  text NOT NULL REFERENCES recon_scopes (scope_key) ON DELETE CASCADE,
  owner      text NOT NULL,
  list_code  text NOT NULL,
  bucket     integer NOT NULL,
  n          bigint NOT NULL,
  s1         bigint NOT NULL,
  s2         bigint NOT NULL,
  PRIMARY KEY (scope_key, owner, list_code, bucket)
);
