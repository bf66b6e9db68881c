/**
 * The fields whose completeness is measured per source (DOMAIN.md, "How the platforms use it":
 * missing credit codes and identity numbers, decision document names and numbers, penalty type and
 * legal basis, source department), plus what 国办发〔2020〕49号 (八) requires an entry to state.
 * Each is a SQL predicate over `h.data` (a list.upsert item): `of` says which items should have
 * the field, `present` that it is filled in.
 */
export interface CompletenessField {
  field: string
  present: string
  of: string
}

/**
 * Text that counts as missing: blank, or a placeholder a source fills a required field with.
 * Compared lower-cased and trimmed.
 */
export const PLACEHOLDERS = ['', '-', '--', '—', '/', '\\', '0', '无', '暂无', '不详', '空', 'n/a', 'na', 'null', 'none', 'unknown']

const filled = (path: string): string => `(lower(btrim(coalesce(h.data #>> '{${path}}', ''))) <> ALL($PLACEHOLDERS::text[]))`
const PERSON = "(h.data #>> '{subject,type}') = 'person'"
const ALL = 'TRUE'

export const COMPLETENESS_FIELDS: readonly CompletenessField[] = [
  { field: 'subject.creditCode', present: filled('subject,creditCode'), of: `NOT ${PERSON}` },
  { field: 'subject.idNumber', present: filled('subject,idNumber'), of: PERSON },
  { field: 'subject.name', present: filled('subject,name'), of: ALL },
  { field: 'decision.authority', present: filled('decision,authority'), of: ALL },
  { field: 'decision.authorityCode', present: filled('decision,authorityCode'), of: ALL },
  // The penalty (document) type: `other` says nothing about it.
  { field: 'decision.documentType', present: `(${filled('decision,documentType')} AND (h.data #>> '{decision,documentType}') <> 'other')`, of: ALL },
  { field: 'decision.documentName', present: filled('decision,documentName'), of: ALL },
  { field: 'decision.documentNumber', present: filled('decision,documentNumber'), of: ALL },
  { field: 'decision.decidedOn', present: filled('decision,decidedOn'), of: ALL },
  { field: 'legalBasis', present: filled('legalBasis'), of: ALL },
  { field: 'facts', present: filled('facts'), of: ALL },
  { field: 'measures', present: "jsonb_array_length(coalesce(h.data -> 'measures', '[]'::jsonb)) > 0", of: ALL },
  { field: 'exitConditions', present: filled('exitConditions'), of: ALL },
  { field: 'remedies', present: filled('remedies'), of: ALL },
  { field: 'validUntil', present: filled('validUntil'), of: ALL },
  { field: 'severeCategory', present: filled('severeCategory'), of: "(h.data ->> 'listType') = 'black'" },
  { field: 'subject.responsiblePersons', present: "jsonb_array_length(coalesce(h.data #> '{subject,responsiblePersons}', '[]'::jsonb)) > 0", of: `NOT ${PERSON}` }
]
