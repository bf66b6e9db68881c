-- Time limits that protect subjects: an objection must be answered, a repair request decided,
-- within a number of working days (国发〔2016〕33号 (二十二); 国办发〔2020〕49号 (十二)).

-- The day (China Standard Time, to 24:00) by which the owner must resolve the objection; null for
-- objections opened before this migration (no deadline was computed for them).
ALTER TABLE objections ADD COLUMN answer_by date;
-- Marked once when the deadline passed unanswered (a reminder went to the owner then).
ALTER TABLE objections ADD COLUMN overdue boolean NOT NULL DEFAULT false;
CREATE INDEX objections_due ON objections (answer_by) WHERE status = 'open' AND NOT overdue;

-- Credit repair requests (信用修复), keyed by the entry's owner, who decides them.
CREATE TABLE repairs (
  owner         text NOT NULL,
  repair_id     text NOT NULL,
  entry_id      text NOT NULL,
  raised_by     text NOT NULL,      -- the platform that received the subject's application
  entry_version integer NOT NULL,
  domain        text NOT NULL,
  status        text NOT NULL CHECK (status IN ('open', 'granted', 'refused', 'withdrawn')),
  requested_on  date NOT NULL,
  decide_by     date NOT NULL,
  overdue       boolean NOT NULL DEFAULT false,
  requested_jti text NOT NULL,
  requested_at  timestamptz NOT NULL,
  decided_jti   text,
  decided_at    timestamptz,
  removal_jti   text,               -- the gateway's list.remove of a granted repair
  PRIMARY KEY (owner, repair_id)
);
CREATE UNIQUE INDEX repairs_one_open ON repairs (owner, entry_id) WHERE status = 'open';
CREATE INDEX repairs_due ON repairs (decide_by) WHERE status = 'open' AND NOT overdue;
