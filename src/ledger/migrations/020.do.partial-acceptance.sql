-- Partial acceptance: a destination that applies some items of a message and refuses others (SH
-- 2002, AH E202, JS rejected rows, a yrd-push per-item answer). The delivery becomes 'partial'
-- (the applied items delivered, replica_versions recorded for them alone) and each refused item
-- is kept here with the platform's code and reason, so nothing is silently lost. A resend sends
-- the open refusals alone; once the destination takes an item its refusal is resolved.

ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check
  CHECK (status IN ('queued', 'delivering', 'delivered', 'retrying', 'dead', 'partial'));

CREATE TABLE delivery_item_refusals (
  id           bigserial PRIMARY KEY,
  delivery_id  bigint NOT NULL REFERENCES deliveries (id),
  -- Index of the item in the message as its issuer sent it (not in the filtered list the adapter saw).
  item_index   integer NOT NULL CHECK (item_index >= 0),
  -- The entry the item is about, where it names one (list items: owner and entryId).
  entry_owner  text,
  entry_id     text,
  code         text NOT NULL,
  reason       text NOT NULL,               -- stored with storedErrorText: identity numbers masked
  attempt_id   bigint NOT NULL REFERENCES delivery_attempts (id),
  refused_at   timestamptz NOT NULL,
  resolved_at  timestamptz                  -- set when a later attempt had the item applied
);
-- At most one open refusal per item of a delivery; resolved ones stay as evidence.
CREATE UNIQUE INDEX delivery_item_refusals_open ON delivery_item_refusals (delivery_id, item_index) WHERE resolved_at IS NULL;
CREATE INDEX delivery_item_refusals_delivery ON delivery_item_refusals (delivery_id, item_index);
