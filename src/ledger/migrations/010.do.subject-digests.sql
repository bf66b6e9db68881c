-- Subject identifiers are fingerprinted with a keyed hash (issue 12, item 3): an unkeyed SHA-256
-- beside a masked identity number gives the number away (about 4,600 candidates to try). From
-- now on `query_log.subject_hash` and `checks.subject_hash` hold `<kid>:<hex HMAC-SHA-256>`, made
-- with the gateway's secret `GW_ID_HASH_KEY` (src/privacy/subject-digests.ts); the key id says
-- which key, so that digests made before a rotation are still found while the old key is listed.
--
-- Rows already written keep their unkeyed SHA-256 hex:
-- * query_log is a hash chain (migration 008): its rows are append-only and each row's hash covers
--   subject_hash. Rewriting them would need the trigger off and every later hash recomputed, so
--   the chain heads that auditors kept elsewhere would no longer match: exactly what the chain
--   exists to expose. The database cannot compute the HMAC either (the key is not in it, and the
--   identifier never was). So the chain is left as it is, `credit-gw verify-audit` still verifies
--   every row, and lookups by subject also match an old row's unkeyed hash (an auditor searching
--   by the identifier learns nothing new from it). No answer, receipt or CSV shows subject_hash.
-- * checks: receipts are signed and were handed to the asker; an old one keeps its unkeyed hash
--   and `GET /v1/checks/{id}` gives it back only to the principal that checked.
--
-- The constraints below are NOT VALID: PostgreSQL checks them on every new or changed row but
-- not on the rows already there, so no code path can write an unkeyed digest again while the
-- old rows (and the chain over them) stay untouched. Adding a constraint fires no row trigger.

ALTER TABLE query_log ADD CONSTRAINT query_log_subject_hash_keyed
  CHECK (subject_hash ~ '^[A-Za-z0-9_-]{1,32}:[0-9a-f]{64}$') NOT VALID;

ALTER TABLE checks ADD CONSTRAINT checks_subject_hash_keyed
  CHECK (subject_hash ~ '^[A-Za-z0-9_-]{1,32}:[0-9a-f]{64}$') NOT VALID;

COMMENT ON COLUMN query_log.subject_hash IS '<kid>:<HMAC-SHA-256 hex> of the identifier under the gateway key <kid>; unkeyed SHA-256 hex in rows older than migration 010. Internal: never shown.';
COMMENT ON COLUMN checks.subject_hash IS '<kid>:<HMAC-SHA-256 hex> of the identifier under the gateway key <kid>; unkeyed SHA-256 hex in rows older than migration 010. Internal: never shown.';
