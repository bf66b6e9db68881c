-- Why a delivery last failed, as a code of the adapters' closed list (ADAPTER_ERROR_CODES in
-- adapters/types.ts) beside the text: dead deliveries, metrics and the dashboard group by the code,
-- never by the message, which carries the platform's own wording. Rows failed before keep NULL.

ALTER TABLE deliveries ADD COLUMN last_error_code text;
COMMENT ON COLUMN deliveries.last_error_code IS 'AdapterError code of last_error (ADAPTER_TIMEOUT, ADAPTER_REFUSED, ...); NULL with it';
