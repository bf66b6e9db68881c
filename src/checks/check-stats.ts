import type pg from 'pg'
import { CHECK_OUTCOMES, type CheckStatsV1 } from '../../contracts/check-v1.js'

const zeros = (): Record<string, number> => Object.fromEntries(CHECK_OUTCOMES.map((o) => [o, 0]))

/**
 * Checks and their outcomes counted (Zhejiang reports them so: 482,600 checked, 32,467
 * fast-tracked, 773 refused, …), overall, per asking province and per decision type, for checks
 * made in [from, to) when given.
 */
export async function checkStats (
  db: pg.Pool, from: Date | null, to: Date | null, labels: { from: string | null, to: string | null }
): Promise<CheckStatsV1> {
  const { rows } = await db.query<{
    platform: string, decision_type: string, outcome: string | null, n: string, with_entries: string
  }>(
    `SELECT platform, decision_type, outcome, count(*) AS n,
            count(*) FILTER (WHERE jsonb_array_length(COALESCE(consulted, answered -> 'entries')) > 0
                              OR jsonb_array_length(coalesce(answered #> '{asResponsiblePerson,entries}', '[]')) > 0) AS with_entries
     FROM checks WHERE ($1::timestamptz IS NULL OR at >= $1) AND ($2::timestamptz IS NULL OR at < $2)
     GROUP BY 1, 2, 3`, [from, to])
  const stats: CheckStatsV1 = {
    from: labels.from,
    to: labels.to,
    checks: 0,
    withEntries: 0,
    withOutcome: 0,
    byOutcome: zeros(),
    byPlatform: [],
    byDecisionType: []
  }
  const platforms = new Map<string, CheckStatsV1['byPlatform'][number]>()
  const decisions = new Map<string, CheckStatsV1['byDecisionType'][number]>()
  for (const r of rows) {
    const n = Number(r.n)
    stats.checks += n
    stats.withEntries += Number(r.with_entries)
    const p = platforms.get(r.platform) ?? { platform: r.platform, checks: 0, byOutcome: zeros() }
    const d = decisions.get(r.decision_type) ?? { decisionType: r.decision_type, checks: 0, byOutcome: zeros() }
    p.checks += n
    d.checks += n
    if (r.outcome !== null) {
      stats.withOutcome += n
      stats.byOutcome[r.outcome] = (stats.byOutcome[r.outcome] ?? 0) + n
      p.byOutcome[r.outcome] = (p.byOutcome[r.outcome] ?? 0) + n
      d.byOutcome[r.outcome] = (d.byOutcome[r.outcome] ?? 0) + n
    }
    platforms.set(r.platform, p)
    decisions.set(r.decision_type, d)
  }
  stats.byPlatform = [...platforms.values()].sort((a, b) => (a.platform < b.platform ? -1 : 1))
  stats.byDecisionType = [...decisions.values()].sort((a, b) => (a.decisionType < b.decisionType ? -1 : 1))
  return stats
}
