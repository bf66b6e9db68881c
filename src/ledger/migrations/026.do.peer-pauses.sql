-- Issue 18 item 4 (trust): an admin pauses a peer gateway, and what it relays is refused (503,
-- retryable) until an admin resumes it; the pause lives in the ledger, so every gateway instance
-- sees it and it outlives restarts and a Redis outage. Pausing and resuming are admin actions too.
CREATE TABLE peer_pauses (
  peer       text PRIMARY KEY,
  since      timestamptz NOT NULL DEFAULT now(),
  principal  text NOT NULL,
  reason     text NOT NULL
);
