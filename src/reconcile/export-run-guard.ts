/**
 * A replica's export returned one entry twice, or gave a cursor it had given before, within one
 * run: its pages do not describe one state of its list (it pages by position while the list
 * changes, instead of by key or from a snapshot: adapters/README.md, "Reconciliation"), or it
 * would page forever. The run fails with this code rather than report the repeat as a difference
 * (a second copy would read as an entry the owner never published) or loop.
 */
export class ReplicaExportInconsistent extends Error {
  readonly code = 'REPLICA_EXPORT_INCONSISTENT'

  constructor (what: string) {
    super(`REPLICA_EXPORT_INCONSISTENT: the replica's export ${what} within one run; it must page by key or snapshot`)
    this.name = 'ReplicaExportInconsistent'
  }
}

/** What one export run has seen so far: each entry id and each cursor at most once (issue 17 item 4). */
export class ExportRunGuard {
  private readonly entries = new Set<string>()
  // The first page's cursor is the empty one: a `next` of '' would start the export again.
  private readonly cursors = new Set<string>([''])

  /** An entry of the owner the export returned (an id already checked against the contract). */
  entry (entryId: string): void {
    if (this.entries.has(entryId)) throw new ReplicaExportInconsistent(`returned entry ${entryId} twice`)
    this.entries.add(entryId)
  }

  /** The cursor of the next page. */
  next (cursor: string): void {
    if (this.cursors.has(cursor)) throw new ReplicaExportInconsistent('gave the same cursor twice')
    this.cursors.add(cursor)
  }
}
