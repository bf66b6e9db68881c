import { effectFits } from '../../config/measure-effects.js'
import type { Registries } from '../../config/registry-schema.js'
import type { ErrorCode } from '../errors/gateway-error.js'

type Add = (path: string, code: ErrorCode, detail: string) => void

/**
 * An entry's measures as the measures list defines them, not as the sender says:
 * - the `mandatory` flag is the registry's `kind` (强制性 / 推荐性, 国发〔2016〕33号 (二十)): a
 *   recommended measure sent as mandatory would compel where the list only recommends — 国办发〔2020〕49号
 *   (九) forbids compelling financial institutions and others to punish (MEASURE_KIND_MISMATCH);
 * - the measure fits the list type by its `effect` (过惩相当, 国办发〔2020〕49号 (十)): no punitive
 *   measure on a red entry, only supervision on a key-supervision entry (MEASURE_NOT_APPLICABLE).
 * Unknown codes are reported elsewhere (MEASURE_UNKNOWN).
 */
export function checkEntryMeasures (
  r: Registries, listType: unknown, measures: ReadonlyArray<{ code?: unknown, mandatory?: unknown }>, add: Add
): void {
  measures.forEach((m, i) => {
    if (typeof m.code !== 'string') return
    const def = r.measure(m.code)
    if (def === undefined) return
    if (typeof m.mandatory === 'boolean' && m.mandatory !== (def.kind === 'mandatory')) {
      add(`/measures/${i}/mandatory`, 'MEASURE_KIND_MISMATCH', `${m.code} is ${def.kind} in the measures list (国发〔2016〕33号 (二十); 国办发〔2020〕49号 (九))`)
    }
    if (typeof listType === 'string' && !effectFits(listType, def.effect)) {
      add(`/measures/${i}/code`, 'MEASURE_NOT_APPLICABLE', `${m.code} is a ${def.effect} measure: not for a ${listType} list entry (过惩相当, 国办发〔2020〕49号 (十))`)
    }
  })
}

/**
 * The measures an entry carries, as the checks read them (src/checks/applicable-measures.ts): its
 * own measure codes, or its list type's default measures when it names none.
 */
export function entryMeasureCodes (
  r: Registries | undefined, listCode: string, own: ReadonlyArray<{ code: string }>
): string[] {
  return own.length > 0 ? own.map((m) => m.code) : [...(r?.listType(listCode)?.defaultMeasures ?? [])]
}
