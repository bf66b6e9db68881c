-- Ingest speed (measured by bench:ingest): the raw JWS of a 1,000-item envelope is ~1.5 MB, and
-- PostgreSQL's default pglz compression spent ~30 ms per envelope on it; lz4 takes ~5 ms.
ALTER TABLE envelopes ALTER COLUMN jws SET COMPRESSION lz4;

-- The envelope row is written first in the same transaction as its entries and history, which
-- guarantees what these per-row foreign keys checked (2,000 lookups of one jti per envelope).
ALTER TABLE entries DROP CONSTRAINT entries_last_jti_fkey;
ALTER TABLE entry_history DROP CONSTRAINT entry_history_jti_fkey;
