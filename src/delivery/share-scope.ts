import type { Delivery } from '../../adapters/types.js'
import type { EnvelopeKindV1 } from '../../contracts/envelope-v1.js'
import type { SubjectV1 } from '../../contracts/subject-v1.js'
import type { Registries, ShareScope } from '../../config/registry-schema.js'

/** What a platform may receive when its config says nothing: everything but owner-only fields. */
export const DEFAULT_SHARE_SCOPES: readonly ShareScope[] = ['all-platforms', 'authorised-departments']

/**
 * Which catalogue fields (paths in list entries) each kind carries, and the member that names one
 * of its items in a delivery's evidence. A notice carries its entry's subject under the same path
 * (`subject.*`), nothing else of the catalogue. The other kinds carry no catalogue field (see
 * contracts/: they name entries, cases and objections by id only). Declared for every kind, so a
 * new kind cannot be forgotten.
 */
const CARRIED = {
  'list.upsert': { carries: (_field: string) => true, key: 'entryId' },
  'punishment.notice': { carries: (field: string) => field.startsWith('subject.'), key: 'caseId' },
  'list.remove': undefined,
  'punishment.feedback': undefined,
  'objection.open': undefined,
  'objection.resolve': undefined,
  'gateway.notice': undefined,
  'repair.request': undefined,
  'repair.decision': undefined
} as const satisfies Record<EnvelopeKindV1, { carries: (field: string) => boolean, key: string } | undefined>

/** Deletes `path` (dot-separated, arrays transparent) from a copy-on-write object tree. */
function without (value: unknown, path: readonly string[]): unknown {
  if (Array.isArray(value)) {
    const out = value.map((v) => without(v, path))
    return out.every((v, i) => v === value[i]) ? value : out
  }
  if (value === null || typeof value !== 'object') return value
  const [head, ...rest] = path
  if (head === undefined || !Object.hasOwn(value, head)) return value
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) }
  if (rest.length === 0) delete copy[head]
  else {
    const inner = without(copy[head], rest)
    if (inner === copy[head]) return value
    copy[head] = inner
  }
  return copy
}

/** Catalogue fields a platform with `scopes` may not receive. */
export function withheldFields (registries: Registries, scopes: readonly ShareScope[]): string[] {
  return registries.catalogue.filter((c) => c.share === 'owner-only' || !scopes.includes(c.share)).map((c) => c.field)
}

/**
 * Whether a platform with `scopes` may receive an identifier of `subject`: a subject whose only
 * identifiers are withheld cannot be told to it (a person whose identity number may not go).
 */
export function mayIdentify (subject: Pick<SubjectV1, 'creditCode' | 'idNumber'>, registries: Registries | undefined, scopes: readonly ShareScope[] = DEFAULT_SHARE_SCOPES): boolean {
  if (registries === undefined) return true
  const fields = withheldFields(registries, scopes)
  return (subject.creditCode !== undefined && !fields.includes('subject.creditCode')) ||
    (subject.idNumber !== undefined && !fields.includes('subject.idNumber'))
}

/** A delivery shaped for its destination, and what was kept back (the delivery's evidence). */
export interface ScopedDelivery {
  delivery: Delivery
  /** Items withheld whole, by their key (entryId of a list entry, caseId of a notice). */
  withheld: string[]
  /** Catalogue fields removed from at least one item that went. */
  withheldFields: string[]
  /** For each item that went, its index in the delivery's items before the scope (absent: all went). */
  keptIndexes?: number[]
}

/**
 * Applies the catalogue's share scopes to a delivery of any kind (目录制管理, 国办发〔2020〕49号 (三)):
 * every field outside what the destination may receive is removed before the adapter (or the pull
 * feed) sees the item. An item whose subject would lose its only identifier (a person's identity
 * number the destination may not receive) is withheld whole: an entry or a case nobody can
 * attribute helps no one and misleads. Returns the delivery to send and what was kept back.
 */
export function applyShareScope (
  d: Delivery, registries: Registries | undefined, scopes: readonly ShareScope[] = DEFAULT_SHARE_SCOPES
): ScopedDelivery {
  const none: ScopedDelivery = { delivery: d, withheld: [], withheldFields: [] }
  const carried = CARRIED[d.kind]
  if (registries === undefined || carried === undefined) return none
  const fields = withheldFields(registries, scopes).filter(carried.carries)
  if (fields.length === 0) return none
  const withheld: string[] = []
  const removed = new Set<string>()
  const items: unknown[] = []
  const keptIndexes: number[] = []
  for (const [index, item] of (d.items as Array<Record<string, unknown>>).entries()) {
    let out: unknown = item
    const cut: string[] = []
    for (const f of fields) {
      const next = without(out, f.split('.'))
      if (next !== out) cut.push(f)
      out = next
    }
    const subject = (out as { subject?: { creditCode?: string, idNumber?: string } }).subject
    if (subject?.creditCode === undefined && subject?.idNumber === undefined) withheld.push(String(item[carried.key]))
    else {
      items.push(out)
      keptIndexes.push(index)
      for (const f of cut) removed.add(f)
    }
  }
  const kept = withheld.length > 0 || removed.size > 0 ? { withheld: true } : {}
  return { delivery: { ...d, items, ...kept }, withheld, withheldFields: [...removed], keptIndexes }
}

/** The members a delivery's evidence gains from its share scope (none when nothing was kept back). */
export function scopeEvidence (s: Pick<ScopedDelivery, 'withheld' | 'withheldFields'>): { withheld?: string[], withheldFields?: string[] } {
  return {
    ...(s.withheld.length === 0 ? {} : { withheld: s.withheld }),
    ...(s.withheldFields.length === 0 ? {} : { withheldFields: s.withheldFields })
  }
}
