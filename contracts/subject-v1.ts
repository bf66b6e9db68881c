import { Type, type Static } from '@sinclair/typebox'

/** The five subject classes plus individual businesses (国发〔2016〕33号, seed 001). */
export const SubjectTypeV1 = Type.Union([
  Type.Literal('enterprise'),
  Type.Literal('individual-business'),
  Type.Literal('social-organisation'),
  Type.Literal('public-institution'),
  Type.Literal('government-body'),
  Type.Literal('person')
], { title: 'SubjectTypeV1', description: 'Subject class; `person` is keyed by the resident identity number, every other class by the unified social credit code' })
export type SubjectTypeV1 = Static<typeof SubjectTypeV1>

const CreditCode = Type.String({
  minLength: 18,
  maxLength: 18,
  description: 'Unified social credit code (GB 32100-2015), checked including the embedded GB 11714 organisation code'
})
const IdNumber = Type.String({
  minLength: 18,
  maxLength: 18,
  description: 'Resident identity number (GB 11643-1999); personal information, masked wherever shown'
})

/** The role a responsible person holds for the entry's subject (国发〔2016〕33号 (十四); 国办发〔2019〕35号 (十二)). */
export const ResponsibleRoleV1 = Type.Union([
  Type.Literal('legal-representative'),
  Type.Literal('principal'),
  Type.Literal('actual-controller'),
  Type.Literal('directly-responsible')
], { title: 'ResponsibleRoleV1', description: '法定代表人, 主要负责人, 实际控制人, 负有直接责任的人员' })
export type ResponsibleRoleV1 = Static<typeof ResponsibleRoleV1>

/** A responsible person recorded with an entry (法定代表人、主要负责人、实际控制人, 国发〔2016〕33号 (十四)). */
export const ResponsiblePersonV1 = Type.Object({
  role: ResponsibleRoleV1,
  name: Type.String({ minLength: 1, maxLength: 100 }),
  idNumber: Type.Optional(IdNumber),
  creditCode: Type.Optional(Type.String({
    ...CreditCode,
    description: 'For a responsible organisation (e.g. an actual controller that is a company): its unified social credit code, instead of idNumber. ' +
      'A check on that code finds the entry through the role (落实到人)'
  }))
}, { title: 'ResponsiblePersonV1', additionalProperties: false, description: 'A natural person (idNumber) or, as actual controller, an organisation (creditCode); never both' })

/**
 * The subject an entry is about. Organisations carry `creditCode`; persons carry `idNumber`
 * (the gateway enforces which one is required for which `type`).
 */
export const SubjectV1 = Type.Object({
  type: SubjectTypeV1,
  name: Type.String({ minLength: 1, maxLength: 200, description: 'Registered name of the organisation or the person' }),
  creditCode: Type.Optional(CreditCode),
  idNumber: Type.Optional(IdNumber),
  responsiblePersons: Type.Optional(Type.Array(ResponsiblePersonV1, { maxItems: 20 }))
}, { title: 'SubjectV1', additionalProperties: false })
export type SubjectV1 = Static<typeof SubjectV1>
