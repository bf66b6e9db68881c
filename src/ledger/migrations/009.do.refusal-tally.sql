-- Data quality per source needs to know how many credit codes a refused envelope carried and how
-- many were invalid (the plan's indicator counts codes, not envelopes). Counts only: a refused
-- envelope still leaves no content and no personal data.
ALTER TABLE security_log ADD COLUMN item_count integer;
ALTER TABLE security_log ADD COLUMN credit_code_items integer;
ALTER TABLE security_log ADD COLUMN invalid_credit_codes integer;
