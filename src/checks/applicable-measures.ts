import type { Registries } from '../../config/registry-schema.js'
import type { CheckEntryV1, CheckMeasureBasisV1, CheckMeasureV1 } from '../../contracts/check-v1.js'
import { bindingBasis } from './binding-basis.js'

/**
 * The measures of the measures list (措施清单, 国发〔2016〕33号 (二十)) that bear on one decision,
 * given a subject's current entries: each entry's own measures (its list type's default measures
 * when it names none) whose registry definition lists the decision type. A measure stays in the
 * answer but does not apply for an entry under objection whose list type suspends measures
 * (国发〔2016〕33号 (二十二)), nor for an entry not yet in force (pending: before its validFrom,
 * 国发〔2016〕33号 (二十一)), nor where nothing binds it in the asker's province: a provincial list
 * type outside its province binds only the measures a regional memorandum (合作备忘录, 浙政办发〔2021〕29号
 * (五) 第26项) signed by the owner and the asker names. Each measure says, per entry, on what basis it
 * binds (`bases`: national, own-province, memorandum, none). Mandatory measures come first.
 */
export function applicableMeasures (
  registries: Registries, decisionType: string, entries: readonly CheckEntryV1[], askerPlatform: string
): CheckMeasureV1[] {
  const byCode = new Map<string, CheckMeasureV1>()
  for (const e of entries) {
    const ref = `${e.owner}:${e.entryId}`
    const listType = registries.listType(e.listCode)
    const codes = e.measures.length > 0 ? e.measures : [...(listType?.defaultMeasures ?? [])]
    for (const code of new Set(codes)) {
      const def = registries.measure(code)
      if (def === undefined || !(def.decisionTypes ?? []).includes(decisionType)) continue
      const m = byCode.get(code) ?? {
        code,
        name: { zh: def.name.zh, en: def.name.en },
        kind: def.kind,
        legalBasis: def.legalBasis,
        appliedBy: def.appliedBy,
        entries: [],
        applies: false,
        notes: [],
        bases: []
      }
      m.entries.push(ref)
      const basis = bindingBasis(registries, e.listCode, e.owner, askerPlatform, code)
      const stated: CheckMeasureBasisV1 = basis === undefined
        ? { entry: ref, kind: 'none', ref: null, name: null }
        : { entry: ref, kind: basis.kind, ref: basis.ref, name: basis.name }
      m.bases.push(stated)
      if (e.status === 'pending') {
        m.notes.push(`${ref}: not in force before ${e.validFrom} (国发〔2016〕33号 (二十一))`)
      } else if (e.status === 'suspended' && listType?.objection.measuresContinueDuringObjection !== true) {
        m.notes.push(`${ref}: suspended during an objection (国发〔2016〕33号 (二十二))`)
      } else if (basis === undefined) {
        m.notes.push(`${ref}: information only outside ${e.owner} (a provincial list type; no memorandum signed by ${e.owner} and ${askerPlatform} binds ${code})`)
      } else {
        m.applies = true
      }
      byCode.set(code, m)
    }
  }
  return [...byCode.values()].sort((a, b) => (a.kind === b.kind ? (a.code < b.code ? -1 : 1) : a.kind === 'mandatory' ? -1 : 1))
}
