-- Issue 13, item 1 (落实到人, 国发〔2016〕33号 (十四); 国办发〔2019〕35号 (十二)): a check or subject
-- view of a person (or of an organisation that is another's actual controller) must also find the
-- current entries that name it among `subject.responsiblePersons`.
--
-- An expression index rather than a table of its own: it is maintained by the same statement that
-- writes the entry (an upsert that drops the person drops it from the index, a removal takes the
-- entry out of the partial index), so it can never drift from `entries.data`, and whatever later
-- erases or shields personal fields in `data` erases them here too. The identifiers are those
-- already held in `data` (and in `subject_id`): nothing new is stored, no digest is needed.
-- jsonb_path_ops answers `@> '[{"idNumber": …}]'` (and `creditCode`) containment; only entries
-- that carry responsible persons are indexed, so bulk loads of persons' entries pay nothing.
CREATE INDEX entries_responsible_persons ON entries
  USING gin ((data -> 'subject' -> 'responsiblePersons') jsonb_path_ops)
  WHERE status <> 'removed' AND data -> 'subject' ? 'responsiblePersons';
-- Measured on 200,000 entries (half with a responsible person): the lookup is a bitmap scan of this
-- index, 0.03 ms; right after a bulk load, until autovacuum merges GIN's pending list (fastupdate,
-- gin_pending_list_limit 4 MB), it scans that list too, ~10 ms. Ingest keeps the cheap path.
