import { Type, type Static } from '@sinclair/typebox'

/** A platform identifier such as `SH`, `JS`, `ZJ`, `AH`; more are added by config alone. */
export const PlatformIdV1 = Type.String({
  title: 'PlatformIdV1',
  pattern: '^[A-Z][A-Z0-9]{1,15}$',
  description: 'Platform identifier (SH, JS, ZJ, AH, or another configured platform; the gateway is YRD)'
})
export type PlatformIdV1 = Static<typeof PlatformIdV1>

/** Identifier of an entry, case, objection or department chosen by the platform that owns it. */
export const LocalIdV1 = Type.String({
  title: 'LocalIdV1',
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$',
  description: 'Identifier chosen by the owning platform (letters, digits, . _ : -)'
})

/** A calendar date, `YYYY-MM-DD`. */
export const DateV1 = Type.String({
  title: 'DateV1',
  pattern: '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$',
  description: 'Calendar date, YYYY-MM-DD'
})

/** An instant, RFC 3339 with a zone. */
export const InstantV1 = Type.String({
  title: 'InstantV1',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$',
  description: 'Instant, RFC 3339 with a time zone'
})

/**
 * The hash the gateway proves with (gateway.json `proofHash`): of a transparency log (its leaves,
 * nodes and root, RFC 6962 structure unchanged) and of a receipt's digest. SM3 is GB/T 32905-2016;
 * both give 32 bytes. Where a signed object does not state it, it is SHA-256 (everything signed
 * before SM3 could be chosen).
 */
export const ProofHashV1 = Type.Union([Type.Literal('SHA-256'), Type.Literal('SM3')], {
  title: 'ProofHashV1',
  description: 'SHA-256, or SM3 (GB/T 32905-2016); 32 bytes either way'
})
export type ProofHashV1 = Static<typeof ProofHashV1>

/** Free text of bounded length: facts, legal basis, remedies and the like. */
export const TextV1 = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, description })

/** Code of a measure in the measures list (措施清单, 国发〔2016〕33号 (二十)). */
export const MeasureCodeV1 = Type.String({
  title: 'MeasureCodeV1',
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
  description: 'Code of a measure in the measures list'
})

/**
 * The entry an application about it (objection, credit repair) or the owner's answer is about: the
 * properties such an item carries after its own id.
 */
export const EntryRefV1 = { entryId: LocalIdV1, owner: PlatformIdV1 }
