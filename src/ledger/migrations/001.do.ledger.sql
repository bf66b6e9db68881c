-- The durable ledger: every accepted envelope, the current state and history of every entry, the
-- outbox of deliveries per destination, and the security and query logs.

CREATE TABLE envelopes (
  jti          text PRIMARY KEY,
  iss          text NOT NULL,
  kind         text NOT NULL,
  digest       text NOT NULL,            -- SHA-256 of the exact bytes received, base64url
  jws          text NOT NULL,            -- the envelope as received (evidence)
  item_count   integer NOT NULL,
  receipt      text NOT NULL,            -- the gateway's signed receipt
  received_at  timestamptz NOT NULL
);
CREATE INDEX envelopes_iss_received ON envelopes (iss, received_at DESC);

-- Current state of each entry. Removed entries stay as tombstones: their version keeps a late,
-- older upsert from bringing them back.
CREATE TABLE entries (
  owner          text NOT NULL,
  entry_id       text NOT NULL,
  version        integer NOT NULL,
  status         text NOT NULL CHECK (status IN ('active', 'suspended', 'removed')),
  list_type      text NOT NULL,
  list_code      text NOT NULL,
  domain         text NOT NULL,
  subject_type   text NOT NULL,
  subject_id     text NOT NULL,          -- credit code, or identity number (never shown unmasked)
  data           jsonb NOT NULL,         -- the entry as last published by its owner
  content_hash   text NOT NULL,
  removal        jsonb,                  -- the list.remove item, once removed
  last_jti       text NOT NULL REFERENCES envelopes (jti),
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  PRIMARY KEY (owner, entry_id)
);
CREATE INDEX entries_subject ON entries (subject_id) WHERE status <> 'removed';

-- Every state change of every entry (全生命周期状态变化), append-only.
CREATE TABLE entry_history (
  id           bigserial PRIMARY KEY,
  owner        text NOT NULL,
  entry_id     text NOT NULL,
  version      integer NOT NULL,
  action       text NOT NULL,            -- upsert | remove
  status       text NOT NULL,
  jti          text NOT NULL REFERENCES envelopes (jti),
  item_index   integer NOT NULL,
  data         jsonb NOT NULL,
  recorded_at  timestamptz NOT NULL,
  UNIQUE (owner, entry_id, version)
);

-- The outbox: one row per (message, destination), written in the same transaction as the
-- envelope; the delivery relay drains it. It is also where each destination's status lives.
CREATE TABLE deliveries (
  id            bigserial PRIMARY KEY,
  jti           text NOT NULL REFERENCES envelopes (jti),
  destination   text NOT NULL,
  status        text NOT NULL DEFAULT 'queued'
                CHECK (status IN ('queued', 'delivering', 'delivered', 'retrying', 'dead')),
  attempts      integer NOT NULL DEFAULT 0,
  last_error    text,
  receipt       jsonb,
  enqueued_at   timestamptz,             -- set when the relay has handed the row to the queue
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  delivered_at  timestamptz,
  UNIQUE (jti, destination)
);
CREATE INDEX deliveries_unrelayed ON deliveries (id) WHERE enqueued_at IS NULL;
CREATE INDEX deliveries_status ON deliveries (status, destination);

-- Rejected envelopes leave this line and nothing else: no item content, no personal data.
CREATE TABLE security_log (
  id           bigserial PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT now(),
  code         text NOT NULL,
  status       integer NOT NULL,
  remote       text,
  iss_claimed  text,
  jti_claimed  text,
  digest       text,
  detail       text NOT NULL
);

-- Query-use registration (国办发〔2020〕49号 (十三)): who looked up whom, when and why.
CREATE TABLE query_log (
  id              bigserial PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  principal       text NOT NULL,
  role            text NOT NULL,
  route           text NOT NULL,
  subject_masked  text NOT NULL,
  subject_hash    text NOT NULL,         -- SHA-256 of the identifier, to find all lookups of one subject
  purpose         text NOT NULL,
  result_count    integer NOT NULL
);
CREATE INDEX query_log_subject ON query_log (subject_hash, at DESC);
