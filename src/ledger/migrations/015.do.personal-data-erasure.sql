-- Issue 13 item 12, personal data after repair (国办发〔2020〕49号 (十一): "终止共享公开相关失信信息，
-- 或者对相关失信信息进行标注、屏蔽或删除"). An entry removed by repair, expiry or revocation is shielded
-- at once (never served or sent again) and, after settings.personalDataRetentionDays, its personal
-- fields are erased from the ledger (src/privacy/erase-personal-data.ts): entries.data and
-- entry_history.data lose them (the subject gets `personalDataErasedAt`), a person's subject_id
-- becomes its keyed digest, and the stored envelopes that carried them are shielded.
--
-- A history row's transparency leaf committed to the whole item (dataHash, salted since
-- migration 012). Before its data is erased, the dataHash is kept here, so the leaf is rebuilt as
-- logged and every inclusion and consistency proof still verifies. NULL until the row is erased.
ALTER TABLE entry_history ADD COLUMN leaf_data_hash text;
COMMENT ON COLUMN entry_history.leaf_data_hash IS 'base64url dataHash of the leaf, kept when the personal fields of data were erased; NULL otherwise';

-- The erasure sweep looks for removed entries not erased yet, oldest removal first.
CREATE INDEX entries_personal_data_due ON entries (updated_at)
  WHERE status = 'removed' AND NOT (data->'subject' ? 'personalDataErasedAt');
