import type { Delivery } from '../../adapters/types.js'
import type { Registries, ShareScope } from '../../config/registry-schema.js'

/** What a platform may receive when its config says nothing: everything but owner-only fields. */
export const DEFAULT_SHARE_SCOPES: readonly ShareScope[] = ['all-platforms', 'authorised-departments']

/** Deletes `path` (dot-separated, arrays transparent) from a copy-on-write object tree. */
function without (value: unknown, path: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => without(v, path))
  if (value === null || typeof value !== 'object') return value
  const [head, ...rest] = path
  if (head === undefined || !Object.hasOwn(value, head)) return value
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) }
  if (rest.length === 0) delete copy[head]
  else copy[head] = without(copy[head], rest)
  return copy
}

/** Catalogue fields a platform with `scopes` may not receive. */
export function withheldFields (registries: Registries, scopes: readonly ShareScope[]): string[] {
  return registries.catalogue.filter((c) => c.share === 'owner-only' || !scopes.includes(c.share)).map((c) => c.field)
}

/**
 * Applies the catalogue's share scopes to a list delivery (目录制管理, 国办发〔2020〕49号 (三)): every
 * field outside what the destination may receive is removed before the adapter sees the item. An
 * entry whose subject would lose its only identifier (a person's identity number the destination
 * may not receive) is withheld whole: an entry nobody can attribute helps no one and misleads.
 * Returns the delivery to send and the entry ids withheld.
 */
export function applyShareScope (d: Delivery, registries: Registries | undefined, scopes: readonly ShareScope[] = DEFAULT_SHARE_SCOPES): { delivery: Delivery, withheld: string[] } {
  if (registries === undefined || d.kind !== 'list.upsert') return { delivery: d, withheld: [] }
  const fields = withheldFields(registries, scopes)
  if (fields.length === 0) return { delivery: d, withheld: [] }
  const withheld: string[] = []
  const items: unknown[] = []
  for (const item of d.items as Array<Record<string, unknown>>) {
    let out: unknown = item
    for (const f of fields) out = without(out, f.split('.'))
    const subject = (out as { subject?: { creditCode?: string, idNumber?: string } }).subject
    if (subject?.creditCode === undefined && subject?.idNumber === undefined) withheld.push(String(item.entryId))
    else items.push(out)
  }
  return { delivery: { ...d, items }, withheld }
}
