import type { Registries, ShareScope } from '../../config/registry-schema.js'
import type { CheckEntryV1, CheckMeasureBasisV1, CheckMeasureV1, CheckModeV1, CheckVerifiedMeasureV1 } from '../../contracts/check-v1.js'
import { withheldFields } from '../delivery/share-scope.js'

/**
 * The catalogue field behind each member of a full answer's entry summary (CheckEntryV1). Typed
 * so that a member added to the summary must say which catalogue field it shows. `status` and
 * `updatedAt` are the gateway's own state, not catalogue data.
 */
const SHOWN = {
  owner: 'owner',
  entryId: 'entryId',
  version: 'version',
  listType: 'listType',
  listCode: 'listCode',
  domain: 'domain',
  subjectName: 'subject.name',
  authority: 'decision.authority',
  documentNumber: 'decision.documentNumber',
  decidedOn: 'decision.decidedOn',
  validFrom: 'validFrom',
  validUntil: 'validUntil',
  measures: 'measures.code'
} as const satisfies Record<Exclude<keyof CheckEntryV1, 'status' | 'updatedAt'>, string>

/** The mode of a check, and the catalogue fields of a full answer the asker may not receive. */
export interface CheckModeDecision {
  mode: CheckModeV1
  requested: boolean
  withheldFields: string[]
}

/**
 * Which mode a check gets (可用不可见, 国办发〔2021〕52号 (六): information that may not be given to
 * the asker as 原始明细数据 is offered as 核验). The catalogue decides per field and asker: a full answer
 * shows the fields in SHOWN plus the subject's identifier (its credit code, or for a person the
 * identity number: an entry found under it tells the asker about that person), and if the share scope
 * of any of them is not among the asker's scopes — or is owner-only — the check is answered in
 * verification mode. Decided before the lookup, from the asker and the subject's kind alone, so that
 * the mode never tells whether entries exist. The asker may also ask for verification itself.
 */
export function checkMode (registries: Registries, scopes: readonly ShareScope[], subjectKind: 'organisation' | 'person', requested: CheckModeV1 | undefined): CheckModeDecision {
  const shown = new Set<string>([...Object.values(SHOWN), subjectKind === 'person' ? 'subject.idNumber' : 'subject.creditCode'])
  const withheld = withheldFields(registries, scopes).filter((f) => shown.has(f)).sort()
  const asked = requested === 'verification'
  return { mode: withheld.length > 0 || asked ? 'verification' : 'full', requested: asked, withheldFields: withheld }
}

/**
 * The measures of a full answer as a verification answer gives them: the entries become their
 * owners (whom to contact), each basis and note is stated per owner, never per entry.
 */
export function verifiedMeasures (
  measures: readonly CheckMeasureV1[], entries: readonly CheckEntryV1[]
): CheckVerifiedMeasureV1[] {
  const ownerOf = new Map(entries.map((e) => [`${e.owner}:${e.entryId}`, e.owner]))
  return measures.map((m) => {
    const owner = (ref: string): string => ownerOf.get(ref) ?? ref.split(':')[0] ?? ''
    const bases = new Map<string, CheckMeasureBasisV1>()
    for (const b of m.bases) {
      const o = owner(b.entry ?? '')
      bases.set(`${o}|${b.kind}|${b.ref ?? ''}`, { owner: o, kind: b.kind, ref: b.ref, name: b.name })
    }
    const notes = m.notes.map((n) => {
      const ref = m.entries.find((r) => n.startsWith(`${r}:`))
      return ref === undefined ? n : owner(ref) + n.slice(ref.length)
    })
    return {
      code: m.code,
      name: m.name,
      kind: m.kind,
      legalBasis: m.legalBasis,
      appliedBy: m.appliedBy,
      applies: m.applies,
      owners: [...new Set(m.entries.map(owner))].sort(),
      bases: [...bases.values()],
      notes: [...new Set(notes)]
    }
  })
}
