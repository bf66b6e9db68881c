import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import type { Registries } from '../../config/registry-schema.js'
import { CHECK_RECEIPT_TYP, type CheckAnswerBodyV1, type CheckAnswerV1, type CheckEntryV1, type CheckReceiptClaimsV1 } from '../../contracts/check-v1.js'
import { GATEWAY_ID } from '../../contracts/envelope-v1.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import { GatewayError } from '../errors/gateway-error.js'
import { maskIdNumber, scrubIdNumbers } from '../identifiers/mask.js'
import type { GatewayKeys } from '../keys/signing-keys.js'
import { inTransaction } from '../ledger/pool.js'
import { recordQuery } from '../ledger/query-log.js'
import type { SubjectDigests } from '../privacy/subject-digests.js'
import { currentEntries, type CurrentEntryRow } from '../subjects/subject-entries.js'
import { subjectFlags } from '../subjects/subject-flags.js'
import { classifySubjectId } from '../subjects/subject-routes.js'
import { chinaToday } from '../coordination/case-deadlines.js'
import { applicableMeasures } from './applicable-measures.js'
import { canonicalDigest } from './canonical-json.js'

/** Who checks: a platform, or an authorised department system of a platform. */
export interface CheckAsker {
  principal: string
  role: 'platform' | 'checker'
  /** The asker's province. */
  platform: string
  department: string | null
}

export interface CheckDeps {
  pool: pg.Pool
  keys: GatewayKeys
  digests: SubjectDigests
  registries: Registries | undefined
  platforms: string[]
}

export const CHECK_ROUTE = 'POST /v1/checks'

function summarise (r: CurrentEntryRow, today: string): CheckEntryV1 {
  const d = r.data as Partial<ListUpsertItemV1>
  const person = d.subject?.type === 'person'
  return {
    owner: r.owner,
    entryId: r.entry_id,
    version: r.version,
    listType: r.list_type,
    listCode: r.list_code,
    domain: r.domain,
    // A listing takes effect from its start (国发〔2016〕33号 (二十一)): before validFrom it is pending.
    status: r.status === 'active' && (d.validFrom ?? '') > today ? 'pending' : r.status,
    // A person's name is personal information too: shown only as its first character.
    subjectName: person ? `${Array.from(d.subject?.name ?? '')[0] ?? ''}**` : d.subject?.name ?? '',
    authority: d.decision?.authority ?? '',
    documentNumber: scrubIdNumbers(d.decision?.documentNumber ?? ''),
    decidedOn: d.decision?.decidedOn ?? '',
    validFrom: d.validFrom ?? '',
    validUntil: d.validUntil ?? null,
    measures: (d.measures ?? []).map((m) => m.code),
    updatedAt: r.updated_at.toISOString()
  }
}

/**
 * A check before deciding (应查必查, 国发〔2016〕33号 (十八)): every current entry of the subject
 * across the provinces, the measures bearing on the decision, and a receipt signed by the gateway
 * naming who asked, when, why, for which decision, and exactly what was answered. The lookup, its
 * query-log record and the stored check are one transaction: no answer without its record.
 */
export async function runCheck (deps: CheckDeps, asker: CheckAsker, req: { subject: string, purpose: string, decisionType: string, department?: string | undefined }): Promise<CheckAnswerV1> {
  const kind = classifySubjectId(req.subject)
  if (deps.registries?.decisionType(req.decisionType) === undefined) {
    throw new GatewayError('DECISION_TYPE_UNKNOWN', 'decisionType is not a decision type of the registries (see config/registries, decisionTypes)')
  }
  const registries = deps.registries
  const purpose = scrubIdNumbers(req.purpose.trim())
  if (purpose === '') throw new GatewayError('PURPOSE_REQUIRED', 'purpose is required: say why the subject is checked')
  const department = asker.department ?? (req.department === undefined ? null : scrubIdNumbers(req.department.trim()))
  const masked = kind === 'person' ? maskIdNumber(req.subject) : req.subject
  // Kept only inside the gateway (the query log, the stored check): answers and receipts never carry it.
  const subjectDigest = deps.digests.digest(req.subject)
  return await inTransaction(deps.pool, async (client) => {
    const { rows, coverage } = await currentEntries(client, req.subject, deps.platforms)
    const queryId = await recordQuery(client, {
      principal: asker.principal, role: asker.role, route: CHECK_ROUTE, subjectDigest, subjectMasked: masked, purpose, resultCount: rows.length
    })
    const today = chinaToday(new Date())
    const entries = rows.map((r) => summarise(r, today))
    const flags = subjectFlags(entries.map((e) => ({ owner: e.owner, entryId: e.entryId, listType: e.listType, domain: e.domain })))
    const checkId = randomUUID()
    const checkedAt = new Date()
    const body: CheckAnswerBodyV1 = {
      checkId,
      checkedAt: checkedAt.toISOString(),
      asker: { principal: asker.principal, role: asker.role, platform: asker.platform, department },
      purpose,
      decisionType: req.decisionType,
      subject: { id: masked, kind },
      summary: {
        black: entries.filter((e) => e.listType === 'black').length,
        red: entries.filter((e) => e.listType === 'red').length,
        keySupervision: entries.filter((e) => e.listType === 'key-supervision').length,
        suspended: entries.filter((e) => e.status === 'suspended').length,
        contradictions: flags.contradictions.length,
        repeatListings: flags.repeatListings.length
      },
      entries,
      flags,
      measures: applicableMeasures(registries, req.decisionType, entries, asker.platform),
      coverage,
      queryId
    }
    const answerDigest = canonicalDigest(body)
    const answered: CheckReceiptClaimsV1['answered'] = {
      entries: entries.map((e) => ({ owner: e.owner, entryId: e.entryId, version: e.version, status: e.status, listType: e.listType })),
      measures: body.measures.map((m) => ({ code: m.code, applies: m.applies })),
      contradictions: flags.contradictions.length,
      digest: answerDigest
    }
    const claims: CheckReceiptClaimsV1 = {
      iss: GATEWAY_ID,
      iat: Math.floor(checkedAt.getTime() / 1000),
      checkId,
      checkedAt: body.checkedAt,
      asker: body.asker,
      purpose,
      decisionType: req.decisionType,
      subject: { masked, kind },
      answered,
      queryId
    }
    const receipt = await deps.keys.sign(claims, CHECK_RECEIPT_TYP)
    await client.query(
      `INSERT INTO checks (id, at, principal, role, platform, department, purpose, decision_type, subject_kind,
                           subject_masked, subject_hash, query_id, answered, answer_digest, receipt)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [checkId, checkedAt, asker.principal, asker.role, asker.platform, department, purpose, req.decisionType, kind,
        masked, subjectDigest, queryId, JSON.stringify(answered), answerDigest, receipt])
    return { ...body, receipt }
  })
}
