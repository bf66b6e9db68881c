import type pg from 'pg'
import type { CoordinationStatsRowV1, CoordinationStatsV1 } from '../../contracts/coordination-stats-v1.js'

const MONTH = (col: string): string => `to_char(${col} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')`

const CASES = `SELECT ${MONTH('opened_at')} AS month, domain, initiator AS province,
  count(*)::int AS opened, count(*) FILTER (WHERE overdue)::int AS overdue
FROM cases WHERE ${MONTH('opened_at')} BETWEEN $1 AND $2 GROUP BY 1, 2, 3`

const PLATFORMS = `SELECT ${MONTH('c.opened_at')} AS month, c.domain, p.key AS province,
  count(*) FILTER (WHERE p.value->>'respondedBy' IS NOT NULL AND NOT (p.value->'overdue'->>'response')::boolean)::int AS responded_on_time,
  count(*) FILTER (WHERE p.value->>'respondedBy' IS NOT NULL AND (p.value->'overdue'->>'response')::boolean)::int AS responded_late,
  count(*) FILTER (WHERE p.value->>'respondedBy' IS NULL)::int AS response_missing,
  count(*) FILTER (WHERE p.value->>'state' = 'feedback-complete' AND NOT (p.value->'overdue'->>'feedback')::boolean)::int AS fed_back_on_time,
  count(*) FILTER (WHERE p.value->>'state' = 'feedback-complete' AND (p.value->'overdue'->>'feedback')::boolean)::int AS fed_back_late,
  count(*) FILTER (WHERE p.value->>'state' <> 'feedback-complete')::int AS feedback_incomplete
FROM cases c CROSS JOIN LATERAL jsonb_each(c.state->'platforms') AS p
WHERE ${MONTH('c.opened_at')} BETWEEN $1 AND $2 GROUP BY 1, 2, 3`

const OBJECTIONS = `SELECT ${MONTH('opened_at')} AS month, domain, owner AS province, count(*)::int AS opened,
  count(*) FILTER (WHERE status = 'open')::int AS open, count(*) FILTER (WHERE status = 'upheld')::int AS upheld,
  count(*) FILTER (WHERE status = 'corrected')::int AS corrected, count(*) FILTER (WHERE status = 'revoked')::int AS revoked,
  count(*) FILTER (WHERE status = 'withdrawn')::int AS withdrawn, count(*) FILTER (WHERE overdue)::int AS overdue
FROM objections WHERE ${MONTH('opened_at')} BETWEEN $1 AND $2 GROUP BY 1, 2, 3`

const REPAIR_REQUESTS = `SELECT ${MONTH('requested_at')} AS month, domain, owner AS province, count(*)::int AS requested,
  count(*) FILTER (WHERE status = 'open')::int AS open, count(*) FILTER (WHERE status = 'granted')::int AS granted,
  count(*) FILTER (WHERE status = 'refused')::int AS refused, count(*) FILTER (WHERE status = 'withdrawn')::int AS withdrawn,
  count(*) FILTER (WHERE overdue)::int AS overdue
FROM repairs WHERE ${MONTH('requested_at')} BETWEEN $1 AND $2 GROUP BY 1, 2, 3`

// A repair's time to propagate: from the gateway's receipt to the last platform's confirmation.
const REPAIRS = `WITH r AS (
  SELECT e.owner, e.domain, env.received_at,
    (SELECT CASE WHEN bool_and(d.status = 'delivered') THEN extract(epoch FROM max(d.delivered_at) - env.received_at) END
     FROM deliveries d WHERE d.iss = e.last_iss AND d.jti = e.last_jti) AS seconds
  FROM entries e JOIN envelopes env ON env.iss = e.last_iss AND env.jti = e.last_jti
  WHERE e.status = 'removed' AND e.removal->>'reason' = 'repair' AND ${MONTH('env.received_at')} BETWEEN $1 AND $2
)
SELECT ${MONTH('received_at')} AS month, domain, owner AS province, count(*)::int AS count, count(seconds)::int AS propagated,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS median, max(seconds)::float8 AS max
FROM r GROUP BY 1, 2, 3`

type Key = string
const keyOf = (r: { month: string, domain: string, province: string }): Key => `${r.month}|${r.domain}|${r.province}`

function emptyRow (month: string, domain: string, province: string): CoordinationStatsRowV1 {
  return {
    month,
    domain,
    province,
    casesOpened: 0,
    casesOverdue: 0,
    responses: { onTime: 0, late: 0, missing: 0 },
    feedback: { onTime: 0, late: 0, incomplete: 0 },
    objections: { opened: 0, open: 0, upheld: 0, corrected: 0, revoked: 0, withdrawn: 0, overdue: 0 },
    repairs: {
      count: 0,
      requested: 0,
      open: 0,
      granted: 0,
      refused: 0,
      withdrawn: 0,
      overdue: 0,
      propagated: 0,
      medianPropagationSeconds: null,
      maxPropagationSeconds: null
    }
  }
}

/**
 * Coordination statistics per month, domain and province (months `from`..`to`, YYYY-MM, China
 * Standard Time): cases opened and overdue (by initiator), responses and feedback on time, late or
 * outstanding (by implementing platform), objections with their outcomes and how many were not
 * answered in time, repair requests with their decisions and how many were not decided in time, and
 * repairs with their time to reach every platform (by owner).
 */
export async function coordinationStats (pool: pg.Pool, from: string, to: string): Promise<CoordinationStatsV1> {
  const rows = new Map<Key, CoordinationStatsRowV1>()
  const row = (r: { month: string, domain: string, province: string }): CoordinationStatsRowV1 => {
    const k = keyOf(r)
    const existing = rows.get(k)
    if (existing !== undefined) return existing
    const created = emptyRow(r.month, r.domain, r.province)
    rows.set(k, created)
    return created
  }
  const [cases, platforms, objections, repairs, requests] = await Promise.all([
    pool.query(CASES, [from, to]), pool.query(PLATFORMS, [from, to]), pool.query(
      OBJECTIONS, [from, to]
    ), pool.query(REPAIRS, [from, to]), pool.query(
      REPAIR_REQUESTS, [from, to]
    )
  ])
  for (const r of cases.rows) Object.assign(row(r), { casesOpened: r.opened, casesOverdue: r.overdue })
  for (const r of platforms.rows) {
    Object.assign(row(r), {
      responses: { onTime: r.responded_on_time, late: r.responded_late, missing: r.response_missing },
      feedback: { onTime: r.fed_back_on_time, late: r.fed_back_late, incomplete: r.feedback_incomplete }
    })
  }
  for (const r of objections.rows) {
    row(r).objections = {
      opened: r.opened,
      open: r.open,
      upheld: r.upheld,
      corrected: r.corrected,
      revoked: r.revoked,
      withdrawn: r.withdrawn,
      overdue: r.overdue
    }
  }
  for (const r of repairs.rows) {
    Object.assign(
      row(r).repairs,
      {
        count: r.count,
        propagated: r.propagated,
        medianPropagationSeconds: r.median === null ? null : Number(r.median),
        maxPropagationSeconds: r.max
      }
    )
  }
  for (const r of requests.rows) {
    Object.assign(
      row(r).repairs,
      {
        requested: r.requested,
        open: r.open,
        granted: r.granted,
        refused: r.refused,
        withdrawn: r.withdrawn,
        overdue: r.overdue
      }
    )
  }
  return { from, to, rows: [...rows.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b))) }
}
