import { writeCsv } from '../privacy/csv-writer.js'
import type { RunDetailV1 } from '../../contracts/reconcile-v1.js'

const COLUMNS = ['run', 'owner', 'listCode', 'platform', 'kind', 'entryId', 'ownerVersion', 'ownerStatus', 'replicaVersion', 'replicaStatus', 'cause', 'subject', 'detail'] as const

/** A run's findings as CSV (RFC 4180, UTF-8 with a BOM so spreadsheet tools read the Chinese text); subjects are stored
 * masked. */
export function runCsv (detail: RunDetailV1): string {
  const { run } = detail
  const rows = detail.findings.map(
    (f) => [
      run.id,
      run.owner,
      run.listCode,
      run.platform,
      f.kind,
      f.entryId,
      f.ownerVersion,
      f.ownerStatus,
      f.replicaVersion,
      f.replicaStatus,
      f.cause,
      f.subject,
      f.detail
    ]
  )
  return writeCsv(rows, { header: COLUMNS, bom: true })
}
