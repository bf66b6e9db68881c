import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import type { Registries, ShareScope } from '../../config/registry-schema.js'
import {
  CHECK_RECEIPT_TYP, type CheckAnswerBodyV1, type CheckAnswerV1, type CheckAsResponsiblePersonV1, type CheckEntryV1,
  type CheckModeV1,
  type CheckReceiptClaimsV1, type CheckVerificationAnswerV1, type CheckVerificationBodyV1
} from '../../contracts/check-v1.js'
import { GATEWAY_ID } from '../../contracts/envelope-v1.js'
import type { ListUpsertItemV1 } from '../../contracts/list-upsert-item-v1.js'
import { GatewayError } from '../errors/gateway-error.js'
import { maskIdNumber, scrubIdNumbers } from '../identifiers/mask.js'
import type { GatewayKeys } from '../keys/signing-keys.js'
import { inTransaction } from '../ledger/pool.js'
import { recordQuery } from '../ledger/query-log.js'
import type { SubjectDigests } from '../privacy/subject-digests.js'
import { currentEntries, entryHead, type CurrentEntryRow } from '../subjects/subject-entries.js'
import { personMeasureCodes } from '../subjects/person-measures.js'
import { responsibleEntries, type ResponsibleEntryRow } from '../subjects/responsible-entries.js'
import { subjectFlags } from '../subjects/subject-flags.js'
import { classifySubjectId } from '../subjects/subject-routes.js'
import { chinaToday } from '../coordination/case-deadlines.js'
import { applicableMeasures } from './applicable-measures.js'
import { canonicalDigest } from '../canonical/canonical-json.js'
import type { ProofHash } from '../canonical/proof-hash.js'
import { checkMode, verifiedMeasures } from './check-mode.js'

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
  /** The catalogue share scopes the asker may receive (its platform's, or its department system's). */
  shareScopesOf: (asker: CheckAsker) => readonly ShareScope[]
  /** When a check is answered: its `checkedAt`, and the day that decides whether an entry is in force yet. */
  now: () => Date
  /** The hash of the receipt's `answered.digest` (settings.proofHash; none: SHA-256). */
  proofHash?: ProofHash | undefined
}

export const CHECK_ROUTE = 'POST /v1/checks'

