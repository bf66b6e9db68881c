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
  /**
   * Of the items `of` selects, those that must have the field for the item to arrive complete
   * (归集合规率, 浙政办发〔2021〕29号 indicator table); absent when the field is measured only.
   */
  required?: string
}

/**
 * Text that counts as missing: blank, or a placeholder a source fills a required field with.
 * Compared lower-cased and trimmed.
 */
export const PLACEHOLDERS = ['', '-', '--', '—', '/', '\\', '0', '无', '暂无', '不详', '空', 'n/a', 'na', 'null', 'none', 'unknown']

const filled = (path: string): string => `(lower(btrim(coalesce(h.data #>> '{${path}}', ''))) <> ALL($PLACEHOLDERS::text[]))`
const PERSON = "(h.data #>> '{subject,type}') = 'person'"
const ALL = 'TRUE'
const BLACK = "(h.data ->> 'listType') = 'black'"

// What an entry must state to arrive complete: the subject's identifier and name, the legally
// effective document it rests on and who decided it (国办发〔2020〕49号 (二)), its facts and legal
// basis; for a black list also the measures, exit conditions and remedies (国办发〔2020〕49号 (八))
// and the severe category (国发〔2016〕33号 (九)). The deciding department's own credit code,
// responsible persons and the end of the period are measured but not required (whether a list has
// a fixed term is the registry's rule, enforced at ingest, not a matter of completeness).
export const COMPLETENESS_FIELDS: readonly CompletenessField[] = [
  { field: 'subject.creditCode', present: filled('subject,creditCode'), of: `NOT ${PERSON}`, required: ALL },
  { field: 'subject.idNumber', present: filled('subject,idNumber'), of: PERSON, required: ALL },
  { field: 'subject.name', present: filled('subject,name'), of: ALL, required: ALL },
  { field: 'decision.authority', present: filled('decision,authority'), of: ALL, required: ALL },
  { field: 'decision.authorityCode', present: filled('decision,authorityCode'), of: ALL },
  // The penalty (document) type: `other` says nothing about it.
  { field: 'decision.documentType', present: `(${filled('decision,documentType')} AND (h.data #>> '{decision,documentType}') <> 'other')`, of: ALL, required: ALL },
  { field: 'decision.documentName', present: filled('decision,documentName'), of: ALL, required: ALL },
  { field: 'decision.documentNumber', present: filled('decision,documentNumber'), of: ALL, required: ALL },
  { field: 'decision.decidedOn', present: filled('decision,decidedOn'), of: ALL, required: ALL },
  { field: 'legalBasis', present: filled('legalBasis'), of: ALL, required: ALL },
  { field: 'facts', present: filled('facts'), of: ALL, required: ALL },
  { field: 'measures', present: "jsonb_array_length(coalesce(h.data -> 'measures', '[]'::jsonb)) > 0", of: ALL, required: BLACK },
  { field: 'exitConditions', present: filled('exitConditions'), of: ALL, required: BLACK },
  { field: 'remedies', present: filled('remedies'), of: ALL, required: BLACK },
  { field: 'validUntil', present: filled('validUntil'), of: ALL },
  { field: 'severeCategory', present: filled('severeCategory'), of: BLACK, required: ALL },
  { field: 'subject.responsiblePersons', present: "jsonb_array_length(coalesce(h.data #> '{subject,responsiblePersons}', '[]'::jsonb)) > 0", of: `NOT ${PERSON}` }
]

/** SQL: the item (`h.data`) has every field it is required to have (all of them, for 归集合规率). */
export const COMPLETE = COMPLETENESS_FIELDS.filter((f) => f.required !== undefined)
  .map((f) => `(NOT ((${f.of}) AND (${f.required ?? 'FALSE'})) OR (${f.present}))`).join(' AND ')
