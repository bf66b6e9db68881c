-- Issue 18 (federation): an envelope a peer gateway relayed is kept as its publisher signed it
-- (`jws`, the evidence of who published), and the relay that brought it beside it: the peer
-- gateway's own JWS (yrd-relay+jwt), naming the path (`via`) it came by. NULL for what a platform
-- sent here itself.
ALTER TABLE envelopes ADD COLUMN relay text;
COMMENT ON COLUMN envelopes.relay IS 'The relay (a peer gateway''s yrd-relay+jwt JWS) that brought the envelope; NULL when its publisher sent it here';
