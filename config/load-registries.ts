import { readdirSync, existsSync } from 'node:fs'
import { join, basename } from 'node:path'
import { ConfigError } from './config-error.js'
import { effectFits } from './measure-effects.js'
import { readJson, validated } from './read-config-file.js'
import {
  RegistryFileSchema, type RegistryFile, type Registries, type RegisteredListType, type MeasureDef, type MeasureEffect,
  type CatalogueItem, type DecisionTypeDef, type Defined, type MemorandumDef
} from './registry-schema.js'

interface Loaded { file: string, reg: RegistryFile }

function readRegistry (file: string): RegistryFile {
  const reg: RegistryFile = validated(RegistryFileSchema, readJson(file), file)
  const name = basename(file, '.json')
  if (reg.id !== name) throw new ConfigError(file, '/id', `must equal the file name (${name})`)
  return reg
}

/** Claims codes in one namespace: unique in a file, never redefining the national base or another province. */
function claim (seen: Map<string, string>, { file, reg }: Loaded, key: string, at: string, what: string): void {
  const owner = seen.get(key)
  if (owner === reg.id) throw new ConfigError(file, at, `duplicate ${what} ${key}`)
  if (owner === 'national') throw new ConfigError(file, at, `${what} ${key} is national: a provincial supplement may not redefine it`)
  if (owner !== undefined) throw new ConfigError(file, at, `${what} ${key} is already defined by ${owner}.json`)
  seen.set(key, reg.id)
}

function checkListTypes (
  { file, reg }: Loaded, measureOwner: ReadonlyMap<string, string>, effectOf: ReadonlyMap<string, MeasureEffect>
): void {
  reg.listTypes.forEach((lt, i) => {
    const at = `/listTypes/${i}`
    if (lt.listType === 'black' && lt.severeCategory === undefined) throw new ConfigError(file, `${at}/severeCategory`, 'a black list must name one of the four severe categories (国发〔2016〕33号 (九))')
    if (lt.listType !== 'black' && lt.severeCategory !== undefined) throw new ConfigError(file, `${at}/severeCategory`, `only black lists have a severe category, not ${lt.listType}`)
    const { minimumMonths: min, maximumMonths: max } = lt.exit
    if (min !== undefined && max !== undefined && min > max) throw new ConfigError(file, `${at}/exit/minimumMonths`, `exceeds maximumMonths (${max})`)
    lt.defaultMeasures.forEach((m, j) => {
      const owner = measureOwner.get(m)
      if (owner === undefined) throw new ConfigError(file, `${at}/defaultMeasures/${j}`, `unknown measure ${m}`)
      if (owner !== 'national' && owner !== reg.id) throw new ConfigError(file, `${at}/defaultMeasures/${j}`, `measure ${m} belongs to ${owner}.json; use a national measure or one of this file`)
      const effect = effectOf.get(m)
      // 过惩相当 (国办发〔2020〕49号 (十)): a list type's defaults fit it as an entry's own measures must.
      if (effect !== undefined && !effectFits(lt.listType, effect)) throw new ConfigError(file, `${at}/defaultMeasures/${j}`, `measure ${m} is ${effect}: not for a ${lt.listType} list`)
    })
  })
}

/** A measure's decision types exist in the national base or the measure's own file. */
function checkDecisionTypes ({ file, reg }: Loaded, decisionOwner: ReadonlyMap<string, string>): void {
  reg.measures.forEach((m, i) => {
    m.decisionTypes?.forEach((d, j) => {
      const owner = decisionOwner.get(d)
      const at = `/measures/${i}/decisionTypes/${j}`
      if (owner === undefined) throw new ConfigError(file, at, `unknown decision type ${d}`)
      if (owner !== 'national' && owner !== reg.id) throw new ConfigError(file, at, `decision type ${d} belongs to ${owner}.json; use a national decision type or one of this file`)
    })
  })
}

/**
 * A memorandum is written by its lead province, which signs it; it names list types of the national
 * base or of a signatory's own file, of the domains it covers, and measures of the national base or of a
 * signatory's file. A provincial list type binds outside its province only through one: `false` for
 * `informationOnlyOutsideOwner` in a provincial file is refused (issue 13 item 2).
 */
function checkMemoranda (
  { file, reg }: Loaded,
  listTypes: ReadonlyMap<string, { owner: string, domain: string }>,
  measureOwner: ReadonlyMap<string, string>
): void {
  if (reg.id !== 'national') {
    reg.listTypes.forEach((lt, i) => {
      if (lt.informationOnlyOutsideOwner === false) throw new ConfigError(file, `/listTypes/${i}/informationOnlyOutsideOwner`, 'a provincial list type binds outside its province only through a memorandum (memoranda): name it there instead')
    })
  }
  reg.memoranda.forEach((m, i) => {
    const at = `/memoranda/${i}`
    if (reg.id === 'national') throw new ConfigError(file, at, 'a memorandum is regional: write it in the lead province\'s file')
    if (!m.signatories.includes(reg.id)) throw new ConfigError(file, `${at}/signatories`, `the lead ${reg.id} must sign its memorandum`)
    m.listCodes.forEach((code, j) => {
      const lt = listTypes.get(code)
      if (lt === undefined) throw new ConfigError(file, `${at}/listCodes/${j}`, `unknown list type ${code}`)
      if (lt.owner !== 'national' && !m.signatories.includes(lt.owner)) throw new ConfigError(file, `${at}/listCodes/${j}`, `list type ${code} belongs to ${lt.owner}.json, not a signatory`)
      if (!m.domains.includes(lt.domain)) throw new ConfigError(file, `${at}/listCodes/${j}`, `list type ${code} is of domain ${lt.domain}, not one the memorandum covers (${m.domains.join(', ')})`)
    })
    m.measures.forEach((code, j) => {
      const owner = measureOwner.get(code)
      if (owner === undefined) throw new ConfigError(file, `${at}/measures/${j}`, `unknown measure ${code}`)
      if (owner !== 'national' && !m.signatories.includes(owner)) throw new ConfigError(file, `${at}/measures/${j}`, `measure ${code} belongs to ${owner}.json, not a signatory`)
    })
  })
}

