import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import type { TSchema } from '@sinclair/typebox'
import { GATEWAY_ID, GATEWAY_ONLY_KINDS, ITEM_SCHEMAS, type EnvelopeKindV1 } from '../../contracts/envelope-v1.js'
import type { SubjectV1 } from '../../contracts/subject-v1.js'
import { GatewayError, type RefusalTally } from '../errors/gateway-error.js'
import { ItemErrors, MAX_ITEM_ERRORS } from '../errors/item-errors.js'
import { checkUscc } from '../identifiers/uscc.js'
import { organisationCategory, usccFitsSubjectType } from '../identifiers/uscc-categories.js'
import { checkIdNumber } from '../identifiers/id-number.js'
import type { Registries } from '../../config/registry-schema.js'
import { checkRegistries } from './registry-checks.js'

const checks = Object.fromEntries(
  Object.entries(ITEM_SCHEMAS).map(([kind, schema]) => [kind, TypeCompiler.Compile(schema as TSchema)])
) as Record<EnvelopeKindV1, TypeCheck<TSchema>>

/** Owner-only kinds: only the platform that owns the entry may send them (a repair decision: 国办发〔2020〕49号 (十一)). */
const OWNER_ONLY: ReadonlySet<EnvelopeKindV1> = new Set(['list.upsert', 'list.remove', 'objection.resolve', 'repair.decision'])
/** Kinds that change one entry per item: an entry may appear once per envelope. */
const ONE_PER_ENTRY: ReadonlySet<EnvelopeKindV1> = new Set(['list.upsert', 'list.remove'])

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
/** YYYY-MM-DD (already pattern-checked) names a real calendar day; arithmetic, no Date: it runs per item. */
const isRealDate = (d: string): boolean => {
  const y = Number(d.slice(0, 4))
  const m = Number(d.slice(5, 7))
  const day = Number(d.slice(8, 10))
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  return m >= 1 && m <= 12 && day >= 1 && day <= ((m === 2 && leap) ? 29 : DAYS[m - 1] ?? 0)
}

function checkSubject (c: ItemErrors, index: number, at: string, subject: SubjectV1): void {
  if (subject.type === 'person') {
    if (subject.idNumber === undefined) c.add(index, `${at}/idNumber`, 'SCHEMA_INVALID', 'a person is identified by idNumber')
    if (subject.creditCode !== undefined) c.add(index, `${at}/creditCode`, 'SCHEMA_INVALID', 'a person has no creditCode')
  } else {
    if (subject.creditCode === undefined) c.add(index, `${at}/creditCode`, 'SCHEMA_INVALID', `a subject of type ${subject.type} is identified by creditCode`)
    if (subject.idNumber !== undefined) c.add(index, `${at}/idNumber`, 'SCHEMA_INVALID', 'only a person has an idNumber')
  }
  if (subject.creditCode !== undefined) {
    const problem = checkUscc(subject.creditCode)
    if (problem !== null) c.add(index, `${at}/creditCode`, 'USCC_INVALID', `unified social credit code invalid (${problem})`)
    // GB 32100-2015 positions 1–2 (登记管理部门, 机构类别) say what kind of organisation the code is for.
    else if (subject.type !== 'person' && !usccFitsSubjectType(subject.creditCode, subject.type)) {
      const category = subject.creditCode.slice(0, 2)
      c.add(index, `${at}/creditCode`, 'USCC_INVALID', `unified social credit code invalid (SUBJECT_TYPE): category ${category} (${organisationCategory(subject.creditCode)?.name ?? '?'}) is not for a subject of type ${subject.type}`)
    }
  }
  if (subject.idNumber !== undefined) {
    const problem = checkIdNumber(subject.idNumber)
    if (problem !== null) c.add(index, `${at}/idNumber`, 'ID_NUMBER_INVALID', `identity number invalid (${problem})`)
  }
  subject.responsiblePersons?.forEach((p, i) => {
    if (p.idNumber !== undefined && p.creditCode !== undefined) {
      c.add(index, `${at}/responsiblePersons/${i}/creditCode`, 'SCHEMA_INVALID', 'a responsible party is a person (idNumber) or an organisation (creditCode), not both')
    }
    if (p.creditCode !== undefined) {
      const problem = checkUscc(p.creditCode)
      if (problem !== null) c.add(index, `${at}/responsiblePersons/${i}/creditCode`, 'USCC_INVALID', `unified social credit code invalid (${problem})`)
    }
    if (p.idNumber === undefined) return
    const problem = checkIdNumber(p.idNumber)
    if (problem !== null) c.add(index, `${at}/responsiblePersons/${i}/idNumber`, 'ID_NUMBER_INVALID', `identity number invalid (${problem})`)
  })
}

