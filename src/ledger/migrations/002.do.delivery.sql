-- Delivery: every attempt kept as evidence, what each destination is known to hold (so an older
-- version is never sent after a newer one was delivered), and the admin actions taken.

ALTER TABLE deliveries ADD COLUMN enqueue_seq integer NOT NULL DEFAULT 0;   -- part of the queue job id
ALTER TABLE deliveries ADD COLUMN resends integer NOT NULL DEFAULT 0;

CREATE TABLE delivery_attempts (
  id            bigserial PRIMARY KEY,
  delivery_id   bigint NOT NULL REFERENCES deliveries (id),
  attempt       integer NOT NULL,
  started_at    timestamptz NOT NULL,
  finished_at   timestamptz,
  outcome       text CHECK (outcome IN ('delivered', 'failed', 'superseded')),
  error         text,
  sent_digest   text,
  receipt       jsonb
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);

-- The newest version of each entry a destination has confirmed.
CREATE TABLE replica_versions (
  destination   text NOT NULL,
  owner         text NOT NULL,
  entry_id      text NOT NULL,
  version       integer NOT NULL,
  confirmed_at  timestamptz NOT NULL,
  PRIMARY KEY (destination, owner, entry_id)
);

CREATE TABLE admin_actions (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  principal  text NOT NULL,
  action     text NOT NULL,
  target     text NOT NULL,
  detail     jsonb
);
