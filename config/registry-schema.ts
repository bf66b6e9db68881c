import { Type, type Static } from '@sinclair/typebox'

const IsoDate = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$', description: 'A calendar date, YYYY-MM-DD' })
const Code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'Stable code, as carried in list entries' })
const LegalBasis = Type.String({ minLength: 1, maxLength: 2000, description: 'Law, regulation or document (cited by number) the item rests on' })
const Name = Type.Object({
  zh: Type.String({ minLength: 1, maxLength: 200 }),
  en: Type.String({ minLength: 1, maxLength: 200 })
}, { additionalProperties: false })

/** Who a catalogue item may be shared with (目录制管理, 国办发〔2020〕49号 (三)). */
export const ShareScopeSchema = Type.Union([
  Type.Literal('all-platforms'),
  Type.Literal('authorised-departments'),
  Type.Literal('owner-only')
], { description: 'all-platforms: every platform of the region; authorised-departments: only on a registered purpose; owner-only: never leaves the owner' })

/** Whether a catalogue item may be published, and how (国办发〔2020〕49号 (四)(十四)). */
export const PublishScopeSchema = Type.Union([
  Type.Literal('public'),
  Type.Literal('masked'),
  Type.Literal('none')
], { description: 'public: as is; masked: desensitised; none: never published' })

/** Kind of department that applies a measure; the receiving platform routes a notice by it. */
export const DepartmentKindSchema = Type.Union([
  Type.Literal('any-department'),
  Type.Literal('courts'),
  Type.Literal('development-reform'),
  Type.Literal('finance'),
  Type.Literal('financial-regulation'),
  Type.Literal('market-regulation'),
  Type.Literal('drug-regulation'),
  Type.Literal('ecology-environment'),
  Type.Literal('culture-tourism'),
  Type.Literal('transport'),
  Type.Literal('taxation')
])

const ListKind = Type.Union([Type.Literal('black'), Type.Literal('red'), Type.Literal('key-supervision')])
const SevereCategory = Type.Union([
  Type.Literal('health-safety'),
  Type.Literal('market-order'),
  Type.Literal('legal-obligation'),
  Type.Literal('national-defence')
], { description: 'The four severe categories of 国发〔2016〕33号 (九)' })

/** One data item of the public credit information catalogue, keyed by its contract field path. */
export const CatalogueItemSchema = Type.Object({
  field: Type.String({ pattern: '^[a-z][A-Za-z0-9]*(\\.[a-z][A-Za-z0-9]*)*$', description: 'Field path in list entries, dot-separated, arrays transparent (e.g. subject.idNumber)' }),
  name: Name,
  legalBasis: LegalBasis,
  share: ShareScopeSchema,
  publish: PublishScopeSchema,
  publishForPersons: Type.Optional(PublishScopeSchema),
  personal: Type.Optional(Type.Boolean({ description: 'Personal information: logged and shown masked (脱敏, 国办发〔2020〕49号 (四)(十四))' }))
}, { additionalProperties: false })

/** Exit rules of a list type (移出条件和程序, 国发〔2016〕33号 (二十一)). */
export const ExitRulesSchema = Type.Object({
  minimumMonths: Type.Optional(Type.Integer({ minimum: 0, maximum: 600, description: 'Earliest exit, e.g. on repair: a repair.request before validFrom + minimumMonths is refused (REPAIR_TOO_EARLY)' })),
  repairWithinWorkingDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, description: 'Working days the owner has to decide a repair request (国办发〔2020〕49号 (十二) "在规定时限内办结"; the texts give no number). Default 15' })),
  maximumMonths: Type.Optional(Type.Integer({ minimum: 1, maximum: 600, description: 'Removed at the latest after this period' })),
  conditions: Type.String({ minLength: 1, maxLength: 2000 })
}, { additionalProperties: false })

/** A list type: what an entry's `listCode` names. */
export const ListTypeDefSchema = Type.Object({
  code: Code,
  name: Name,
  listType: ListKind,
  domain: Type.String({ pattern: '^(\\*|[a-z][a-z0-9-]*)$', description: 'Domain of the entries, or * for a list open to every domain' }),
  legalBasis: LegalBasis,
  severeCategory: Type.Optional(SevereCategory),
  exit: ExitRulesSchema,
  repairable: Type.Boolean(),
  objection: Type.Object({
    measuresContinueDuringObjection: Type.Boolean({ description: 'False: measures suspended while the source verifies (国发〔2016〕33号 (二十二)); true for court lists' }),
    answerWithinWorkingDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, description: 'Working days the owner has to resolve an objection (国发〔2016〕33号 (二十二) "尽快核实并反馈"; the texts give no number). Default 10' }))
  }, { additionalProperties: false }),
  informationOnlyOutsideOwner: Type.Optional(Type.Boolean({ description: 'True: outside its province the entry is information only unless a memorandum (memoranda) binds it there. Default false in the national file, true in a provincial one, where false is refused: a provincial list binds elsewhere only through a memorandum' })),
  defaultMeasures: Type.Array(Code, { uniqueItems: true, maxItems: 100 }),
  note: Type.Optional(Type.String({ maxLength: 2000 }))
}, { additionalProperties: false })

