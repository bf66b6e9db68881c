import type { Registries } from '../../config/registry-schema.js'

/**
 * Of an entry's measures (its list type's defaults when it names none), the codes that the
 * measures list says reach a responsible person in one of `roles` (registry `responsiblePersons`).
 * 国发〔2016〕33号 (十四) punishes responsible persons "依照法律法规和政策规定": a measure without
 * its own basis for persons bears on the listed subject alone.
 */
export function personMeasureCodes (
  registries: Registries | undefined, listCode: string, entryMeasures: readonly string[], roles: readonly string[]
): string[] {
  if (registries === undefined) return []
  const codes = entryMeasures.length > 0 ? entryMeasures : [...(registries.listType(listCode)?.defaultMeasures ?? [])]
  return [...new Set(codes)].filter((code) => {
    const reach = registries.measure(code)?.responsiblePersons?.roles ?? []
    return roles.some((r) => (reach as readonly string[]).includes(r))
  })
}
