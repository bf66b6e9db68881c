-- Issue 19 item 3 (SM3 where the gateway hashes for proof): each transparency log records the hash
-- it was created with, SHA-256 or SM3 (GB/T 32905-2016), for life. A log is created with the
-- deployment's proofHash (gateway.json) and keeps it when the setting changes: its leaves, nodes,
-- root and signed checkpoints were made with it. Every log before this migration is SHA-256.
--
-- The default stays: a gateway still running the code before this migration (a rolling upgrade)
-- knows only SHA-256, and a log it creates is one.
ALTER TABLE transparency_logs ADD COLUMN hash text NOT NULL DEFAULT 'SHA-256'
  CONSTRAINT transparency_logs_hash CHECK (hash IN ('SHA-256', 'SM3'));
COMMENT ON COLUMN transparency_logs.hash IS 'The hash of the log (leaves, nodes, root, dataHash of new leaves): SHA-256 or SM3, set when the log is created';