function checkDates (c: ItemErrors, index: number, item: Record<string, unknown>, fields: string[]): void {
  for (const f of fields) {
    const v = item[f]
    if (typeof v === 'string' && !isRealDate(v)) c.add(index, `/${f}`, 'SCHEMA_INVALID', 'not a calendar date')
  }
}

/**
 * 告知 (国办发〔2020〕49号 (八)): before deciding a black listing the authority tells the subject the
 * facts, the basis and its rights, so a black entry records when and how, on or before the decision.
 */
function checkNotification (
  c: ItemErrors,
  index: number,
  entry: { listType: string, decision: { decidedOn: string }, notification?: { notifiedOn: string } }
): void {
  const n = entry.notification
  if (n === undefined) {
    if (entry.listType === 'black') c.add(index, '/notification', 'SCHEMA_INVALID', 'a black-list entry records how the subject was told before the decision (告知, 国办发〔2020〕49号 (八))')
    return
  }
  if (!isRealDate(n.notifiedOn)) c.add(index, '/notification/notifiedOn', 'SCHEMA_INVALID', 'not a calendar date')
  else if (n.notifiedOn > entry.decision.decidedOn) c.add(index, '/notification/notifiedOn', 'SCHEMA_INVALID', 'the subject is told before the decision (国办发〔2020〕49号 (八)): notifiedOn is after decision.decidedOn')
}

function checkSemantics (c: ItemErrors, kind: EnvelopeKindV1, index: number, item: Record<string, unknown>): void {
  if (kind === 'list.upsert') {
    const entry = item as {
      listType: string,
      severeCategory?: string,
      subject: SubjectV1,
      validFrom: string,
      validUntil?: string,
      decision: { decidedOn: string, authorityCode?: string },
      notification?: { notifiedOn: string }
    }
    checkSubject(c, index, '/subject', entry.subject)
    if (entry.listType === 'black' && entry.severeCategory === undefined) {
      c.add(index, '/severeCategory', 'SCHEMA_INVALID', 'a black-list entry names one of the four severe categories (国发〔2016〕33号 (九))')
    }
    checkDates(c, index, item, ['validFrom', 'validUntil'])
    if (!isRealDate(entry.decision.decidedOn)) c.add(index, '/decision/decidedOn', 'SCHEMA_INVALID', 'not a calendar date')
    if (entry.validUntil !== undefined && entry.validUntil < entry.validFrom) c.add(index, '/validUntil', 'SCHEMA_INVALID', 'validUntil is before validFrom')
    checkNotification(c, index, entry)
    if (entry.decision.authorityCode !== undefined) {
      const problem = checkUscc(entry.decision.authorityCode)
      if (problem !== null) c.add(index, '/decision/authorityCode', 'USCC_INVALID', `unified social credit code invalid (${problem})`)
    }
  } else if (kind === 'punishment.notice') {
    checkSubject(c, index, '/subject', item.subject as SubjectV1)
    checkDates(c, index, item, ['respondBy', 'feedbackBy'])
    if ((item.feedbackBy as string) < (item.respondBy as string)) c.add(index, '/feedbackBy', 'SCHEMA_INVALID', 'feedbackBy is before respondBy')
  } else if (kind === 'punishment.feedback') {
    checkDates(c, index, item, ['appliedOn'])
    const outcome = item.outcome
    if (outcome !== 'acknowledged' && item.measure === undefined) c.add(index, '/measure', 'SCHEMA_INVALID', 'feedback on a measure names the measure')
    if (outcome === 'applied' && item.appliedOn === undefined) c.add(index, '/appliedOn', 'SCHEMA_INVALID', 'an applied measure has appliedOn')
    if (outcome === 'declined' && item.reason === undefined) c.add(index, '/reason', 'SCHEMA_INVALID', 'a declined measure has a reason')
  } else if (kind === 'list.remove') {
    checkDates(c, index, item, ['effectiveOn'])
  } else if (kind === 'objection.open') {
    checkDates(c, index, item, ['lodgedOn'])
  } else if (kind === 'gateway.notice') {
    checkDates(c, index, item, ['dueOn'])
  } else if (kind === 'repair.request') {
    checkDates(c, index, item, ['requestedOn'])
  } else if (kind === 'repair.decision') {
    checkDates(c, index, item, ['decidedOn'])
  } else {
    checkDates(c, index, item, ['resolvedOn'])
    if (item.outcome === 'corrected' && item.correctedVersion === undefined) c.add(index, '/correctedVersion', 'SCHEMA_INVALID', 'a correction names the corrected version')
  }
}