/**
 * A measure that bears on the responsible persons of a listed organisation too (落实到人,
 * 国发〔2016〕33号 (十四)): "依照法律法规和政策规定对相关责任人员采取相应的联合惩戒措施" — so each
 * such measure names the roles it reaches and its own basis for reaching them. Without it, a
 * measure bears on the listed subject alone.
 */
export const ResponsiblePersonsRuleSchema = Type.Object({
  roles: Type.Array(Type.Union([
    Type.Literal('legal-representative'),
    Type.Literal('principal'),
    Type.Literal('actual-controller'),
    Type.Literal('directly-responsible')
  ]), { minItems: 1, uniqueItems: true, description: 'Roles of subject.responsiblePersons the measure reaches' }),
  legalBasis: LegalBasis
}, { additionalProperties: false })

/**
 * What a measure does to the subject, which decides the list types it may be attached to (过惩相当,
 * 国办发〔2020〕49号 (十); see config/measure-effects.ts): punitive (减损权益或增加义务, black lists
 * only), supervisory (closer supervision, black and key-supervision lists) or incentive (red lists only).
 */
export const MeasureEffectSchema = Type.Union([
  Type.Literal('punitive'),
  Type.Literal('supervisory'),
  Type.Literal('incentive')
], { description: 'punitive: restricts rights or adds duties (black lists); supervisory: closer supervision (black and key-supervision lists); incentive: a reward (red lists)' })

/** A measure of the measures list (措施清单, 国发〔2016〕33号 (二十), 国办发〔2020〕49号 (九)(十)). */
export const MeasureDefSchema = Type.Object({
  code: Code,
  name: Name,
  kind: Type.Union([Type.Literal('mandatory'), Type.Literal('recommended')], { description: '强制性 or 推荐性' }),
  effect: MeasureEffectSchema,
  legalBasis: LegalBasis,
  appliedBy: DepartmentKindSchema,
  decisionTypes: Type.Optional(Type.Array(Code, { uniqueItems: true, maxItems: 50, description: 'Decisions this measure bears on (decision types of this file or the national base): what a check before deciding (POST /v1/checks) answers for that decision type' })),
  responsiblePersons: Type.Optional(ResponsiblePersonsRuleSchema)
}, { additionalProperties: false })

/**
 * A kind of decision a department takes after checking a subject's credit (应查必查, 国发〔2016〕33号
 * (十八)): approval, procurement, funding and so on. A check names one; the measures that declare it
 * in `decisionTypes` are the ones the answer lists.
 */
export const DecisionTypeDefSchema = Type.Object({
  code: Code,
  name: Name,
  note: Type.Optional(Type.String({ maxLength: 2000 }))
}, { additionalProperties: false })

const PlatformId = Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$', description: 'A platform id (SH, JS, ZJ, AH …)' })

/**
 * A regional cooperation memorandum (合作备忘录) for cross-region joint reward and punishment in a key
 * domain (信用长三角: ecology led by ZJ, tourism by SH, food and drugs by JS, product quality by AH —
 * 《信用浙江》2020年第3期; 浙政办发〔2021〕29号 (五) 第26项). It is the basis on which an entry of one
 * signatory's list binds the others: outside its owner's province a provincial list type is information
 * only, except for the measures a memorandum signed by both the owner and the asker names for that list.
 * Written in the lead province's file (the lead is that file's id).
 */
