/**
 * Removal reasons after which an entry's personal fields are shielded at once (no longer served
 * or sent anywhere) and erased after `personalDataRetentionDays`:
 * - `repair`: 国办发〔2020〕49号 (十一) — once repaired, sharing and publication stop "终止共享公开相关失信
 *   信息，或者对相关失信信息进行标注、屏蔽或删除";
 * - `expiry`: the punishment period ended (国发〔2016〕33号 (二十一): "不再作为联合惩戒对象"), the same
 *   end as a repair reached by time;
 * - `revoked`: the listing was wrongful (错误认定) or withdrawn by its decider, so there never was a
 *   basis to hold the person's data; the entry stays marked `wrongful` for the remedies, which name
 *   entries, not persons;
 * - `fulfilled`, `court-deleted`: the court list's own exits (法发〔2020〕25号 (20); the debtor performed,
 *   or the court deleted the entry), its counterparts of a repair.
 * Not `corrected` (the entry is replaced by a corrected one about the same subject) nor `other`
 * (no reason given: a reconciliation heal re-sends a removal with it).
 */
export const SHIELDED_REMOVAL_REASONS: readonly string[] = ['repair', 'expiry', 'revoked', 'fulfilled', 'court-deleted']

export const isShieldedRemoval = (reason: unknown): boolean => typeof reason === 'string' && SHIELDED_REMOVAL_REASONS.includes(reason)

/** The marker an erased item's subject carries: when its personal fields were erased. */
export const ERASED_MARK = 'personalDataErasedAt'

interface PersonLike { role?: unknown, name?: unknown, idNumber?: unknown, [k: string]: unknown }
interface SubjectLike {
  type?: unknown, name?: unknown, idNumber?: unknown, responsiblePersons?: unknown, [k: string]: unknown
}

/**
 * A `list.upsert` (or `punishment.notice`) item without its personal fields: a person subject's
 * `name` and `idNumber`, and every responsible person's `name` and `idNumber` (their `role` stays).
 * An organisation's name and credit code are not personal data: they name a registered market
 * entity, while 国办发〔2020〕49号 (四) guards "个人隐私" and "个人相关信息"; they stay. The subject gets `personalDataErasedAt`.
 * Anything without a
 * `subject` object (a removal item) comes back as it was.
 */
export function erasePersonalFields (item: unknown, at: Date): unknown {
  if (item === null || typeof item !== 'object') return item
  const subject = (item as { subject?: unknown }).subject
  if (subject === null || typeof subject !== 'object') return item
  const s = { ...(subject as SubjectLike) }
  if (s.type === 'person') {
    delete s.name
    delete s.idNumber
  }
  if (Array.isArray(s.responsiblePersons)) {
    s.responsiblePersons = (s.responsiblePersons as PersonLike[]).map((p) => {
      const { name: _name, idNumber: _id, ...rest } = p
      return rest
    })
  }
  s[ERASED_MARK] = at.toISOString()
  return { ...(item as Record<string, unknown>), subject: s }
}

/** Whether an item's personal fields were erased already. */
export const isErased = (item: unknown): boolean =>
  typeof (item as { subject?: Record<string, unknown> } | null)?.subject?.[ERASED_MARK] === 'string'
