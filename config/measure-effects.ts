import type { MeasureEffect } from './registry-schema.js'

type ListKind = 'black' | 'red' | 'key-supervision'

/**
 * Which measures a list type may carry, by the measure's registry `effect` (过惩相当: measures fit the
 * nature and severity of the conduct, 国办发〔2020〕49号 (十)):
 * - black (严重失信主体名单): punitive measures, and closer supervision (对严重失信主体…列为重点监管对象,
 *   国发〔2016〕33号 (十));
 * - key-supervision (重点监管名单): supervision only — subjects below the severe threshold get only
 *   "与其失信程度相对应的严格监管措施" (国办发〔2019〕35号 (八));
 * - red (诚信典型): incentives only (国发〔2016〕33号 (三)(四)); a red entry carries no punitive measure.
 */
export const EFFECTS_BY_LIST_TYPE: Readonly<Record<ListKind, readonly MeasureEffect[]>> = {
  black: ['punitive', 'supervisory'],
  'key-supervision': ['supervisory'],
  red: ['incentive']
}

/** Whether a measure of this effect may be attached to an entry of this list type. */
export function effectFits (listType: string, effect: MeasureEffect): boolean {
  return (EFFECTS_BY_LIST_TYPE[listType as ListKind] ?? []).includes(effect)
}
