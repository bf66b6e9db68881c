import { TypeCompiler } from '@sinclair/typebox/compiler'
import { LocalIdV1, PlatformIdV1 } from '../../contracts/common-v1.js'
import type { ReconcileAnswerV1, WireElementV1 } from '../../contracts/reconcile-v1.js'
import type { RecordV2 } from '../../contracts/reconcile-v2.js'
import type { ExportPage } from '../../adapters/types.js'

const ENTRY_ID = TypeCompiler.Compile(LocalIdV1)
const OWNER = TypeCompiler.Compile(PlatformIdV1)
/** A range is a hex prefix of a key hash (WireRangeV1). */
const RANGE = /^[0-9a-f]{0,32}$/

/**
 * A replica answered an identifier the contract does not allow (an entry id outside LocalIdV1,
 * an owner outside PlatformIdV1, a range that is not a hex prefix). The whole answer is refused:
 * nothing of it is compared, stored or written to a report, and the value itself is never
 * echoed (it may be a spreadsheet formula or carry personal data).
 */
export class ReplicaIdInvalid extends Error {
  readonly code = 'REPLICA_ID_INVALID'

  constructor (what: string) {
    super(`REPLICA_ID_INVALID: the replica answered ${what}; the answer is refused`)
    this.name = 'ReplicaIdInvalid'
  }
}

function checkElements (elements: readonly WireElementV1[], where: string): void {
  elements.forEach((e, i) => {
    if (!ENTRY_ID.Check(e[0])) throw new ReplicaIdInvalid(`an entry id that is not a LocalIdV1 (${where}, element ${i})`)
  })
}

/** Checks every identifier in a range reconciliation answer; see {@link ReplicaIdInvalid}. */
export function checkReplicaAnswer (answer: ReconcileAnswerV1): void {
  for (const prefix of [...answer.match, ...Object.keys(answer.elements), ...Object.keys(answer.children)]) {
    if (!RANGE.test(prefix)) throw new ReplicaIdInvalid('a range that is not a hex prefix')
  }
  for (const [prefix, elements] of Object.entries(answer.elements)) checkElements(elements, `range "${prefix}"`)
}

/** Checks every entry id in a version 2 answer's details (its prefixes are hex by construction). */
export function checkReplicaRecords (records: readonly RecordV2[]): void {
  for (const r of records) {
    if (r.type !== 'details') continue
    r.details.forEach((d, i) => {
      if (!ENTRY_ID.Check(d.entryId)) throw new ReplicaIdInvalid(`an entry id that is not a LocalIdV1 (range "${r.prefix}", detail ${i})`)
    })
  }
}

/** Checks every identifier in one page of a replica's export; see {@link ReplicaIdInvalid}. */
export function checkExportPage (page: ExportPage): void {
  checkElements(page.elements ?? [], 'export page')
  ;(page.entries ?? []).forEach((e, i) => {
    if (!OWNER.Check(e.owner)) throw new ReplicaIdInvalid(`an owner that is not a PlatformIdV1 (export page, entry ${i})`)
    if (!ENTRY_ID.Check(e.entryId)) throw new ReplicaIdInvalid(`an entry id that is not a LocalIdV1 (export page, entry ${i})`)
  })
}
