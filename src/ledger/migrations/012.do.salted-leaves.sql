-- Issue 12 (items 3 and 6, transparency): a leaf's dataHash was an unsalted SHA-256 of the item,
-- so anyone who could read a leaf (every platform and admin role) and a masked identity number
-- recovered the number by trying the ~10^5 candidates. From now on each history row carries 32
-- random bytes, and its leaf (format v2) commits to SHA-256(salt || canonicalJson(item)); the
-- salt is handed only to platforms entitled to the whole item.
--
-- Added without a default first, so rows written before this migration keep NULL: their v1
-- leaves are already in the logs and signed in checkpoints, and must hash as they did.
ALTER TABLE entry_history ADD COLUMN salt bytea;
-- gen_random_uuid() draws from PostgreSQL's CSPRNG (pg_strong_random) and is built in since 13;
-- two version-4 UUIDs give 244 random bits (no pgcrypto needed for gen_random_bytes).
ALTER TABLE entry_history ALTER COLUMN salt SET DEFAULT uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid());