/** How many items carry a credit code and how many of those codes are invalid (for data quality). */
function tallyOf (items: unknown[]): RefusalTally {
  let creditCodeItems = 0
  let invalidCreditCodes = 0
  for (const item of items) {
    const code = (item as { subject?: { creditCode?: unknown } } | null)?.subject?.creditCode
    if (typeof code !== 'string') continue
    creditCodeItems++
    if (checkUscc(code) !== null) invalidCreditCodes++
  }
  return { items: items.length, creditCodeItems, invalidCreditCodes }
}

/**
 * Validates every item of an envelope against its kind's contract, the identifier checks and the
 * ownership rule. An envelope is accepted whole or not at all, so every problem found is reported
 * (up to 100), and the envelope's code is that of the first one.
 */
export function validateItems (kind: EnvelopeKindV1, iss: string, items: unknown[], registries?: Registries): void {
  // Before any item is read: a platform may not speak in the gateway's name, whatever the items.
  if (GATEWAY_ONLY_KINDS.has(kind) && iss !== GATEWAY_ID) {
    throw new GatewayError('FORBIDDEN', `${kind} is issued by the gateway only (iss ${GATEWAY_ID}); a platform may not send it`)
  }
  const check = checks[kind]
  const c = new ItemErrors()
  const seen = new Map<string, number>()
  items.forEach((item, index) => {
    if (!check.Check(item)) {
      let n = 0
      for (const e of check.Errors(item)) {
        c.add(index, e.path, 'SCHEMA_INVALID', e.message)
        if (++n >= 5) break
      }
      return
    }
    const it = item as Record<string, unknown>
    checkSemantics(c, kind, index, it)
    if (registries !== undefined) {
      checkRegistries(
        registries, kind, iss, it, (path, code, detail) => { c.add(index, path, code, detail) }
      )
    }
    if (OWNER_ONLY.has(kind) && it.owner !== iss) c.add(index, '/owner', 'NOT_OWNER', 'only the owning platform may change this entry')
    if (ONE_PER_ENTRY.has(kind)) {
      const key = String(it.entryId)
      const first = seen.get(key)
      if (first !== undefined) c.add(index, '/entryId', 'SCHEMA_INVALID', `entry already changed by item ${first} of this envelope`)
      else seen.set(key, index)
    }
  })
  c.throwIfAny((n) => `${n}${n >= MAX_ITEM_ERRORS ? '+' : ''} invalid item field(s); the envelope was not accepted`, () => tallyOf(items))
}
