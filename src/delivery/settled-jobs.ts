const LIMIT = 10_000

/**
 * Queue jobs whose delivery a coalesced push of this process already recorded as delivered (as a
 * companion of another job). Each still has its own job, the safety net should the process die
 * before recording; when it comes up here, the worker completes it without asking the ledger
 * again (two statements per companion). Keyed by job id, which a resend or re-enqueue changes (see
 * jobIdOf), so only the job that was settled is skipped; another process, or a job forgotten past
 * the limit, simply finds the delivery done in the ledger, as before.
 */
export class SettledJobs {
  private readonly ids = new Set<string>()

  add (jobId: string): void {
    if (this.ids.size >= LIMIT) this.ids.delete(this.ids.values().next().value as string)
    this.ids.add(jobId)
  }

  /** True (once) when `jobId` was settled by a push. */
  take (jobId: string | undefined): boolean {
    return jobId !== undefined && this.ids.delete(jobId)
  }
}
