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