function summarise (r: CurrentEntryRow, today: string): CheckEntryV1 {
  const d = r.data as Partial<ListUpsertItemV1>
  const person = d.subject?.type === 'person'
  return {
    ...entryHead(r, today),
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
 * The entries found through a role of the checked subject, and the measures of them that bear on
 * the decision and reach a responsible person in that role (落实到人, 国发〔2016〕33号 (十四)). The
 * applicability rules (objection, provincial lists) are those of the subject's own entries.
 */
function asResponsiblePerson (
  registries: Registries,
  decisionType: string,
  rows: readonly ResponsibleEntryRow[],
  askerPlatform: string,
  today: string
): CheckAsResponsiblePersonV1 {
  const entries = rows.map((r) => ({ ...summarise(r, today), through: r.through }))
  const reaching = entries
    .map((e) => ({ ...e, measures: personMeasureCodes(registries, e.listCode, e.measures, e.through.roles) }))
    // An entry none of whose measures reaches persons must not fall back to its list type's defaults.
    .filter((e) => e.measures.length > 0)
    .map(({ through: _t, ...e }) => e)
  return { entries, measures: applicableMeasures(registries, decisionType, reaching, askerPlatform) }
}

/**
 * A check before deciding (应查必查, 国发〔2016〕33号 (十八)): every current entry of the subject
 * across the provinces, the measures bearing on the decision with the basis on which each binds the
 * asker's province, and a receipt signed by the gateway naming who asked, when, why, for which
 * decision, in which mode, and exactly what was answered. Entries naming the subject as a
 * responsible person of another are answered apart (`asResponsiblePerson`, 落实到人) and counted in
 * the receipt: such a subject is not clean. Where the catalogue keeps a field of the answer from the
 * asker (or the asker asks so), the check is answered in verification mode (可用不可见,
 * 国办发〔2021〕52号 (六)): only the measures, their basis and the owners to contact. The lookup, its
 * query-log record and the stored check are one transaction: no answer without its record.
 */
export async function runCheck (
  deps: CheckDeps,
  asker: CheckAsker,
  req: {
    subject: string,
    purpose: string,
    decisionType: string,
    department?: string | undefined,
    mode?: CheckModeV1 | undefined
  }
): Promise<CheckAnswerV1 | CheckVerificationAnswerV1> {
  const kind = classifySubjectId(req.subject)
  if (deps.registries?.decisionType(req.decisionType) === undefined) {
    throw new GatewayError('DECISION_TYPE_UNKNOWN', 'decisionType is not a decision type of the registries (see config/registries, decisionTypes)')
  }
  const registries = deps.registries
  const purpose = scrubIdNumbers(req.purpose.trim())
  if (purpose === '') throw new GatewayError('PURPOSE_REQUIRED', 'purpose is required: say why the subject is checked')
  const department = asker.department ?? (req.department === undefined ? null : scrubIdNumbers(req.department.trim()))
  const masked = kind === 'person' ? maskIdNumber(req.subject) : req.subject
  const decided = checkMode(registries, deps.shareScopesOf(asker), kind, req.mode)
  // Kept only inside the gateway (the query log, the stored check): answers and receipts never carry it.
  const subjectDigest = deps.digests.digest(req.subject)
  return await inTransaction(deps.pool, async (client) => {
    const { rows, coverage } = await currentEntries(client, req.subject, deps.platforms)
    const through = await responsibleEntries(client, req.subject, kind)
    const queryId = await recordQuery(client, {
      principal: asker.principal,
      role: asker.role,
      route: CHECK_ROUTE,
      subjectDigest,
      subjectMasked: masked,
      purpose,
      resultCount: rows.length + through.length
    })
    const checkedAt = deps.now()
    const today = chinaToday(checkedAt)
    const entries = rows.map((r) => summarise(r, today))
    const checkId = randomUUID()
    const measures = applicableMeasures(registries, req.decisionType, entries, asker.platform)
    const common = {
      checkId,
      checkedAt: checkedAt.toISOString(),
      asker: { principal: asker.principal, role: asker.role, platform: asker.platform, department },
      purpose,
      decisionType: req.decisionType,
      subject: { id: masked, kind }
    }
    const rp = asResponsiblePerson(registries, req.decisionType, through, asker.platform, today)
    // The bases are covered by the answer's digest; the receipt's own list keeps its shape.
    const signedMeasures = (list: Array<{ code: string, applies: boolean }>): CheckReceiptClaimsV1['answered']['measures'] =>
      list.map((m) => ({ code: m.code, applies: m.applies }))
    const consultedOwn = entries.map(
      (e) => ({ owner: e.owner, entryId: e.entryId, version: e.version, status: e.status, listType: e.listType })
    )
    const consultedThrough = rp.entries.map((e) => ({
      owner: e.owner,
      entryId: e.entryId,
      version: e.version,
      status: e.status,
      listType: e.listType,
      roles: e.through.roles
    }))
    let body: CheckAnswerBodyV1 | CheckVerificationBodyV1
    let answered: CheckReceiptClaimsV1['answered']
    // SHA-256 receipts name no hash, as those signed before SM3 could be chosen.
    const answerDigest = (answer: unknown): Pick<CheckReceiptClaimsV1['answered'], 'digest' | 'digestAlg'> =>
      deps.proofHash === undefined || deps.proofHash === 'SHA-256'
        ? { digest: canonicalDigest(answer) }
        : { digest: canonicalDigest(answer, deps.proofHash), digestAlg: deps.proofHash }
    if (decided.mode === 'verification') {
      const verification: CheckVerificationBodyV1 = {
        ...common,
        mode: 'verification',
        verification: { requested: decided.requested, withheldFields: decided.withheldFields },
        measures: verifiedMeasures(measures, entries),
        asResponsiblePerson: { measures: verifiedMeasures(rp.measures, rp.entries) },
        coverage,
        queryId
      }
      body = verification
      const owners = [...verification.measures, ...verification.asResponsiblePerson.measures].flatMap((m) => m.owners)
      answered = {
        measures: signedMeasures(verification.measures),
        owners: [...new Set(owners)].sort(),
        asResponsiblePerson: { measures: signedMeasures(verification.asResponsiblePerson.measures) },
        ...answerDigest(body)
      }
    } else {
      const flags = subjectFlags(
        entries.map((e) => ({ owner: e.owner, entryId: e.entryId, listType: e.listType, domain: e.domain }))
      )
      const full: CheckAnswerBodyV1 = {
        ...common,
        mode: 'full',
        summary: {
          black: entries.filter((e) => e.listType === 'black').length,
          red: entries.filter((e) => e.listType === 'red').length,
          keySupervision: entries.filter((e) => e.listType === 'key-supervision').length,
          suspended: entries.filter((e) => e.status === 'suspended').length,
          contradictions: flags.contradictions.length,
          repeatListings: flags.repeatListings.length
        },
        entries,
        asResponsiblePerson: rp,
        flags,
        measures,
        coverage,
        queryId
      }
      body = full
      answered = {
        entries: consultedOwn,
        measures: signedMeasures(measures),
        contradictions: flags.contradictions.length,
        asResponsiblePerson: { entries: consultedThrough, measures: signedMeasures(rp.measures) },
        ...answerDigest(body)
      }
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
      mode: decided.mode,
      answered,
      queryId
    }
    const receipt = await deps.keys.sign(claims, CHECK_RECEIPT_TYP)
    await client.query(
      `INSERT INTO checks (id, at, principal, role, platform, department, purpose, decision_type, subject_kind,
                           subject_masked, subject_hash, query_id, answered, answer_digest, receipt, mode, consulted)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [checkId, checkedAt, asker.principal, asker.role, asker.platform, department, purpose, req.decisionType, kind,
        masked, subjectDigest, queryId, JSON.stringify(answered), answered.digest, receipt, decided.mode,
        decided.mode === 'verification' ? JSON.stringify([...consultedOwn, ...consultedThrough]) : null])
    return { ...body, receipt }
  })
}
