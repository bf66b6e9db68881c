-- Joint punishment (and reward) coordination: cases, their history, and objections.

-- One case per (initiating platform, case id). `state` is the case as the pure state machine
-- (src/punishment/case-state-machine.ts) returns it; the columns beside it are what queries need.
CREATE TABLE cases (
  initiator    text NOT NULL,
  case_id      text NOT NULL,
  mode         text NOT NULL,
  owner        text NOT NULL,
  entry_id     text NOT NULL,
  domain       text NOT NULL,
  status       text NOT NULL,
  state        jsonb NOT NULL,
  respond_by   date NOT NULL,            -- the notice's date, moved to a working day if it is not one
  feedback_by  date NOT NULL,
  overdue      boolean NOT NULL DEFAULT false,
  jti          text NOT NULL,
  opened_at    timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  PRIMARY KEY (initiator, case_id)
);
CREATE INDEX cases_entry ON cases (owner, entry_id);
CREATE INDEX cases_live ON cases (status) WHERE status IN ('open', 'suspended');

-- Every event applied to a case, append-only: who did what, from which message, when.
CREATE TABLE case_events (
  id          bigserial PRIMARY KEY,
  initiator   text NOT NULL,
  case_id     text NOT NULL,
  platform    text,
  event       jsonb NOT NULL,
  status      text NOT NULL,             -- the case status after the event
  jti         text,
  at          timestamptz NOT NULL
);
CREATE INDEX case_events_case ON case_events (initiator, case_id, id);

-- Objections (异议) against entries, keyed by the entry's owner, who resolves them.
CREATE TABLE objections (
  owner              text NOT NULL,
  objection_id       text NOT NULL,
  entry_id           text NOT NULL,
  raised_by          text NOT NULL,      -- the platform that forwarded it
  entry_version      integer NOT NULL,   -- the version disputed
  domain             text NOT NULL,
  measures_continue  boolean NOT NULL,   -- list-type policy: measures go on during verification
  status             text NOT NULL CHECK (status IN ('open', 'upheld', 'corrected', 'revoked', 'withdrawn')),
  lodged_on          date NOT NULL,
  opened_jti         text NOT NULL,
  opened_at          timestamptz NOT NULL,
  resolved_jti       text,
  resolved_at        timestamptz,
  corrected_version  integer,
  PRIMARY KEY (owner, objection_id)
);
CREATE UNIQUE INDEX objections_one_open ON objections (owner, entry_id) WHERE status = 'open';

-- An entry revoked as wrongful after an objection (错误认定) stays marked so.
ALTER TABLE entries ADD COLUMN wrongful boolean NOT NULL DEFAULT false;
-- The expiry job looks for current entries whose validity has ended.
CREATE INDEX entries_valid_until ON entries ((data->>'validUntil')) WHERE status <> 'removed' AND data ? 'validUntil';
-- The delivery worker holds back a message about an entry while an objection about it has not
-- reached the destination yet: it looks objections up by their messages.
CREATE INDEX objections_opened_jti ON objections (opened_jti);
