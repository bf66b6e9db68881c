-- Transparency: one append-only RFC 6962 log per list (owner platform + list code) over the
-- entries' changes, the hashes its proofs need, and the checkpoints the gateway signs.

-- Every accepted envelope is queued here by a row trigger, in the transaction that writes it and
-- its entries' history (src/ledger/envelope-store.ts writes both in one transaction): the
-- sequencer never misses a change whose transaction commits late (bigserial ids are not committed
-- in order) and never sees one that rolls back. One queue row per envelope, not per history row:
-- ingest pays a few microseconds per envelope and one index entry per history row (below).
CREATE TABLE transparency_pending (
  id   bigserial PRIMARY KEY,
  jti  text NOT NULL
);

CREATE FUNCTION transparency_enqueue () RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO transparency_pending (jti) VALUES (NEW.jti);
  RETURN NULL;
END
$$;

CREATE TRIGGER envelopes_transparency AFTER INSERT ON envelopes
  FOR EACH ROW EXECUTE FUNCTION transparency_enqueue();

-- The sequencer finds a queued envelope's history rows by jti.
CREATE INDEX IF NOT EXISTS entry_history_jti ON entry_history (jti);

-- History written before this migration is sequenced too, envelope by envelope in history order.
INSERT INTO transparency_pending (jti) SELECT jti FROM entry_history GROUP BY jti ORDER BY min(id);

-- The head of each list's log: its size and root. The sequencer and the signer lock this row.
CREATE TABLE transparency_logs (
  id          serial PRIMARY KEY,
  owner       text NOT NULL,
  list_code   text NOT NULL,
  size        bigint NOT NULL DEFAULT 0,
  root_hash   bytea,
  updated_at  timestamptz NOT NULL,
  UNIQUE (owner, list_code)
);

-- Leaf i of a log: the entry_history row it commits to and SHA-256(0x00 || leaf bytes).
CREATE TABLE transparency_leaves (
  log_id      integer NOT NULL REFERENCES transparency_logs (id),
  idx         bigint NOT NULL,
  history_id  bigint NOT NULL UNIQUE,
  leaf_hash   bytea NOT NULL,
  PRIMARY KEY (log_id, idx)
);

-- Perfect subtrees above the leaves: node (level, idx) covers leaves [idx·2^level, (idx+1)·2^level).
-- Any root or proof is computed from O(log n) of them; nothing rehashes the log.
CREATE TABLE transparency_nodes (
  log_id  integer NOT NULL REFERENCES transparency_logs (id),
  level   smallint NOT NULL CHECK (level > 0),
  idx     bigint NOT NULL,
  hash    bytea NOT NULL,
  PRIMARY KEY (log_id, level, idx)
);

-- Signed checkpoints (compact JWS, typ yrd-checkpoint+jwt), kept so proofs can refer to them.
CREATE TABLE transparency_checkpoints (
  id         bigserial PRIMARY KEY,
  log_id     integer NOT NULL REFERENCES transparency_logs (id),
  tree_size  bigint NOT NULL,
  root_hash  bytea NOT NULL,
  signed_at  timestamptz NOT NULL,
  jws        text NOT NULL
);
CREATE INDEX transparency_checkpoints_log ON transparency_checkpoints (log_id, id DESC);
CREATE INDEX transparency_checkpoints_size ON transparency_checkpoints (log_id, tree_size);
