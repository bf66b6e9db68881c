-- Issue 12 (items 7 and 10): message ids are scoped by their issuer, and a refusal is charged to a
-- platform only once the platform had proved who it is.

-- Item 10. `authenticated`: the refused request had proved its issuer (JWS signature, native HMAC,
-- MAC or token) before it was refused. The quality report charges a refusal to `iss_claimed` only
-- then; anything refused at or before the signature check is `unattributed` (anyone can claim SH).
-- Lines written before this migration did not record it: a code that can arise before the
-- signature check is taken as unauthenticated (the safe side: a platform is never charged with a
-- forgery, at the price of some of its own old malformed envelopes counting as unattributed).
ALTER TABLE security_log ADD COLUMN authenticated boolean NOT NULL DEFAULT false;
UPDATE security_log SET authenticated = code NOT IN (
  'ENVELOPE_MALFORMED', 'SIGNATURE_INVALID', 'KEY_UNKNOWN', 'ISSUER_UNKNOWN', 'ALG_NOT_ALLOWED', 'ENVELOPE_EXPIRED',
  'AUDIENCE_INVALID', 'UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE', 'UNAUTHORIZED', 'RATE_LIMITED');

-- Item 7. A message is (issuer, jti): each platform chooses its own ids, so another platform
-- publishing first under the same jti must not take it away (before, ZJ could publish with SH's
-- predictable id and SH's own publication was refused JTI_CONFLICT). Idempotency and JTI_CONFLICT
-- hold per issuer. Every row that names a message by jti now names its issuer beside it.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_jti_fkey;
ALTER TABLE envelopes DROP CONSTRAINT envelopes_pkey;
ALTER TABLE envelopes ADD PRIMARY KEY (iss, jti);
-- GET /v1/messages/{jti} and the admin search look a jti up across issuers.
CREATE INDEX envelopes_jti ON envelopes (jti);

ALTER TABLE deliveries ADD COLUMN iss text;
UPDATE deliveries d SET iss = e.iss FROM envelopes e WHERE e.jti = d.jti;
ALTER TABLE deliveries ALTER COLUMN iss SET NOT NULL;
ALTER TABLE deliveries DROP CONSTRAINT deliveries_jti_destination_key;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_message_destination UNIQUE (iss, jti, destination);
ALTER TABLE deliveries ADD CONSTRAINT deliveries_message_fkey FOREIGN KEY (iss, jti) REFERENCES envelopes (iss, jti);

-- The message that last changed an entry, and each history row's message: usually the owner's,
-- but the gateway (iss YRD) removes entries on an owner's behalf, so the issuer is kept, not assumed.
ALTER TABLE entries ADD COLUMN last_iss text;
UPDATE entries x SET last_iss = e.iss FROM envelopes e WHERE e.jti = x.last_jti;
UPDATE entries SET last_iss = owner WHERE last_iss IS NULL;
ALTER TABLE entries ALTER COLUMN last_iss SET NOT NULL;
ALTER TABLE entry_history ADD COLUMN iss text;
UPDATE entry_history h SET iss = e.iss FROM envelopes e WHERE e.jti = h.jti;
UPDATE entry_history SET iss = owner WHERE iss IS NULL;
ALTER TABLE entry_history ALTER COLUMN iss SET NOT NULL;

-- The transparency queue names whole messages too.
ALTER TABLE transparency_pending ADD COLUMN iss text;
UPDATE transparency_pending q SET iss = e.iss FROM envelopes e WHERE e.jti = q.jti;
UPDATE transparency_pending q SET iss = h.iss FROM entry_history h WHERE q.iss IS NULL AND h.jti = q.jti;
DELETE FROM transparency_pending WHERE iss IS NULL;
ALTER TABLE transparency_pending ALTER COLUMN iss SET NOT NULL;
CREATE OR REPLACE FUNCTION transparency_enqueue () RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO transparency_pending (iss, jti) VALUES (NEW.iss, NEW.jti);
  RETURN NULL;
END
$$;

-- Not changed: objections.opened_jti is found with raised_by, the issuer of the opening message;
-- cases.jti, case_events.jti and objections.resolved_jti are shown, never used to find a message.
