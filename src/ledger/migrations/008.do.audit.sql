-- Audit (issue 7): the query log and the admin actions become append-only, tamper-evident hash
-- chains, and admin users get local accounts and sessions.
--
-- Each chained row gets `seq` (its place in the chain, gapless), `prev_hash` (the hash of the row
-- before it, 64 zeros for the first) and `hash` = SHA-256(prev_hash || canonical encoding of the
-- row). The chain is written by a BEFORE INSERT trigger, so no insert path can skip it: the trigger
-- takes a transaction-scoped advisory lock per table, then reads the chain's head (a new snapshot,
-- taken after the lock, sees the last committed row) — concurrent writers are serialised and the
-- chain stays linear. `credit-gw verify-audit` (src/audit/verify-audit.ts) recomputes every hash in
-- TypeScript from the stored fields.
--
-- Canonical encoding: for each field in a fixed order, `<octets>:<value>;` with the value as UTF-8
-- text (`-;` for NULL); timestamps are kept to the millisecond and encoded as ISO 8601 UTC
-- (`2026-11-23T13:45:01.123Z`), jsonb as PostgreSQL's normalised jsonb text.

CREATE FUNCTION audit_field (v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN v IS NULL THEN '-;' ELSE octet_length(v)::text || ':' || v || ';' END
$$;

CREATE FUNCTION audit_time (t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

CREATE FUNCTION audit_canonical (tbl text, r jsonb, seq bigint, at timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE tbl
    WHEN 'query_log' THEN
      audit_field(seq::text) || audit_field(audit_time(at)) || audit_field(r->>'principal') || audit_field(r->>'role') ||
      audit_field(r->>'route') || audit_field(r->>'subject_masked') || audit_field(r->>'subject_hash') ||
      audit_field(r->>'purpose') || audit_field(r->>'result_count')
    WHEN 'admin_actions' THEN
      audit_field(seq::text) || audit_field(audit_time(at)) || audit_field(r->>'principal') || audit_field(r->>'action') ||
      audit_field(r->>'target') || audit_field(CASE WHEN r->'detail' IS NULL OR jsonb_typeof(r->'detail') = 'null' THEN NULL ELSE (r->'detail')::text END)
  END
$$;

CREATE FUNCTION audit_chain_insert () RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  head record;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('yrd-audit:' || TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME));
  EXECUTE format('SELECT seq, hash FROM %I.%I ORDER BY seq DESC LIMIT 1', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO head;
  NEW.seq := COALESCE(head.seq, 0) + 1;
  NEW.prev_hash := COALESCE(head.hash, repeat('0', 64));
  NEW.at := date_trunc('milliseconds', COALESCE(NEW.at, now()));
  NEW.hash := encode(sha256(convert_to(NEW.prev_hash || audit_canonical(TG_TABLE_NAME, to_jsonb(NEW), NEW.seq, NEW.at), 'UTF8')), 'hex');
  RETURN NEW;
END
$$;

CREATE FUNCTION audit_refuse_change () RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Chain the rows already there, in id order, before the triggers forbid updates.
ALTER TABLE query_log ADD COLUMN seq bigint, ADD COLUMN prev_hash text, ADD COLUMN hash text;
ALTER TABLE admin_actions ADD COLUMN seq bigint, ADD COLUMN prev_hash text, ADD COLUMN hash text;
DO $$
DECLARE
  tbl text;
  r record;
  n bigint;
  prev text;
BEGIN
  FOREACH tbl IN ARRAY ARRAY['query_log', 'admin_actions'] LOOP
    n := 0;
    prev := repeat('0', 64);
    FOR r IN EXECUTE format('SELECT id, date_trunc(''milliseconds'', at) AS at, to_jsonb(t) AS j FROM %I t ORDER BY id', tbl) LOOP
      n := n + 1;
      EXECUTE format('UPDATE %I SET seq = $1, at = $2, prev_hash = $3, hash = $4 WHERE id = $5', tbl)
        USING n, r.at, prev, encode(sha256(convert_to(prev || audit_canonical(tbl, r.j, n, r.at), 'UTF8')), 'hex'), r.id;
      prev := encode(sha256(convert_to(prev || audit_canonical(tbl, r.j, n, r.at), 'UTF8')), 'hex');
    END LOOP;
  END LOOP;
END
$$;
ALTER TABLE query_log ALTER COLUMN seq SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL,
  ADD CONSTRAINT query_log_seq UNIQUE (seq);
ALTER TABLE admin_actions ALTER COLUMN seq SET NOT NULL, ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL,
  ADD CONSTRAINT admin_actions_seq UNIQUE (seq);
CREATE INDEX query_log_at ON query_log (at DESC);
CREATE INDEX admin_actions_at ON admin_actions (at DESC);

CREATE TRIGGER query_log_chain BEFORE INSERT ON query_log FOR EACH ROW EXECUTE FUNCTION audit_chain_insert();
CREATE TRIGGER admin_actions_chain BEFORE INSERT ON admin_actions FOR EACH ROW EXECUTE FUNCTION audit_chain_insert();
CREATE TRIGGER query_log_append_only BEFORE UPDATE OR DELETE ON query_log FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER admin_actions_append_only BEFORE UPDATE OR DELETE ON admin_actions FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER query_log_no_truncate BEFORE TRUNCATE ON query_log FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER admin_actions_no_truncate BEFORE TRUNCATE ON admin_actions FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- Local admin accounts (the dashboard's login): scrypt password hashes, roles checked on every request.
CREATE TABLE admin_users (
  username       text PRIMARY KEY CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
  password_hash  text NOT NULL,          -- scrypt$N$r$p$salt$hash (base64url)
  roles          text[] NOT NULL CHECK (roles <@ ARRAY['admin', 'operator', 'auditor']::text[] AND cardinality(roles) > 0),
  disabled       boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Sessions behind the signed session cookie: only a hash of the cookie's random id is stored.
CREATE TABLE admin_sessions (
  id_hash     text PRIMARY KEY,
  username    text NOT NULL REFERENCES admin_users (username) ON DELETE CASCADE,
  csrf_token  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  seen_at     timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX admin_sessions_user ON admin_sessions (username);
