import type { Registries } from '../../config/registry-schema.js'
import type { ErrorCode } from '../errors/gateway-error.js'
import { entryMeasureCodes } from '../envelopes/measure-integrity.js'

/**
 * A joint punishment notice names only measures its entry carries — the entry's own, or its list
 * type's default measures when it names none, as the checks read them — so an initiator cannot add a
 * measure the identifying department did not state (失信惩戒措施提示, 国办发〔2020〕49号 (八)) nor go
 * beyond what fits the listing (过惩相当, 国办发〔2020〕49号 (十)).
 */
export function noticeMeasureErrors (
  registries: Registries | undefined,
  listCode: string,
  entryMeasures: ReadonlyArray<{ code: string }>,
  noticeMeasures: readonly string[]
): Array<{ path: string, code: ErrorCode, detail: string }> {
  const carried = new Set(entryMeasureCodes(registries, listCode, entryMeasures))
  return noticeMeasures.flatMap((m, i) => carried.has(m)
    ? []
    : [{ path: `/measures/${i}`, code: 'MEASURE_NOT_APPLICABLE' as const, detail: `the entry does not carry ${m} (its measures: ${[...carried].join(', ') || 'none'}; 国办发〔2020〕49号 (十))` }])
}
