-- The delivery path's shield check (src/privacy/shield-removed.ts) probes the entry of every item of every
-- delivery for a removal that shields it (国办发〔2020〕49号 (十一)); a bulk message to three destinations is
-- 3,000 probes. Almost no entry is removed, so a partial index answers nearly all of them without reading an
-- entry's row (over a kilobyte each, most of them outside shared_buffers once a list holds a million entries).
CREATE INDEX entries_removed ON entries (owner, entry_id) WHERE status = 'removed';