function deepFreeze<T> (value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}

function merged (files: Loaded[]): Registries {
  const listTypes: RegisteredListType[] = []
  const measures: Array<MeasureDef & Defined> = []
  const catalogue: Array<CatalogueItem & Defined> = []
  const decisionTypes: Array<DecisionTypeDef & Defined> = []
  const memoranda: Array<MemorandumDef & Defined> = []
  for (const { reg } of files) {
    const provincial = reg.id !== 'national'
    for (const lt of reg.listTypes) {
      listTypes.push(
        { ...lt, informationOnlyOutsideOwner: lt.informationOnlyOutsideOwner ?? provincial, definedIn: reg.id }
      )
    }
    for (const m of reg.measures) measures.push({ ...m, definedIn: reg.id })
    for (const c of reg.catalogue) catalogue.push({ ...c, definedIn: reg.id })
    for (const d of reg.decisionTypes) decisionTypes.push({ ...d, definedIn: reg.id })
    for (const m of reg.memoranda) memoranda.push({ ...m, definedIn: reg.id })
  }
  deepFreeze([listTypes, measures, catalogue, decisionTypes, memoranda])
  const byDecisionType = new Map(decisionTypes.map((x) => [x.code, x]))
  const byListType = new Map(listTypes.map((x) => [x.code, x]))
  const byMeasure = new Map(measures.map((x) => [x.code, x]))
  const byField = new Map(catalogue.map((x) => [x.field, x]))
  const versions = files.map(({ reg }) => ({ id: reg.id, version: reg.version, effectiveFrom: reg.effectiveFrom }))
  return Object.freeze({
    versions: deepFreeze(versions),
    listTypes,
    measures,
    catalogue,
    decisionTypes,
    memoranda,
    listType: (code: string) => byListType.get(code),
    measure: (code: string) => byMeasure.get(code),
    catalogueItem: (field: string) => byField.get(field),
    decisionType: (code: string) => byDecisionType.get(code),
    memorandaFor: (listCode: string) => memoranda.filter((m) => m.listCodes.includes(listCode))
  })
}

/**
 * Loads `<dir>/registries/*.json`: `national.json` (required, the national base) and one
 * supplement per province (`SH.json` …), each checked against {@link RegistryFileSchema}. Then:
 * codes and catalogue fields are unique, no supplement redefines a national code (or another
 * province's), a black list names its severe category and no other list does, and a list type's
 * default measures exist in the national base or its own file and fit its list type (by their
 * `effect`, config/measure-effects.ts), and a measure's decision types exist likewise. Anything else throws a
 * ConfigError
 * naming the file and field. Provincial list types default to `informationOnlyOutsideOwner: true`
 * (DOMAIN.md: a province's own legislation binds elsewhere only where the receiver has a basis), and
 * the basis is a memorandum (合作备忘录, `memoranda`) the lead province writes: see checkMemoranda.
 */
export function loadRegistries (dir: string): Registries {
  const folder = join(dir, 'registries')
  if (!existsSync(folder)) throw new ConfigError(folder, '', 'folder missing')
  const names = readdirSync(folder).filter((f) => f.endsWith('.json'))
  if (!names.includes('national.json')) throw new ConfigError(join(folder, 'national.json'), '', 'the national base is missing')
  const ordered = ['national.json', ...names.filter((f) => f !== 'national.json').sort()]
  const files: Loaded[] = ordered.map((f) => {
    const file = join(folder, f)
    return { file, reg: readRegistry(file) }
  })
  const listCodes = new Map<string, string>()
  const measureCodes = new Map<string, string>()
  const fields = new Map<string, string>()
  const decisionCodes = new Map<string, string>()
  const memorandumCodes = new Map<string, string>()
  for (const l of files) {
    l.reg.memoranda.forEach((m, i) => { claim(memorandumCodes, l, m.code, `/memoranda/${i}/code`, 'memorandum') })
    l.reg.decisionTypes.forEach((d, i) => { claim(decisionCodes, l, d.code, `/decisionTypes/${i}/code`, 'decision type') })
    l.reg.measures.forEach((m, i) => { claim(measureCodes, l, m.code, `/measures/${i}/code`, 'measure') })
    l.reg.listTypes.forEach((lt, i) => { claim(listCodes, l, lt.code, `/listTypes/${i}/code`, 'list type') })
    l.reg.catalogue.forEach((c, i) => { claim(fields, l, c.field, `/catalogue/${i}/field`, 'catalogue field') })
  }
  const effects = new Map(files.flatMap((l) => l.reg.measures.map((m) => [m.code, m.effect] as const)))
  for (const l of files) checkListTypes(l, measureCodes, effects)
  for (const l of files) checkDecisionTypes(l, decisionCodes)
  const listTypeInfo = new Map(
    files.flatMap(({ reg }) => reg.listTypes.map((lt) => [lt.code, { owner: reg.id, domain: lt.domain }] as const))
  )
  for (const l of files) checkMemoranda(l, listTypeInfo, measureCodes)
  return merged(files)
}
