import { Type, type Static } from '@sinclair/typebox'
import { JwkSet } from './config-schema.js'
import { DepartmentKindSchema } from './registry-schema.js'

/**
 * An authorised department system (an approval, supervision or procurement system) that checks a
 * subject's credit before deciding (应查必查, 国发〔2016〕33号 (十八)). Its bearer tokens are signed
 * with one of its keys, `iss` its id, optionally `sub` the operator; it may only call the check
 * routes. `platform` is its home province: the platform that authorised it, and the one whose
 * view of "information only" list types applies to it.
 */
export const CheckerIssuerSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$', description: 'No \':\' (refused at load with the reason: it separates issuer and sub in principal ids)' }),
  name: Type.String({ minLength: 1, maxLength: 200, description: 'The department and system, e.g. 杭州市市场监督管理局 行政许可系统' }),
  platform: Type.String({ pattern: '^[A-Z][A-Z0-9]{1,15}$', description: 'Home platform (province) of the department' }),
  departmentKind: DepartmentKindSchema,
  shareScopes: Type.Optional(Type.Array(Type.Union([Type.Literal('all-platforms'), Type.Literal('authorised-departments')]), {
    uniqueItems: true,
    description: 'Catalogue share scopes this system may receive in a check answer (default: its home platform\'s; never more). A check whose full answer would show a field outside them is answered in verification mode (可用不可见, 国办发〔2021〕52号 (六))'
  })),
  jwks: Type.Optional(JwkSet),
  jwksUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$', description: 'http(s) URL' }))
}, { additionalProperties: false })
export type CheckerIssuerConfig = Static<typeof CheckerIssuerSchema>

/** `<config>/checkers.json` (optional; none by default). */
export const CheckersFileSchema = Type.Object({
  issuers: Type.Array(CheckerIssuerSchema)
}, { additionalProperties: false })