export const MemorandumDefSchema = Type.Object({
  code: Code,
  name: Name,
  domains: Type.Array(Type.String({ pattern: '^[a-z][a-z0-9-]*$' }), { minItems: 1, uniqueItems: true, maxItems: 20, description: 'Key domains it covers; every list type it names is of one of them' }),
  signatories: Type.Array(PlatformId, { minItems: 2, uniqueItems: true, maxItems: 50, description: 'Platforms (provinces) bound to each other; the lead among them' }),
  listCodes: Type.Array(Code, { minItems: 1, uniqueItems: true, maxItems: 100, description: 'List types whose entries bind across the signatories' }),
  measures: Type.Array(Code, { minItems: 1, uniqueItems: true, maxItems: 100, description: 'The measures the signatories bind each other to; any other measure of these lists stays information only outside the owner' }),
  legalBasis: LegalBasis,
  evidence: Type.Optional(Type.Object({
    source: Type.String({ minLength: 1, maxLength: 500, description: 'Where the quote is, e.g. a magazine issue that has no document number' }),
    quote: Type.String({ minLength: 1, maxLength: 2000, description: 'Verbatim from the source (checked against test/fixtures/seeds)' })
  }, { additionalProperties: false })),
  note: Type.Optional(Type.String({ maxLength: 2000 }))
}, { additionalProperties: false })

/**
 * `<config>/registries/<id>.json`: the national base (`national.json`) or one province's
 * supplement (`SH.json` …). A supplement may add catalogue items, list types and measures but
 * never redefine a code of the national base.
 */
export const RegistryFileSchema = Type.Object({
  id: Type.String({ pattern: '^(national|[A-Z][A-Z0-9]{1,15})$', description: 'national, or a platform id; equals the file name' }),
  version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$', description: 'Version of this file, semver' }),
  effectiveFrom: IsoDate,
  source: Type.String({ minLength: 1, maxLength: 2000, description: 'The documents this file transcribes' }),
  catalogue: Type.Array(CatalogueItemSchema, { default: [] }),
  listTypes: Type.Array(ListTypeDefSchema, { default: [] }),
  measures: Type.Array(MeasureDefSchema, { default: [] }),
  decisionTypes: Type.Array(DecisionTypeDefSchema, { default: [] }),
  memoranda: Type.Array(MemorandumDefSchema, { default: [], description: 'Regional memoranda this province leads (合作备忘录); not in national.json' })
}, { additionalProperties: false })

/** One validated registry file. */
export type RegistryFile = Static<typeof RegistryFileSchema>
/** A share scope. */
export type ShareScope = Static<typeof ShareScopeSchema>
/** A publish scope. */
export type PublishScope = Static<typeof PublishScopeSchema>
/** A catalogue item as written in a file. */
export type CatalogueItem = Static<typeof CatalogueItemSchema>
/** A measure as written in a file. */
export type MeasureDef = Static<typeof MeasureDefSchema>
/** What a measure does: punitive, supervisory or incentive. */
export type MeasureEffect = Static<typeof MeasureEffectSchema>
/** A decision type as written in a file. */
export type DecisionTypeDef = Static<typeof DecisionTypeDefSchema>
/** A memorandum as written in a file. */
export type MemorandumDef = Static<typeof MemorandumDefSchema>
/** A list type as written in a file. */
export type ListTypeDef = Static<typeof ListTypeDefSchema>

/** Where a definition comes from: `national` or a platform id. */
export interface Defined {
  readonly definedIn: string
}

/** A list type after merging, with `informationOnlyOutsideOwner` resolved. */
export type RegisteredListType = Readonly<Omit<ListTypeDef, 'informationOnlyOutsideOwner'>> & Defined & {
  readonly informationOnlyOutsideOwner: boolean
}

/** Version of one loaded file. */
export interface RegistryVersion {
  readonly id: string
  readonly version: string
  readonly effectiveFrom: string
}

/** The merged registries: national base plus every provincial supplement, read-only. */
export interface Registries {
  /** One per file, national first. */
  readonly versions: readonly RegistryVersion[]
  readonly listTypes: readonly RegisteredListType[]
  readonly measures: ReadonlyArray<Readonly<MeasureDef> & Defined>
  readonly catalogue: ReadonlyArray<Readonly<CatalogueItem> & Defined>
  readonly decisionTypes: ReadonlyArray<Readonly<DecisionTypeDef> & Defined>
  /** Regional memoranda; `definedIn` is the lead province. */
  readonly memoranda: ReadonlyArray<Readonly<MemorandumDef> & Defined>
  listType: (code: string) => RegisteredListType | undefined
  measure: (code: string) => (Readonly<MeasureDef> & Defined) | undefined
  catalogueItem: (field: string) => (Readonly<CatalogueItem> & Defined) | undefined
  decisionType: (code: string) => (Readonly<DecisionTypeDef> & Defined) | undefined
  /** Memoranda naming list type `listCode`, in file order. */
  memorandaFor: (listCode: string) => ReadonlyArray<Readonly<MemorandumDef> & Defined>
}
