-- Check before deciding (应查必查, 国发〔2016〕33号 (十八)): every check a department system or a
-- platform made, what it was answered, the gateway's signed check receipt, and the outcome fed back.
-- Identity numbers are never stored here: the subject is kept masked and as a SHA-256 hash (the
-- same hash as query_log.subject_hash, so a check joins its query-log record and every other
-- lookup of the subject).

CREATE TABLE checks (
  id               text PRIMARY KEY,
  at               timestamptz NOT NULL,
  principal        text NOT NULL,          -- who asked (platform id, or checker issuer[:sub])
  role             text NOT NULL,          -- platform | checker
  platform         text NOT NULL,          -- the asker's province (the platform, or the checker's home platform)
  department       text,                   -- the department system, or the department a platform asked for
  purpose          text NOT NULL,
  decision_type    text NOT NULL,
  subject_kind     text NOT NULL,
  subject_masked   text NOT NULL,
  subject_hash     text NOT NULL,
  query_id         bigint NOT NULL,        -- the query-log record of the check (no foreign key: query_log is append-only, its own triggers refuse TRUNCATE)
  answered         jsonb NOT NULL,         -- entries (owner, entryId, version, status, listType), measure codes
  answer_digest    text NOT NULL,          -- SHA-256 (base64url) of the canonical JSON of the answer
  receipt          text NOT NULL,          -- the gateway's signed check receipt (compact JWS)
  outcome          text CHECK (outcome IN ('fast-tracked', 'refused', 'handled-more-strictly', 'key-supervision', 'no-effect')),
  outcome_at       timestamptz,
  outcome_note     text,
  outcome_notices  jsonb                   -- jti of the gateway notice sent to each owning platform
);
CREATE INDEX checks_at ON checks (at);
CREATE INDEX checks_subject ON checks (subject_hash, at DESC);
CREATE INDEX checks_outcome ON checks (outcome, outcome_at) WHERE outcome IS NOT NULL;

-- Data quality per source and month is computed from the ledger as it stands (envelopes,
-- entry_history, entries, security_log). No index is added to entries or entry_history: each
-- would slow every ingest for the sake of an occasional report. Refusals are found by time.
CREATE INDEX security_log_at ON security_log (at);
