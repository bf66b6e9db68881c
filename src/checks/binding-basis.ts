import type { Registries } from '../../config/registry-schema.js'

/**
 * Why a measure of an entry binds a platform: `national` (a national list type binds everywhere),
 * `own-province` (a provincial list type in the province that owns the entry) or `memorandum` (a
 * regional 合作备忘录 signed by the owner and the platform names the list type and the measure;
 * 浙政办发〔2021〕29号 (五) 第26项, 《信用浙江》2020年第3期).
 */
export interface BindingBasis {
  kind: 'national' | 'own-province' | 'memorandum'
  /** The list type's code (national, own-province) or the memorandum's code. */
  ref: string
  /** Its Chinese name. */
  name: string
}

/**
 * The basis on which `measure` of an entry of list type `listCode`, owned by `owner`, binds in
 * `platform`, or undefined when it is information only there: outside its owner's province a
 * provincial list type binds only through a memorandum signed by both that names the list type and
 * the measure (DOMAIN.md: "model the basis, do not assume it"): 国办发〔2020〕49号 (七) sets apart a
 * list "在全国范围内实施" from one "仅在地方范围内实施". A list type the registries do not know binds
 * nowhere but at home.
 */
export function bindingBasis (
  registries: Registries, listCode: string, owner: string, platform: string, measure: string
): BindingBasis | undefined {
  const listType = registries.listType(listCode)
  if (listType !== undefined && !listType.informationOnlyOutsideOwner) return { kind: 'national', ref: listCode, name: listType.name.zh }
  if (platform === owner) return { kind: 'own-province', ref: listCode, name: listType?.name.zh ?? listCode }
  const memo = registries.memorandaFor(listCode)
    .find((m) => m.signatories.includes(owner) && m.signatories.includes(platform) && m.measures.includes(measure))
  return memo === undefined ? undefined : { kind: 'memorandum', ref: memo.code, name: memo.name.zh }
}
