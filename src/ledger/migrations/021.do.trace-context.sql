-- Trace context (W3C traceparent): the one a message arrived with is kept on each of its outbox rows,
-- handed to the queue job by the relay, and sent (same trace id, a span id of the attempt's own) with
-- the delivery to the platform. NULL for a message that came without one or that the gateway issued.
ALTER TABLE deliveries ADD COLUMN traceparent text CHECK (traceparent IS NULL OR length(traceparent) <= 64);
