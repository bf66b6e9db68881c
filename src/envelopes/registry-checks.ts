import type { Registries } from '../../config/registry-schema.js'
import type { ErrorCode } from '../errors/gateway-error.js'
import { checkEntryMeasures } from './measure-integrity.js'
import { checkValidityPeriod } from './validity-period.js'

type Add = (path: string, code: ErrorCode, detail: string) => void

/** A code from the registries is usable by `iss` if it is national or the issuer's own supplement. */
const usableBy = (definedIn: string, iss: string): boolean => definedIn === 'national' || definedIn === iss

function checkMeasure (r: Registries, iss: string, code: unknown, path: string, add: Add): void {
  if (typeof code !== 'string') return
  const m = r.measure(code)
  if (m === undefined || !usableBy(m.definedIn, iss)) add(path, 'MEASURE_UNKNOWN', 'measure not in the measures list (措施清单)')
}

/**
 * The registry rules an item must follow (国办发〔2020〕49号 (一)(三)(九), 国发〔2016〕33号 (二十)): a
 * list entry names a registered list type of its kind and domain, with the severe category the
 * list type states, and only registered measures, flagged as the list flags them and fitting the
 * list type (49号 (十)), for a period within the list type's bounds (33号 (二十一)); notices and
 * feedback cite registered measures.
 */
export function checkRegistries (
  r: Registries, kind: string, iss: string, item: Record<string, unknown>, add: Add
): void {
  if (kind === 'list.upsert') {
    const code = String(item.listCode)
    const lt = r.listType(code)
    if (lt === undefined || !usableBy(lt.definedIn, iss)) {
      add('/listCode', 'LIST_TYPE_UNKNOWN', 'list type not in the list-type registry')
    } else {
      if (lt.listType !== item.listType) add('/listType', 'SCHEMA_INVALID', `the list type ${code} is a ${lt.listType} list`)
      if (lt.domain !== '*' && lt.domain !== item.domain) add('/domain', 'SCHEMA_INVALID', `the list type ${code} belongs to the domain ${lt.domain}`)
      if (lt.severeCategory !== undefined && item.severeCategory !== undefined &&
        lt.severeCategory !== item.severeCategory) {
        add('/severeCategory', 'SCHEMA_INVALID', `the list type ${code} is of the severe category ${lt.severeCategory}`)
      }
      if (!lt.repairable && item.repairable === true) add('/repairable', 'SCHEMA_INVALID', `entries of the list type ${code} are not repairable`)
      checkValidityPeriod(lt, item, add)
    }
    const measures = Array.isArray(item.measures) ? item.measures as Array<{ code?: unknown }> : []
    measures.forEach((m, i) => { checkMeasure(r, iss, m.code, `/measures/${i}/code`, add) })
    // A measure the issuer may not use is MEASURE_UNKNOWN alone (blanked here, indices kept).
    checkEntryMeasures(r, item.listType, measures.map((m) => {
      const def = typeof m.code === 'string' ? r.measure(m.code) : undefined
      return def !== undefined && usableBy(def.definedIn, iss) ? m : {}
    }), add)
  } else if (kind === 'punishment.notice') {
    const measures = Array.isArray(item.measures) ? item.measures as unknown[] : []
    measures.forEach((m, i) => { checkMeasure(r, iss, m, `/measures/${i}`, add) })
  } else if (kind === 'punishment.feedback' && item.measure !== undefined) {
    // Feedback names the initiator's measure: usable if national or the initiator's own.
    checkMeasure(r, String(item.initiator), item.measure, '/measure', add)
  }
}
