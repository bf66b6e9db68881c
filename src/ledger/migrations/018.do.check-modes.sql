-- 可用不可见 (国办发〔2021〕52号 (六)): a check is answered in full, or — where the catalogue keeps a
-- field of the answer from the asker, or the asker asks so — in verification mode: only whether the
-- measures bearing on the decision apply, their basis and the owners to contact. `answered` stays what
-- the receipt signs (a verification receipt names no entry); `consulted` keeps, inside the gateway,
-- the entries such a check looked at, so their owners still receive the outcome (结果实时反馈) and the
-- statistics still count checks that found entries. Older rows are full checks.

ALTER TABLE checks ADD COLUMN mode text NOT NULL DEFAULT 'full' CHECK (mode IN ('full', 'verification'));
ALTER TABLE checks ADD COLUMN consulted jsonb;
COMMENT ON COLUMN checks.mode IS 'full | verification (国办发〔2021〕52号 (六)); signed in the receipt';
COMMENT ON COLUMN checks.consulted IS 'Verification mode only: entries (owner, entryId, version, status, listType) the check looked at. Internal: never shown to the asker.';
