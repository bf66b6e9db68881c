import { Type, type Static } from '@sinclair/typebox'
import { DateV1, LocalIdV1, PlatformIdV1, TextV1 } from './common-v1.js'

/**
 * Why an entry leaves its list (国办发〔2020〕49号 (十一)(十二)). `fulfilled` and `court-deleted` are the
 * court list's own exits (失信被执行人, 法发〔2020〕25号 20: the list is applied "精准…严格规范"):
 * `fulfilled` when the debtor has performed the judgment or a settlement agreement
 * (执行和解协议) in full, `court-deleted` when the court deletes the entry on another of its
 * grounds. Neither is 信用修复 (`repair`), so neither is refused on an entry marked not repairable.
 */
export const RemovalReasonV1 = Type.Union([
  Type.Literal('repair'),
  Type.Literal('expiry'),
  Type.Literal('revoked'),
  Type.Literal('corrected'),
  Type.Literal('other'),
  Type.Literal('fulfilled'),
  Type.Literal('court-deleted')
], { title: 'RemovalReasonV1' })

/**
 * `list.remove` item: the owner takes an entry off its list. The removal is itself a new version
 * of the entry, so a late upsert of an older version can never bring it back.
 */
export const ListRemoveItemV1 = Type.Object({
  entryId: LocalIdV1,
  owner: PlatformIdV1,
  version: Type.Integer({ minimum: 2, maximum: 2147483647, description: 'The new version this removal creates' }),
  reason: RemovalReasonV1,
  basis: TextV1(2000, 'Decision or evidence the removal rests on'),
  effectiveOn: DateV1
}, { $id: 'ListRemoveItemV1', additionalProperties: false })
export type ListRemoveItemV1 = Static<typeof ListRemoveItemV1>
