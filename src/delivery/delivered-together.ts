import type pg from 'pg'
import type { DeliveredRecord } from './delivery-store.js'

// delivery-store.ts's DELIVERED for several deliveries in one statement (one round trip, one commit). The replica
// versions are folded per entry first: two messages of one push may carry the same entry (v1, then v2), and one
// INSERT … ON CONFLICT may not touch a row twice. The `id = ANY` conditions keep both updates on the primary keys
// (joined with unnest alone, the planner hashes a scan of every delivery).
const DELIVERED_ALL = `WITH x AS (
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[])
    AS x(delivery_id, evidence, attempt_id, outcome, sent_digest, attempt_receipt)
), d AS (
  UPDATE deliveries SET status = 'delivered', last_error = NULL, last_error_code = NULL, receipt = x.evidence::jsonb,
    delivered_at = now(), updated_at = now() FROM x WHERE deliveries.id = x.delivery_id AND deliveries.id = ANY($1::bigint[])
), a AS (
  UPDATE delivery_attempts SET finished_at = now(), outcome = x.outcome, sent_digest = x.sent_digest,
    receipt = x.attempt_receipt::jsonb FROM x WHERE delivery_attempts.id = x.attempt_id
    AND delivery_attempts.id = ANY($3::bigint[])
)
INSERT INTO replica_versions (destination, owner, entry_id, version, confirmed_at)
SELECT v.destination, v.owner, v.entry_id, max(v.version), now()
FROM unnest($7::text[], $8::text[], $9::text[], $10::int[]) AS v(destination, owner, entry_id, version)
GROUP BY v.destination, v.owner, v.entry_id
ON CONFLICT (destination, owner, entry_id) DO UPDATE
  SET version = GREATEST(replica_versions.version, EXCLUDED.version), confirmed_at = EXCLUDED.confirmed_at`

const json = (v: unknown): string | null => v === null || v === undefined ? null : JSON.stringify(v)

/**
 * Records confirmed deliveries (no item refused) in one statement, each exactly as recordDelivered
 * would alone: status, receipt, the attempt's evidence, and the versions the replicas now hold.
 */
export async function recordDeliveredTogether (pool: pg.Pool, records: readonly DeliveredRecord[]): Promise<void> {
  if (records.length === 0) return
  const versions = records.flatMap((r) => (r.versions as Array<{ entryId: string, owner?: string, version: number }>)
    .map((i) => ({ destination: r.destination, owner: i.owner ?? r.origin, entryId: i.entryId, version: i.version })))
  await pool.query(DELIVERED_ALL, [
    records.map((r) => r.deliveryId), records.map((r) => json(r.evidence)), records.map((r) => r.attemptId),
    records.map((r) => r.outcome), records.map((r) => r.sentDigest), records.map((r) => json(r.attemptReceipt)),
    versions.map((v) => v.destination), versions.map((v) => v.owner), versions.map((v) => v.entryId),
    versions.map((v) => v.version)
  ])
}
